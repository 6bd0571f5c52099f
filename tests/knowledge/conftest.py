"""A local package index for hermetic knowledge-base tests.

`IndexServer` serves, on 127.0.0.1, PEP 691 JSON pages recorded from PyPI (tests/knowledge/data)
whose file URLs point at wheels built in the test from recorded METADATA / build-info files. It
honours Range headers (single ranges, suffix ranges) like files.pythonhosted.org, and records
every request so tests can check that no wheel was downloaded whole.
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).with_name("data")


@dataclass
class Hit:
    path: str
    range: str | None
    status: int
    sent: int


@dataclass
class IndexServer:
    root: Path
    ranges: bool = True
    fail_first: int = 0  # answer this many requests with 503 first
    hits: list[Hit] = field(default_factory=list)
    pages: dict[str, bytes] = field(default_factory=dict)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with lock:
                    fail = owner.fail_first > 0
                    if fail:
                        owner.fail_first -= 1
                if fail:
                    self._send(503, b"busy", {})
                    return
                path = self.path.split("?")[0]
                if path.startswith("/simple/"):
                    name = path[len("/simple/") :].strip("/")
                    body = owner.pages.get(name)
                    if body is None:
                        self._send(404, b"not found", {})
                    else:
                        self._send(200, body, {"Content-Type": "application/vnd.pypi.simple.v1+json"})
                    return
                file = owner.root / path.lstrip("/")
                if not file.is_file():
                    self._send(404, b"not found", {})
                    return
                data = file.read_bytes()
                header = self.headers.get("Range")
                if header and owner.ranges and header.startswith("bytes="):
                    spec = header[len("bytes=") :]
                    first_s, _, last_s = spec.partition("-")
                    if first_s == "":
                        first = max(len(data) - int(last_s), 0)
                        last = len(data) - 1
                    else:
                        first = int(first_s)
                        last = min(int(last_s), len(data) - 1) if last_s else len(data) - 1
                    part = data[first : last + 1]
                    self._send(206, part, {"Content-Range": f"bytes {first}-{last}/{len(data)}"}, header)
                    return
                self._send(200, data, {}, header)

            def _send(self, status: int, body: bytes, headers: dict[str, str], rng: str | None = None) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                self.wfile.write(body)
                with lock:
                    owner.hits.append(Hit(self.path, rng, status, len(body)))

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hangs up early (the range reader refusing a body) is fine

        lock = threading.Lock()
        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def bytes_for(self, name: str) -> int:
        return sum(h.sent for h in self.hits if h.path.endswith("/" + name))


@pytest.fixture
def index_server(tmp_path: Path) -> Iterator[IndexServer]:
    server = IndexServer(root=tmp_path / "www")
    server.root.mkdir()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_wheel(path: Path, members: dict[str, bytes], filler: int = 0) -> None:
    """A wheel-shaped zip: `filler` bytes of incompressible data first (so the wanted members
    lie outside the first range request), then the members."""
    with zipfile.ZipFile(path, "w") as zf:
        if filler:
            zf.writestr(zipfile.ZipInfo("pkg/_filler.bin"), os.urandom(filler), zipfile.ZIP_STORED)
        for name, data in members.items():
            zf.writestr(name, data, zipfile.ZIP_DEFLATED)


def recorded(name: str) -> bytes:
    return (DATA / name).read_bytes()


# what each recorded wheel carries: (package, filename predicate) -> members
def _members_for(package: str, filename: str) -> dict[str, bytes]:
    dist = filename.split("-")[0]
    version = filename.split("-")[1]
    info = f"{dist}-{version}.dist-info/METADATA"
    if package == "tensorflow":
        if filename.endswith("win_amd64.whl"):
            return {info: recorded("tensorflow-2.18.0-win-amd64.METADATA")}
        return {
            "tensorflow/python/platform/build_info.py": recorded("tensorflow-2.18.0-linux-x86_64.build_info.py.txt"),
            info: recorded("tensorflow-2.18.0-linux-x86_64.METADATA"),
        }
    if package == "torch":
        return {
            "torch/version.py": recorded("torch-2.5.1-linux-x86_64.version.py.txt"),
            info: recorded("torch-2.5.1-linux-x86_64.METADATA"),
        }
    return {info: recorded("jax-cuda12-plugin-0.4.35-linux-x86_64.METADATA")}


def publish(server: IndexServer, packages: tuple[str, ...] = ("tensorflow", "torch", "jax-cuda12-plugin")) -> None:
    """Serve the recorded index pages, with wheels made from the recorded metadata."""
    files_dir = server.root / "files"
    files_dir.mkdir(exist_ok=True)
    for package in packages:
        page = json.loads(recorded(f"index-{package}.json"))
        for f in page["files"]:
            if f["filename"].endswith(".whl"):
                target = files_dir / f["filename"]
                if not target.exists():
                    make_wheel(target, _members_for(package, f["filename"]), filler=100_000)
            f["url"] = f"{server.url}/files/{f['filename']}"
        server.pages[package] = json.dumps(page).encode()
