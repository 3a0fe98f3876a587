"""Files to dataset: read raw (``rawio``), clean in worker processes
(``run``), stage, merge and publish the Parquet dataset (``dataset``), and
the command line (``cli``).

The batch layer reaches the page layer only through ``clean_page``.
"""
