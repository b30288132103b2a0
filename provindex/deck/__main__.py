"""``python -m provindex.deck``: see :mod:`provindex.deck.cli`."""

import sys

from provindex.deck.cli import main

sys.exit(main())
