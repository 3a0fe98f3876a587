"""``python -m cleaning``: see ``cleaning.cli``."""

from __future__ import annotations

import sys

from cleaning.cli import main

if __name__ == "__main__":
    sys.exit(main())
