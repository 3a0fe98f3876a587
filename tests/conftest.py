"""Fixtures the test files share. Plain helpers (paths, sample pages, folding, CER,
WARC builders and readers, the crawl command) are in ``tests/helpers.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.testing.sampleserver import SampleServer


@pytest.fixture
def sample_server() -> Iterator[SampleServer]:
    """The repository's sample mirror served on 127.0.0.1 for one test, then stopped."""
    with SampleServer() as server:
        yield server
