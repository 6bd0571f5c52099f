"""HTTP for the knowledge-base generator: keep-alive connections per thread, retries with
exponential back-off, timeouts, and a reader that takes single members out of a remote zip (a
wheel) with HTTP range requests: the end-of-central-directory record, the central directory, then
only the wanted members -- never the whole file.

Standard library only (http.client; urllib when a proxy is configured).
"""

from __future__ import annotations

import http.client
import random
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from envdoctor._version import __version__
from envdoctor.errors import EnvdoctorError

USER_AGENT = f"envdoctor/{__version__} (knowledge-base generator; +https://pypi.org/project/envdoctor/)"
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(EnvdoctorError):
    """The index could not be reached or answered wrongly (after retries)."""


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


class HttpClient:
    """Thread-safe: each thread keeps its own connection per host."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self._local = threading.local()
        self._lock = threading.Lock()
        self.requests = 0
        self.bytes = 0
        self._proxies = urllib.request.getproxies()

    def get(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        max_body: int | None = None,
    ) -> Response:
        """GET with retries. Returns any final status (2xx, 3xx not followed, 304, 4xx) other
        than the retryable ones; raises FetchError when the retries are spent. `max_body`: refuse
        (FetchError) a body larger than this instead of reading it."""
        delay = self.backoff
        last: str = ""
        for attempt in range(self.retries + 1):
            try:
                resp = self._get_following(url, dict(headers or {}), max_body)
            except FetchError:
                raise
            except (OSError, http.client.HTTPException) as exc:
                last = f"{type(exc).__name__}: {exc}"
                self._drop(url)
            else:
                if resp.status not in RETRY_STATUS:
                    return resp
                last = f"HTTP {resp.status}"
                retry_after = resp.headers.get("retry-after", "")
                if retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), 30.0))
            if attempt < self.retries:
                time.sleep(delay * (1 + random.random() * 0.25))
                delay *= 2
        raise FetchError(f"could not fetch {url}: {last} (after {self.retries + 1} tries)")

    def _get_following(self, url: str, headers: dict[str, str], max_body: int | None) -> Response:
        for _ in range(6):
            resp = self._get_once(url, headers, max_body)
            if resp.status in (301, 302, 303, 307, 308) and "location" in resp.headers:
                url = urllib.parse.urljoin(url, resp.headers["location"])
                continue
            return resp
        raise FetchError(f"too many redirects: {url}")

    def _get_once(self, url: str, headers: dict[str, str], max_body: int | None) -> Response:
        parts = urllib.parse.urlsplit(url)
        all_headers = {**self.headers, **headers}
        if self._proxies.get(parts.scheme) and not urllib.request.proxy_bypass(parts.hostname or ""):
            return self._get_urllib(url, all_headers, max_body)
        conn = self._connection(parts.scheme, parts.netloc)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request("GET", path, headers=all_headers)
        raw = conn.getresponse()
        resp_headers = {k.lower(): v for k, v in raw.getheaders()}
        length = resp_headers.get("content-length", "")
        if max_body is not None and raw.status == 200 and length.isdigit() and int(length) > max_body:
            raw.close()
            self._drop(url)
            raise FetchError(f"{url}: the server ignored the range request ({length} bytes)")
        body = raw.read()
        if raw.will_close:
            self._drop(url)
        self._count(len(body))
        return Response(url, raw.status, resp_headers, body)

    def _get_urllib(self, url: str, headers: dict[str, str], max_body: int | None) -> Response:
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as raw:
                resp_headers = {k.lower(): v for k, v in raw.getheaders()}
                length = resp_headers.get("content-length", "")
                if max_body is not None and raw.status == 200 and length.isdigit() and int(length) > max_body:
                    raise FetchError(f"{url}: the server ignored the range request ({length} bytes)")
                body = raw.read()
                status = raw.status
        except urllib.error.HTTPError as exc:
            body = exc.read()
            status = exc.code
            resp_headers = {k.lower(): v for k, v in exc.headers.items()}
        self._count(len(body))
        return Response(url, status, resp_headers, body)

    def _count(self, size: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes += size

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        conns: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault("conns", {})
        key = (scheme, netloc)
        conn = conns.get(key)
        if conn is None:
            if scheme == "https":
                conn = http.client.HTTPSConnection(netloc, timeout=self.timeout)
            elif scheme == "http":
                conn = http.client.HTTPConnection(netloc, timeout=self.timeout)
            else:
                raise FetchError(f"unsupported URL scheme: {scheme}://{netloc}")
            conns[key] = conn
        return conn

    def _drop(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        conns: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.get("conns", {})
        conn = conns.pop((parts.scheme, parts.netloc), None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for conn in self._local.__dict__.get("conns", {}).values():
            conn.close()
        self._local.__dict__["conns"] = {}


# ----- remote zip ---------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


class ZipFormatError(FetchError):
    """The remote file is not a zip we can read."""


@dataclass(frozen=True)
class ZipEntry:
    name: str
    offset: int  # of the local file header
    compressed_size: int
    size: int
    method: int
    extra_len: int


@dataclass
class RemoteZip:
    """Members of a zip served over HTTP, read with range requests.

    >>> rz = RemoteZip(client, url)
    >>> rz.read("pkg-1.0.dist-info/METADATA")
    """

    client: HttpClient
    url: str
    tail_size: int = 64 * 1024
    size: int | None = None
    _chunks: list[tuple[int, bytes]] = field(default_factory=list)
    _entries: dict[str, ZipEntry] | None = None

    # byte ranges ---------------------------------------------------------------------------
    def _fetch(self, start: int, end: int | None) -> tuple[int, bytes]:
        """Bytes [start, end) (end None: suffix of `start` bytes when start < 0)."""
        header = f"bytes=-{-start}" if end is None else f"bytes={start}-{end - 1}"
        resp = self.client.get(self.url, {"Range": header}, max_body=4 * self.tail_size)
        if resp.status == 200:
            # no range support, but the file is small: we have it all
            self.size = len(resp.body)
            self._chunks.append((0, resp.body))
            begin = self.size + start if end is None else start
            return max(begin, 0), resp.body[max(begin, 0) : end]
        if resp.status != 206:
            raise FetchError(f"{self.url}: HTTP {resp.status} for a range request")
        content_range = resp.headers.get("content-range", "")
        try:
            span, total = content_range.split(" ", 1)[1].split("/")
            first = int(span.split("-")[0])
            if total != "*":
                self.size = int(total)
        except (IndexError, ValueError):
            raise FetchError(f"{self.url}: bad Content-Range {content_range!r}") from None
        self._chunks.append((first, resp.body))
        return first, resp.body

    def _have(self, start: int, end: int) -> bytes | None:
        for first, data in self._chunks:
            if first <= start and end <= first + len(data):
                return data[start - first : end - first]
        return None

    def _bytes(self, start: int, end: int) -> bytes:
        found = self._have(start, end)
        if found is not None:
            return found
        first, data = self._fetch(start, end)
        if first > start or first + len(data) < end:
            raise ZipFormatError(f"{self.url}: short range response")
        return data[start - first : end - first]

    # central directory ---------------------------------------------------------------------
    def entries(self) -> dict[str, ZipEntry]:
        if self._entries is None:
            self._entries = self._read_central_directory()
        return self._entries

    def names(self) -> list[str]:
        return list(self.entries())

    def _read_central_directory(self) -> dict[str, ZipEntry]:
        _tail_start, tail = self._fetch(-self.tail_size, None)
        pos = tail.rfind(_EOCD)
        if pos < 0 or len(tail) - pos < 22:
            raise ZipFormatError(f"{self.url}: no end-of-central-directory record (not a zip?)")
        (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack("<4s4H2LH", tail[pos : pos + 22])
        if 0xFFFFFFFF in (cd_size, cd_offset) or count == 0xFFFF:
            loc = pos - 20
            if loc < 0 or tail[loc : loc + 4] != _EOCD64_LOCATOR:
                raise ZipFormatError(f"{self.url}: zip64 locator missing")
            (eocd64_offset,) = struct.unpack("<Q", tail[loc + 8 : loc + 16])
            rec = self._bytes(eocd64_offset, eocd64_offset + 56)
            if rec[:4] != _EOCD64:
                raise ZipFormatError(f"{self.url}: bad zip64 end-of-central-directory")
            count, cd_size, cd_offset = struct.unpack("<QQQ", rec[32:56])
        directory = self._bytes(cd_offset, cd_offset + cd_size)
        entries: dict[str, ZipEntry] = {}
        i = 0
        for _ in range(count):
            if directory[i : i + 4] != _CENTRAL:
                raise ZipFormatError(f"{self.url}: corrupt central directory")
            fields = struct.unpack("<4s6H3L5H2L", directory[i : i + 46])
            flags, method = fields[3], fields[4]
            csize, usize = fields[8], fields[9]
            name_len, extra_len, comment_len = fields[10], fields[11], fields[12]
            offset = fields[16]
            raw_name = directory[i + 46 : i + 46 + name_len]
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
            extra = directory[i + 46 + name_len : i + 46 + name_len + extra_len]
            if 0xFFFFFFFF in (csize, usize, offset):
                usize, csize, offset = _zip64_extra(extra, usize, csize, offset)
            entries[name] = ZipEntry(name, offset, csize, usize, method, extra_len)
            i += 46 + name_len + extra_len + comment_len
        return entries

    # members -------------------------------------------------------------------------------
    def read(self, name: str) -> bytes:
        entry = self.entries().get(name)
        if entry is None:
            raise KeyError(name)
        guess = 30 + len(name.encode()) + entry.extra_len + 64
        head = self._have(entry.offset, entry.offset + 30)
        if head is None:
            # one request for the local header and (most likely) the data after it
            self._bytes(entry.offset, min(entry.offset + guess + entry.compressed_size, self.size or 1 << 62))
            head = self._bytes(entry.offset, entry.offset + 30)
        if head[:4] != _LOCAL:
            raise ZipFormatError(f"{self.url}: bad local header for {name}")
        n, m = struct.unpack("<HH", head[26:30])
        start = entry.offset + 30 + n + m
        data = self._bytes(start, start + entry.compressed_size)
        if entry.method == 0:
            return data
        if entry.method == 8:
            return zlib.decompressobj(-15).decompress(data)
        raise ZipFormatError(f"{self.url}: {name} uses compression method {entry.method}")


def _zip64_extra(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, length = struct.unpack("<HH", extra[i : i + 4])
        if tag == 1:
            body = extra[i + 4 : i + 4 + length]
            values = list(struct.unpack(f"<{len(body) // 8}Q", body[: len(body) // 8 * 8]))
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
            break
        i += 4 + length
    return usize, csize, offset
