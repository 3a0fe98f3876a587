"""The incremental crawl's memory: which article URLs are already archived.

One SQLite file (``data/state/archived.sqlite3``) lists every article URL
archived so far, with its source, the WARC file it went to and when. The
crawler asks it before fetching an article and writes to it right after the
article's WARC records are written, so a crash between the two can archive an
article twice but never lose one. WAL mode with ``synchronous=NORMAL`` keeps
one commit per article cheap (no fsync per commit) while a crash of the
process loses nothing committed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS archived (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    archived_at TEXT NOT NULL
)
"""


class ArchivedStore:
    """Article URLs already archived (``seen``) and how to add some (``add``)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def seen(self, url: str) -> bool:
        """Whether ``url`` was archived by an earlier fetch."""
        row = self._db.execute("SELECT 1 FROM archived WHERE url = ?", (url,)).fetchone()
        return row is not None

    def add(self, urls: Iterable[str], source: str, warc_file: str) -> None:
        """Record ``urls`` (an article's URL and the URLs redirected to it) as archived."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._db.executemany(
            "INSERT OR REPLACE INTO archived VALUES (?, ?, ?, ?)",
            [(url, source, warc_file, now) for url in urls],
        )

    def count(self, source: str | None = None) -> int:
        """How many URLs are recorded (for one source, or all)."""
        if source is None:
            row = self._db.execute("SELECT COUNT(*) FROM archived").fetchone()
        else:
            row = self._db.execute(
                "SELECT COUNT(*) FROM archived WHERE source = ?", (source,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()
