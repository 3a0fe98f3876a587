"""``python -m cleaning``: see ``cleaning.batch.cli``."""

from __future__ import annotations

import sys

from cleaning.batch.cli import main

if __name__ == "__main__":
    sys.exit(main())
