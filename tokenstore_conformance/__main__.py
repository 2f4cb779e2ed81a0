"""``python -m tokenstore_conformance``: see cli.py."""

import sys

from .cli import main

sys.exit(main())
