"""Serve a built explorer site on 127.0.0.1 for a quick look (`kb serve`, `kb html --serve`)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: Path, port: int = 8000, *, host: str = "127.0.0.1", ready: Callable[[str], None]) -> None:
    """Serve `directory` until interrupted; `ready(url)` is called once the socket listens."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    with ThreadingHTTPServer((host, port), handler) as server:
        ready(f"http://{host}:{server.server_address[1]}/")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
