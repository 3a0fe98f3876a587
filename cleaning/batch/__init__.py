"""Files to dataset: find and read raw (``rawio``), clean each file in a
worker process or on a Dask cluster (``run``, ``pool``, ``workers``,
``cluster``), stage the rows (``staging``), build the next version
(``merge``, ``layout``), group the copies of each article
(``syndication``), publish it (``publish``, ``lock``), read it back
(``read``, ``show``, ``report``); the command line (``cli``).

The batch layer reaches the page layer only through ``clean_page`` and the
configuration it is handed (``cleaning.page.config``). docs/architecture.md
walks through a run.
"""
