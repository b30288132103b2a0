"""``python -m provindex.impact``: see :mod:`provindex.impact.cli`."""

import sys

from provindex.impact.cli import main

sys.exit(main())
