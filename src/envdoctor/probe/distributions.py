"""Read installed distributions from their metadata files, never by importing them.

Hand-written rather than importlib.metadata: that API runs in the *target* interpreter, parses
each METADATA with the (slow) email package, and cannot report corrupt files as partial data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from envdoctor.model import Distribution, Skipped
from envdoctor.names import canonicalize_name

_EXTENSION_SUFFIXES = (".so", ".pyd", ".dylib")
_RECORD_LIMIT = 64 * 1024 * 1024  # a RECORD larger than this is not read


def _decode(data: bytes, path: str, problems: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{path}: not valid UTF-8 (read with replacement characters)")
        return data.decode("utf-8", errors="replace")


def _read_text(path: str, problems: list[str], *, head_only: bool = False) -> str | None:
    """The file's text (None if absent). `head_only`: stop at the first blank line, which ends
    the headers of METADATA / PKG-INFO, so long descriptions are not read."""
    try:
        with open(path, "rb") as handle:
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
    except FileNotFoundError:
        return None
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror or exc})")
        return None
    return _decode(data, path, problems)


# Field names as every wheel tool writes them; other spellings take the general parser below.
_WANTED = re.compile(r"^(Name|Version|Requires-Dist|Requires-Python|Tag): *([^\r\n]*)", re.M)


def parse_headers(text: str) -> dict[str, list[str]]:
    """RFC 822 style headers up to the first blank line (METADATA / PKG-INFO / WHEEL)."""
    cut = text.find("\n\n")
    head = text if cut < 0 else text[:cut]
    if "\n " not in head and "\n\t" not in head and "\r\n\r\n" not in head:
        # Fast path (no folded lines): pick the few headers envdoctor uses with one C-level scan;
        # Classifier and friends make up most lines and are never needed.
        fast: dict[str, list[str]] = {}
        for key, value in _WANTED.findall(head):
            fast.setdefault(key.lower(), []).append(value.rstrip())
        if "name" in fast or "tag" in fast:
            return fast
    headers: dict[str, list[str]] = {}
    last: str | None = None
    for line in head.splitlines():
        if not line.strip():
            break
        if line[0] in " \t" and last is not None:
            headers[last][-1] += " " + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last = key.strip().lower()
        headers.setdefault(last, []).append(value.strip())
    return headers


def _split_folder_name(stem: str) -> tuple[str, str]:
    """ "foo_bar-1.2.3" -> ("foo_bar", "1.2.3"); egg names may carry "-py3.11" after."""
    name, _, rest = stem.partition("-")
    version = rest.split("-py")[0] if rest else ""
    return name, version


def _egg_requires(text: str) -> list[str]:
    """requires.txt sections ([extra], [:marker], [extra:marker]) -> Requires-Dist strings."""
    result: list[str] = []
    extra = ""
    marker = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            continue
        conditions = []
        if marker:
            conditions.append(f"({marker})" if " or " in marker else marker)
        if extra:
            conditions.append(f'extra == "{extra}"')
        result.append(f"{line}; {' and '.join(conditions)}" if conditions else line)
    return result


def read_distribution(meta_dir: Path | str, location: str) -> Distribution:
    """One *.dist-info / *.egg-info (a folder, or an egg-info file) into a Distribution."""
    meta = str(meta_dir)
    problems: list[str] = []
    base = os.path.basename(meta)
    is_egg = base.endswith(".egg-info") or base == "EGG-INFO"
    stem_of = os.path.basename(os.path.dirname(meta)) if base == "EGG-INFO" else base
    folder_name, folder_version = _split_folder_name(os.path.splitext(stem_of)[0])
    try:
        present: set[str] | None = set(os.listdir(meta))
    except NotADirectoryError:
        present = None  # an egg-info *file* holds the metadata itself
    except OSError as exc:
        problems.append(f"{meta}: cannot list ({exc.strerror or exc})")
        present = set()
    meta_file = meta if present is None else os.path.join(meta, "PKG-INFO" if is_egg else "METADATA")
    text = _read_text(meta_file, problems, head_only=True)
    if text is None and not problems:
        problems.append(f"{meta}: {'PKG-INFO' if is_egg else 'METADATA'} is missing")
    headers = parse_headers(text or "")
    display = (headers.get("name") or [folder_name])[0] or folder_name
    version = (headers.get("version") or [folder_version])[0] or folder_version
    if text is not None and ("name" not in headers or "version" not in headers):
        problems.append(f"{meta}: metadata lacks Name or Version (taken from the folder name)")
    dist = Distribution(
        name=canonicalize_name(display),
        version=version,
        display_name=display,
        location=location,
        metadata_path=meta,
        kind="egg-info" if is_egg else "dist-info",
        requires=headers.get("requires-dist", []),
        requires_python=next(iter(headers.get("requires-python", [])), None),
        problems=problems,
    )
    if not present:
        return dist

    def read(name: str) -> str | None:
        return _read_text(os.path.join(meta, name), problems) if name in present else None

    if is_egg:
        req_text = read("requires.txt")
        if req_text:
            dist.requires = _egg_requires(req_text)
        if "installed-files.txt" in present:
            dist.installer = "pip"
    else:
        installer = read("INSTALLER")
        dist.installer = (installer.strip() or None) if installer else None
        wheel = read("WHEEL")
        if wheel:
            dist.wheel_tags = parse_headers(wheel).get("tag", [])
        direct = read("direct_url.json")
        dist.direct_url = direct.strip() if direct else None
    top = read("top_level.txt")
    if top:
        dist.top_level = [t.strip() for t in top.splitlines() if t.strip()]
    return dist


def read_record_extensions(dist: Distribution) -> list[str]:
    """Compiled extension files a dist-info's RECORD lists (relative to its location)."""
    record = Path(dist.metadata_path) / "RECORD"
    try:
        if record.stat().st_size > _RECORD_LIMIT:
            return []
        text = record.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    result = []
    for line in text.splitlines():
        rel = line.split(",", 1)[0]
        base = rel.rsplit("/", 1)[-1]
        if base.endswith(_EXTENSION_SUFFIXES) or ".so." in base:
            result.append(rel)
    return result


def scan_path(entries: Iterable[str], skipped: list[Skipped]) -> list[Distribution]:
    """Every distribution on the sys.path `entries`, in order; later copies of a name are
    marked `shadowed_by` the first (the one Python and pip use)."""
    found: list[Distribution] = []
    seen_dirs: set[str] = set()
    for entry in entries:
        if not entry:
            continue
        real = os.path.realpath(entry)
        if real in seen_dirs:
            continue
        seen_dirs.add(real)
        if entry.endswith(".egg") and os.path.isdir(os.path.join(entry, "EGG-INFO")):
            found.append(read_distribution(os.path.join(entry, "EGG-INFO"), entry))
            continue
        try:
            with os.scandir(entry) as it:
                names = sorted(e.name for e in it)
        except (FileNotFoundError, NotADirectoryError):
            continue  # zip files and missing entries hold no metadata folders to read
        except OSError as exc:
            skipped.append(Skipped(what=entry, reason=f"cannot list: {exc.strerror or exc}"))
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            meta = os.path.join(entry, name)
            try:
                found.append(read_distribution(meta, entry))
            except OSError as exc:  # broken symlink, permission denied mid-way
                skipped.append(Skipped(what=meta, reason=f"cannot read: {exc.strerror or exc}"))
    winners: dict[str, Distribution] = {}
    for dist in found:
        winner = winners.setdefault(dist.name, dist)
        if winner is not dist:
            dist.shadowed_by = winner.metadata_path
    return found
