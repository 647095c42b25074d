"""`make check` entry point: python -m plugins.safety [settings.py] [KEY=JSON ...]"""

import sys

from .check import main

sys.exit(main(sys.argv[1:]))
