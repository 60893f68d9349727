"""`python -m leeloo` is the `leeloo` command."""

import sys

from leeloo.cli import main

sys.exit(main())
