#!/usr/bin/env python3
"""Regenerate src/envdoctor/knowledge/data/releases.json from the package index.

    python scripts/build_kb.py                 # incremental: reuse unchanged releases
    python scripts/build_kb.py --full          # read every release again
    python scripts/build_kb.py --package torch # one package, merged into the file

The logic lives in envdoctor.knowledge.build (also behind `envdoctor kb refresh`).
"""

from __future__ import annotations

import sys

from envdoctor.knowledge.build import main

if __name__ == "__main__":
    sys.exit(main())
