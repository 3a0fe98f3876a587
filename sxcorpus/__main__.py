"""``python -m sxcorpus``: see ``sxcorpus.cli``."""

from __future__ import annotations

import sys

from sxcorpus.cli import main

if __name__ == "__main__":
    sys.exit(main())
