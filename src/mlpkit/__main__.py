"""``python -m mlpkit``: the same as the ``mlpkit`` command."""

import sys

from .cli import main

sys.exit(main())
