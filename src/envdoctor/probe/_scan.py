# Reads installed distributions' metadata files on sys.path entries, never importing them.
# Stdlib only, and syntax that Python 2.7 through 3.14 accept: the probe sends this source to the
# target interpreter (so the scan runs there, on another core, while envdoctor imports), and
# envdoctor.probe.distributions imports it to scan in-process when the interpreter cannot run.
# Hand-written rather than importlib.metadata: that API parses whole METADATA files with the slow
# email package and turns corrupt files into exceptions rather than partial data.
#
# Every read is bounded: regular files only (a FIFO, a device or a socket is refused before it is
# read, and opened without blocking), at most HEAD_LIMIT bytes of METADATA headers and SIDE_LIMIT
# of any other file, and the headers are searched in linear time.
import errno
import os
import re
import stat
import time

MYPY = False
if MYPY:  # typing is not in Python 2.7's stdlib: type comments only
    from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

# Field names as every wheel tool writes them, with any folded continuation lines; other spellings
# take the general parser below.
_WANTED = re.compile(r"^(Name|Version|Requires-Dist|Requires-Python|Tag): *([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.M)
_KEYS = ("name", "version", "requires-dist", "requires-python", "tag", "metadata-version")
_SIDE_FILES = ("INSTALLER", "WHEEL", "direct_url.json", "top_level.txt", "requires.txt")
HEAD_LIMIT = 8 << 20  # METADATA / PKG-INFO headers: the largest real ones (License texts) are ~100 KB
_TOP_LEVEL_LIMIT = 1000  # import names looked at per top_level.txt
SIDE_LIMIT = 1 << 20  # INSTALLER, WHEEL, direct_url.json, top_level.txt, requires.txt, .pth files
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_now = getattr(time, "monotonic", time.time)


class Refused(Exception):
    """A file that is not read: not a regular file, or larger than the limit."""


def _kind(mode):
    # type: (int) -> str
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_bounded(path, limit, head_only=False):
    # type: (str, int, bool) -> Tuple[bytes, bool]
    """(data, truncated): at most `limit` bytes of the regular file `path`. Raises IOError/OSError
    (errno ENOENT when absent) or Refused. head_only: stop at the first blank line (the end of the
    METADATA / PKG-INFO headers), so long descriptions are never read; then a header longer than
    `limit` is cut (truncated=True) instead of refused."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Refused("%s, not read" % _kind(st.st_mode))
    if not head_only and st.st_size > limit:
        raise Refused("larger than %d MiB, not read" % (limit >> 20))
    fd = os.open(path, _OPEN_FLAGS)  # never blocks, even if the file was swapped for a FIFO meanwhile
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("%s, not read" % _kind(st.st_mode))
        data = bytearray()
        searched = 0
        while len(data) <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - len(data)))
            if not chunk:
                return bytes(data), False
            data += chunk
            if head_only:
                # Only the new bytes (and the 3 before them) are searched: linear in the file's size.
                start = max(0, searched - 3)
                cut = data.find(b"\n\n", start)
                crlf = data.find(b"\n\r\n", start)
                if crlf >= 0 and (cut < 0 or crlf < cut):
                    cut = crlf
                if cut >= 0:
                    return bytes(data[: cut + 1]), False
                searched = len(data)
        if head_only:
            return bytes(data[:limit]), True
        raise Refused("larger than %d MiB, not read" % (limit >> 20))
    finally:
        os.close(fd)


def _decode(data, path, problems):
    # type: (bytes, str, List[str]) -> str
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("%s: not valid UTF-8 (read with replacement characters)" % path)
        return data.decode("utf-8", "replace")


def read_text(path, problems, head_only=False):
    # type: (str, List[str], bool) -> Optional[str]
    """The file's text, None if absent or refused (the reason goes into `problems`). head_only:
    only the headers (see read_bounded)."""
    try:
        data, truncated = read_bounded(path, HEAD_LIMIT if head_only else SIDE_LIMIT, head_only)
    except Refused as exc:
        problems.append("%s: %s" % (path, exc))
        return None
    except (IOError, OSError) as exc:
        if getattr(exc, "errno", None) == errno.ENOENT:
            return None
        problems.append("%s: cannot read (%s)" % (path, getattr(exc, "strerror", None) or exc))
        return None
    if truncated:
        problems.append(
            "%s: headers longer than %d MiB (only the first %d MiB read)" % (path, HEAD_LIMIT >> 20, HEAD_LIMIT >> 20)
        )
    return _decode(data, path, problems)


def parse_headers(text):
    # type: (str) -> Dict[str, List[str]]
    """RFC 822 style headers up to the first empty line, keys lower-cased: {key: [values]}, for
    the keys envdoctor reads (_KEYS).
    A line that starts with whitespace (even one with nothing else, as in folded License texts)
    continues the header before it. Linear in the text's length."""
    match = re.search(r"\r?\n\r?\n", text)
    head = text if match is None else text[: match.start()]
    fast = {}  # type: Dict[str, List[str]]
    for key, value in _WANTED.findall(head):
        folded = " ".join(part.strip() for part in value.splitlines())
        fast.setdefault(key.lower(), []).append(folded.strip())
    if "name" in fast or "tag" in fast:
        return fast
    parts = {}  # type: Dict[str, List[List[str]]]
    last = None  # type: Optional[List[str]]
    for line in head.splitlines():
        if not line:
            break
        if line[0] in " \t":
            if last is not None and line.strip():
                last.append(line.strip())  # joined once at the end: no quadratic concatenation
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        if key not in _KEYS:
            last = None  # only the fields envdoctor reads are kept (memory stays small)
            continue
        last = [value.strip()]
        parts.setdefault(key, []).append(last)
    headers = {}  # type: Dict[str, List[str]]
    for key, values in parts.items():
        headers[key] = [" ".join(p for p in pieces if p).strip() for pieces in values]
    return headers


def read_metadata_folder(meta, location):
    # type: (str, str) -> Dict[str, Any]
    """One *.dist-info / *.egg-info (a folder, or an egg-info file) as plain data."""
    problems = []  # type: List[str]
    base = os.path.basename(meta)
    is_egg = base.endswith(".egg-info") or base == "EGG-INFO"
    try:
        present = set(os.listdir(meta))  # type: Optional[Set[str]]
        meta_file = os.path.join(meta, "PKG-INFO" if is_egg else "METADATA")
    except (IOError, OSError) as exc:
        if os.path.isfile(meta):
            present = None  # an egg-info *file* holds the metadata itself
            meta_file = meta
        else:
            problems.append("%s: cannot list (%s)" % (meta, getattr(exc, "strerror", None) or exc))
            present = set()
            meta_file = os.path.join(meta, "PKG-INFO" if is_egg else "METADATA")
    text = read_text(meta_file, problems, head_only=True)
    if text is None and not problems:
        problems.append("%s: %s is missing" % (meta, "PKG-INFO" if is_egg else "METADATA"))
    try:
        mtime = os.stat(meta).st_mtime  # a reinstall makes a new folder: part of check's fingerprint
    except (IOError, OSError):
        mtime = None
    record = {  # type: Dict[str, Any]
        "meta": meta,
        "mtime": mtime,
        "location": location,
        "egg": is_egg,
        "file": present is None,
        "headers": parse_headers(text) if text is not None else None,
        "problems": problems,
    }
    for name in _SIDE_FILES:
        if present and name in present:
            record[name] = read_text(os.path.join(meta, name), problems)
    top = record.get("top_level.txt")
    if top:
        # Namespace packages (a folder without __init__.py) are meant to be shared by distributions.
        names = [t.strip() for t in top.splitlines()[:_TOP_LEVEL_LIMIT]]
        record["namespaces"] = [
            m
            for m in names
            if m
            and os.path.isdir(os.path.join(location, m))
            and not os.path.exists(os.path.join(location, m, "__init__.py"))
        ]
    return record


def scan_entries(entries, deadline=None):
    # type: (Iterable[str], Optional[float]) -> Tuple[List[Dict[str, Any]], List[Tuple[str, str]]]
    """(records, skipped): every metadata folder on the sys.path `entries`, in path order.
    skipped: [(what, reason)] for entries that could not be listed, or were not read because the
    `deadline` (a time.monotonic() value) passed."""
    records = []  # type: List[Dict[str, Any]]
    skipped = []  # type: List[Tuple[str, str]]
    seen = set()  # type: Set[str]
    for entry in entries:
        if not entry:
            continue
        if deadline is not None and _now() > deadline:
            skipped.append((entry, "not read: the time limit (--timeout) was reached"))
            continue
        real = os.path.realpath(entry)
        if real in seen:
            continue
        seen.add(real)
        if entry.endswith(".egg") and os.path.isdir(os.path.join(entry, "EGG-INFO")):
            records.append(read_metadata_folder(os.path.join(entry, "EGG-INFO"), entry))
            continue
        try:
            names = sorted(os.listdir(entry))
        except (IOError, OSError) as exc:
            if getattr(exc, "errno", None) not in (2, 20):  # missing, or a zip file: nothing to read
                skipped.append((entry, "cannot list: %s" % (getattr(exc, "strerror", None) or exc)))
            continue
        late = 0
        for name in names:
            if name.endswith(".dist-info") or name.endswith(".egg-info"):
                if deadline is not None and _now() > deadline:
                    late += 1
                    continue
                records.append(read_metadata_folder(os.path.join(entry, name), entry))
        if late:
            skipped.append((entry, "%d metadata folders not read: the time limit (--timeout) was reached" % late))
    return records, skipped
