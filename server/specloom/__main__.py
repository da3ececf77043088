import sys

from specloom.cli import main

sys.exit(main())
