"""`python -m connector.cli`."""

import sys

from connector.cli import main

sys.exit(main())
