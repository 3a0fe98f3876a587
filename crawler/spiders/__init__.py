"""The crawl's one spider, ``SourceSpider``: every source is a data file, not a class."""
