"""The crawling stage: polite, incremental Scrapy crawls into a raw WARC archive.

One generic spider reads the configured sources (``sites/*.toml``), fetches
their listing pages every run and their article pages once, and archives
every article response as served into ``data/raw/<source>/*.warc.gz``.
``python -m crawler --help`` and ``docs/crawling.md`` say how to run it.
"""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
