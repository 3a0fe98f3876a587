"""The on-disk request queue of a resumable crawl (Scrapy ``JOBDIR``).

Scrapy keeps one disk queue per request priority and closes it whenever it
runs empty; queuelib then saves the queue's state by truncating and
rewriting ``info.json``, deletes the queue's directory, and the next request
creates it all again. A crawl that downloads as fast as it discovers pages
empties its queue after nearly every request. On ext4 a file truncated and
rewritten is flushed to disk at once (``auto_da_alloc``), so that churn took
about 5 ms a request, a third of crawl throughput in ``make bench``.

``KeptFifoDiskQueue`` keeps an empty queue's directory, and saves its state
by removing the old ``info.json`` and writing a new file, which ext4 does not
flush. A crash between the two loses the queue's position, not its
requests: the next crawl reads the queue from its start again, and the
archive drops articles it already holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy.squeues import PickleFifoDiskQueue


class KeptFifoDiskQueue(PickleFifoDiskQueue):  # type: ignore[misc,valid-type]
    """``PickleFifoDiskQueue`` that keeps its directory when it empties."""

    def close(self) -> None:
        self.headf.close()
        self.tailf.close()
        self._saveinfo(self.info)

    def _saveinfo(self, info: dict[str, Any]) -> None:
        path = Path(self.path, "info.json")
        path.unlink(missing_ok=True)
        path.write_text(json.dumps(info))
