"""The sxcorpus pipeline's one command and its version.

``sxcorpus`` (``python -m sxcorpus``) runs the crawler's and the cleaner's
subcommands (``sxcorpus crawl``, ``sxcorpus process``, ...; see
``sxcorpus.cli``). ``__version__`` is the installed distribution's version,
written once in ``pyproject.toml``; the cleaner's data-format version is
``cleaning.record.CLEANER_VERSION``, a different thing.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

#: The distribution whose version this is (``[project] name`` in pyproject.toml).
DISTRIBUTION = "sxcorpus"


def _installed_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


__version__ = _installed_version()
