"""Scrapy settings of the crawl: polite and safe by default.

Every setting of the crawler lives here; ``crawler.cli`` layers a source's
``[crawl]`` table (per-site delay and concurrency) and the command line's
``--set NAME=VALUE`` over them, in that order. Settings of this project are
prefixed ``SXCRAWL_``. Scrapy's own are documented at
https://docs.scrapy.org/en/latest/topics/settings.html; ``docs/crawling.md``
says why each value below is what it is.
"""

from __future__ import annotations

import os

from sxcorpus import __version__

BOT_NAME = "sxcorpus"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- who we are -------------------------------------------------------------

#: The placeholder contact of a crawl nobody set one for (a live crawl warns).
SXCRAWL_PLACEHOLDER_CONTACT = "mailto:sxcorpus-crawler@example.org"
#: Contact put in the User-Agent, so that a site's operator can reach whoever
#: runs the crawl. Set $SXCORPUS_CONTACT (or --contact) to your own.
SXCRAWL_CONTACT = os.environ.get("SXCORPUS_CONTACT", SXCRAWL_PLACEHOLDER_CONTACT)
SXCRAWL_USER_AGENT_TEMPLATE = f"sxcorpus-crawler/{__version__} (research corpus; +{{contact}})"
# crawler.cli rebuilds it from the template when --contact or --set changes the contact.
USER_AGENT = SXCRAWL_USER_AGENT_TEMPLATE.format(contact=SXCRAWL_CONTACT)

# --- politeness ---------------------------------------------------------------

ROBOTSTXT_OBEY = True
# One or two requests in flight per site (a source's [crawl] concurrency sets
# it); the global cap only matters when several sources share one process.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Seconds between requests to one site (a source's [crawl] download_delay).
DOWNLOAD_DELAY = 2.0
# Each delay is DOWNLOAD_DELAY ± 50%, so requests do not arrive like clockwork.
DOWNLOAD_DELAY_JITTER = 0.5
# AutoThrottle slows down further when a site answers slowly; it never goes
# below DOWNLOAD_DELAY. A target of 1 request in flight is the polite choice.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- safety limits ------------------------------------------------------------

# News pages of these sites are 10-200 KB; anything past 10 MB is not an article.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A content farm on a slow host can take 10-20 s for a page; 30 s is the limit.
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Wait before retrying a request (crawler.middlewares.RetryBackoffMiddleware).
SXCRAWL_RETRY_BACKOFF_ENABLED = True
#: First retry waits this many seconds, then twice as long each time.
SXCRAWL_RETRY_BACKOFF = 5.0
#: Longest wait before a retry, also the cap on a server's Retry-After.
SXCRAWL_RETRY_BACKOFF_MAX = 300.0
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Items processed in parallel per response. The spider yields at most one item
# (an article) per response and the archive writes one at a time; Scrapy's
# default of 100 starts 100 asyncio workers per response, which cost 40% of
# crawl throughput in `make bench` (bench/bench_crawl.py).
CONCURRENT_ITEMS = 1
# The sources are Chinese sites; ask for Chinese where a site negotiates.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,zh-TW;q=0.8,en;q=0.5",
}

# --- no listening sockets -------------------------------------------------------

# A crawl listens on no port. Scrapy's telnet console and its remote-control
# HTTP endpoint (which runs Python code sent with a token, and writes that
# token to a file in the home directory) are both on by default.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- components -----------------------------------------------------------------

EXTENSIONS = {
    # The archived-articles store: one connection per crawl, opened with the
    # spider and closed with it, shared by the middleware and the pipeline.
    "crawler.extensions.ArchivedState": 0,
}
DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100): an archived article needs no robots check.
    "crawler.middlewares.ArchivedArticlesMiddleware": 40,
    # Records Retry-After on the way back before RetryMiddleware (550) retries.
    "crawler.middlewares.RetryBackoffMiddleware": 555,
    # Before HttpProxyMiddleware (750), which turns meta["proxy"] into a proxy.
    "crawler.middlewares.MirrorProxyMiddleware": 740,
    # Next to the download handler: sees the response before any other middleware.
    "crawler.middlewares.RawCaptureMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.WarcPipeline": 300,
}

# The JOBDIR request queue: in memory while the crawl runs, saved to disk when
# it stops (see crawler/queues.py).
SCHEDULER_DISK_QUEUE = "crawler.queues.SavedOnCloseQueue"

# --- where things go (crawler.cli sets these per run) ---------------------------

#: Directory of the raw archive (data/raw); WARC files go to <dir>/<source>/.
SXCRAWL_RAW_DIR = "data/raw"
#: The archived-articles store (data/state/archived.sqlite3).
SXCRAWL_STATE_FILE = "data/state/archived.sqlite3"
#: Fetch every article again, archived or not.
SXCRAWL_FULL = False
#: Send every request through the HTTP proxy SXCRAWL_MIRROR (the sample mirror:
#: `python -m crawler.testing.sampleserver` prints its URL); --mirror URL sets both.
SXCRAWL_MIRROR_ENABLED = False
SXCRAWL_MIRROR = None
#: Stop the crawl at the first article that cannot be archived (disk full,
#: permissions): the pages it would fetch next could not be archived either.
SXCRAWL_STOP_ON_ARCHIVE_ERROR = True
#: Close a WARC file and start the next one past this size: 1 GB is the
#: customary WARC file size (Heritrix, wget), small enough to copy and re-read.
SXCRAWL_WARC_MAX_BYTES = 1_000_000_000

# --- the shared frontier (crawl --redis; crawler/frontier.py, docs/scaling.md) ----

#: Redis of a crawl shared by several processes (redis://HOST:PORT/DB), or "" for
#: the single-host crawl. Default: $SXCORPUS_REDIS_URL.
SXCRAWL_REDIS_URL = os.environ.get("SXCORPUS_REDIS_URL", "")
#: Prefix of every Redis key of the crawl: crawls with different prefixes share nothing.
SXCRAWL_REDIS_PREFIX = "sxcorpus"
#: Seconds a process's lease on its popped requests and host slots lasts unless
#: renewed (every third of it): how long after a process dies its work is taken
#: over. Longer than the longest pause of a busy process (a large page parsed).
SXCRAWL_REDIS_LEASE = 10.0
#: Set by ``crawl --redis`` for each source's crawler (crawler.frontier.configure):
#: the source the frontier's keys belong to, and its delay between two requests
#: to a host, kept across processes by the shared host slot (crawler.hostslot).
SXCRAWL_FRONTIER_SOURCE = ""
SXCRAWL_HOST_DELAY = 0.0

# --- Scrapy housekeeping --------------------------------------------------------

LOG_LEVEL = "INFO"
# Every crawler of a run logs to the same file: never truncate it.
LOG_FILE_APPEND = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
