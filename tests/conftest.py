"""Keep every test (and the subprocesses it starts) away from the user's real cache and config."""

from __future__ import annotations

import os
import tempfile

_CACHE = tempfile.mkdtemp(prefix="envdoctor-test-cache-")
os.environ["ENVDOCTOR_CACHE_DIR"] = _CACHE
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
