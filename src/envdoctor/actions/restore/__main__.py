"""`python -m envdoctor.actions.restore conda-explicit ...`: py-rattler's restore of a conda prefix (`conda.main`)."""

from __future__ import annotations

import os
import sys

from envdoctor.actions.restore.conda import main

if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # py-rattler 0.28's runtime threads crash the interpreter's own exit now and then
