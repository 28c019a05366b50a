"""`python -m bot` runs the same command line as `crosscheck`."""

import sys

from bot.terminal.cli import main

sys.exit(main())
