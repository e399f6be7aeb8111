"""Entry point of ``python -m talentpool.psychometrics``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
