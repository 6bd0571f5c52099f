# Reads installed distributions' metadata files on sys.path entries, never importing them.
# Stdlib only, and syntax that Python 2.7 through 3.14 accept: the probe sends this source to the
# target interpreter (so the scan runs there, on another core, while envdoctor imports), and
# envdoctor.probe.distributions imports it to scan in-process when the interpreter cannot run.
# Hand-written rather than importlib.metadata: that API parses whole METADATA files with the slow
# email package and turns corrupt files into exceptions rather than partial data.
import os
import re

MYPY = False
if MYPY:  # typing is not in Python 2.7's stdlib: type comments only
    from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

# Field names as every wheel tool writes them, with any folded continuation lines; other spellings
# take the general parser below.
_WANTED = re.compile(r"^(Name|Version|Requires-Dist|Requires-Python|Tag): *([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.M)
_SIDE_FILES = ("INSTALLER", "WHEEL", "direct_url.json", "top_level.txt", "requires.txt")


def _decode(data, path, problems):
    # type: (bytes, str, List[str]) -> str
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("%s: not valid UTF-8 (read with replacement characters)" % path)
        return data.decode("utf-8", "replace")


def read_text(path, problems, head_only=False):
    # type: (str, List[str], bool) -> Optional[str]
    """The file's text, None if absent. head_only: stop at the first blank line (the end of the
    METADATA / PKG-INFO headers), so long descriptions are never read."""
    try:
        handle = open(path, "rb")
    except (IOError, OSError) as exc:
        if getattr(exc, "errno", None) == 2:
            return None
        problems.append("%s: cannot read (%s)" % (path, getattr(exc, "strerror", None) or exc))
        return None
    try:
        if not head_only:
            data = handle.read()
        else:
            data = b""
            while True:
                chunk = handle.read(8192)
                data += chunk
                cut = data.find(b"\n\n")
                if cut < 0:
                    cut = data.find(b"\r\n\r\n")
                if cut >= 0:
                    data = data[: cut + 1]
                    break
                if not chunk:
                    break
    except (IOError, OSError) as exc:
        problems.append("%s: cannot read (%s)" % (path, getattr(exc, "strerror", None) or exc))
        return None
    finally:
        handle.close()
    return _decode(data, path, problems)


def parse_headers(text):
    # type: (str) -> Dict[str, List[str]]
    """RFC 822 style headers up to the first empty line, keys lower-cased: {key: [values]}.
    A line that starts with whitespace (even one with nothing else, as in folded License texts)
    continues the header before it."""
    match = re.search(r"\r?\n\r?\n", text)
    head = text if match is None else text[: match.start()]
    fast = {}  # type: Dict[str, List[str]]
    for key, value in _WANTED.findall(head):
        folded = " ".join(part.strip() for part in value.splitlines())
        fast.setdefault(key.lower(), []).append(folded.strip())
    if "name" in fast or "tag" in fast:
        return fast
    headers = {}  # type: Dict[str, List[str]]
    last = None  # type: Optional[str]
    for line in head.splitlines():
        if not line:
            break
        if line[0] in " \t":
            if last is not None and line.strip():
                headers[last][-1] = (headers[last][-1] + " " + line.strip()).strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last = key.strip().lower()
        headers.setdefault(last, []).append(value.strip())
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
        record["namespaces"] = [
            m
            for m in (t.strip() for t in top.splitlines())
            if m
            and os.path.isdir(os.path.join(location, m))
            and not os.path.exists(os.path.join(location, m, "__init__.py"))
        ]
    return record


def scan_entries(entries):
    # type: (Iterable[str]) -> Tuple[List[Dict[str, Any]], List[Tuple[str, str]]]
    """(records, skipped): every metadata folder on the sys.path `entries`, in path order.
    skipped: [(what, reason)] for entries that could not be listed."""
    records = []  # type: List[Dict[str, Any]]
    skipped = []  # type: List[Tuple[str, str]]
    seen = set()  # type: Set[str]
    for entry in entries:
        if not entry:
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
        for name in names:
            if name.endswith(".dist-info") or name.endswith(".egg-info"):
                records.append(read_metadata_folder(os.path.join(entry, name), entry))
    return records, skipped
