"""The cleaner's configuration: what ``clean_page`` is told instead of reading globals.

A ``CleanerConfig`` is frozen and small, so a batch run builds one (the
command line reads the environment once) and hands it to every worker;
``clean_page(body, url)`` without one uses ``DEFAULT_CONFIG``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The repository's own site rules.
DEFAULT_SITES_DIR = Path(__file__).resolve().parents[2] / "sites"

#: Largest document cleaned, in bytes. The biggest article pages of the
#: sample sites are under 60 KB and real portal pages under 2 MB; a page
#: over this is a dump or an attack, and parsing it would cost seconds.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Where the site rules are and how large a document may be."""

    sites_dir: Path = DEFAULT_SITES_DIR
    max_document_bytes: int = MAX_DOCUMENT_BYTES


DEFAULT_CONFIG = CleanerConfig()
