"""The incremental crawl's memory: which article URLs are already archived.

One SQLite file (``data/state/archived.sqlite3``) lists every article URL
archived so far, with its source, the WARC file it went to and when. The
crawler asks it before fetching an article and writes to it right after the
article's WARC records are written; a crash between the two leaves the WARC
file open, and the next crawl brings the store in line with the file it
recovers (``reconcile``), so an article is neither lost nor archived twice.
WAL mode with ``synchronous=NORMAL`` keeps
one commit per article cheap (no fsync per commit) while a crash of the
process loses nothing committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
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
        with self._transaction():  # all of them or none (a full disk fails the commit)
            self._db.executemany(
                "INSERT OR REPLACE INTO archived VALUES (?, ?, ?, ?)",
                [(url, source, warc_file, now) for url in urls],
            )

    def reconcile(self, warc_file: str, source: str, urls: Iterable[str]) -> tuple[int, int]:
        """Make the store agree with a WARC file recovered after a crash: ``(added, removed)``.

        ``urls`` are the articles the file holds: those not recorded are added;
        URLs recorded under the file's name that it does not hold (cut off by
        the recovery) are removed, so the next crawl fetches them again.
        """
        wanted = set(urls)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._transaction():
            recorded = {
                row[0]
                for row in self._db.execute(
                    "SELECT url FROM archived WHERE warc_file = ?", (warc_file,)
                )
            }
            stale = recorded - wanted
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO archived VALUES (?, ?, ?, ?)",
                [(url, source, warc_file, now) for url in sorted(wanted)],
            )
            added = self._db.total_changes - before
            self._db.executemany("DELETE FROM archived WHERE url = ?", [(u,) for u in stale])
        return added, len(stale)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:  # SQLite rolls back by itself on some errors (disk full)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

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
