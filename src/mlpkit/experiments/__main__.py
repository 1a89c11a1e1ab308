"""``python -m mlpkit.experiments [--quick] [--only C7,C11] --out DIR [--seed N]``."""

import sys

from . import cli_main

sys.exit(cli_main(sys.argv[1:]))
