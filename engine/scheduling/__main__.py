"""`python -m engine.scheduling`: the dedicated scheduler process (same as `saksflyt worker`)."""

import sys

from engine.cli import main

sys.exit(main(["worker", *sys.argv[1:]]))
