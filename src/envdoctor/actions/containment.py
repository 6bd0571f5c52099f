"""Containment: every path envdoctor deletes or writes, or lets a tool remove, is proven inside an
allowed root first (the target prefix, its site-packages, envdoctor's own state folders).

A path is resolved the way the operation will see it:
- for removal, the folder holding it is resolved (symlinks, `..`) and the last name kept: removing a
  symlink removes the link, never what it points to, but a symlinked folder on the way counts;
- for writing, the whole path is resolved, since opening a file follows a symlink at its end.
Anything that lands outside every root raises `OutsideError`, naming the path and where it leads.

Tools that remove files listed by the environment itself (uv and pip read RECORD, py-rattler reads
conda-meta/*.json) are checked with `record_escapes` / `conda_escapes` before they run: uv refuses
a RECORD entry with `..` that leaves the environment but follows a symlinked folder inside it, and
py-rattler unlinks whatever a conda record lists.
"""

from __future__ import annotations

import datetime
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from envdoctor.errors import EnvdoctorError


class OutsideError(EnvdoctorError):
    """A path envdoctor was about to change lies outside the folders it may change."""


@dataclass(frozen=True)
class Escape:
    """A listed path (a RECORD or conda record entry) that resolves outside the allowed roots."""

    owner: str  # "numpy 1.26.4 (RECORD)", "conda record helper-tool-1.0-0.json"
    entry: str  # as listed
    resolved: str

    def line(self) -> str:
        return f"{self.owner} lists {self.entry!r}, which resolves to {self.resolved}"


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(os.fspath(path)))


def resolve_for_removal(path: str | os.PathLike[str]) -> Path:
    """Where removing `path` acts: its folder resolved, its own name kept (a final symlink is the
    link itself); `.` and `..` as the last name are resolved too."""
    text = os.path.abspath(os.fspath(path))
    head, name = os.path.split(text)
    if name in ("", ".", ".."):
        return _real(text)
    return _real(head) / name


def resolve_for_writing(path: str | os.PathLike[str]) -> Path:
    """Where writing `path` acts: the whole path resolved (a final symlink is followed)."""
    return _real(os.path.abspath(os.fspath(path)))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


class Boundary:
    """The folders an action may change. Roots are resolved once, when the boundary is made."""

    def __init__(self, roots: Iterable[str | os.PathLike[str]], what: str = "the environment") -> None:
        resolved: list[Path] = []
        for root in roots:
            if not os.fspath(root):
                continue
            real = _real(root)
            if real == Path(real.anchor):
                raise OutsideError(f"refusing to treat {real} (a file system root) as {what}")
            if real not in resolved:
                resolved.append(real)
        if not resolved:
            raise OutsideError(f"no folder to contain changes to {what}")
        self.roots: tuple[Path, ...] = tuple(resolved)
        self._roots = tuple(str(r) for r in resolved)
        self.what = what

    def __repr__(self) -> str:
        return f"Boundary({[str(r) for r in self.roots]!r})"

    def holds(self, resolved: str | os.PathLike[str]) -> bool:
        """Is the (already resolved) path inside a root?"""
        text = os.fspath(resolved)
        return any(_inside(text, root) for root in self._roots)

    def is_root(self, resolved: str | os.PathLike[str]) -> bool:
        return os.fspath(resolved) in self._roots

    def _require(self, path: str | os.PathLike[str], resolved: Path, verb: str) -> Path:
        if not self.holds(resolved):
            where = "" if resolved == Path(os.path.abspath(os.fspath(path))) else f" (it resolves to {resolved})"
            roots = ", ".join(str(r) for r in self.roots)
            raise OutsideError(f"refused to {verb} {os.fspath(path)}{where}: outside {self.what} ({roots})")
        return resolved

    def for_removal(self, path: str | os.PathLike[str]) -> Path:
        resolved = resolve_for_removal(path)
        if resolved in self.roots:
            raise OutsideError(f"refused to remove {os.fspath(path)}: it is {self.what} itself")
        return self._require(path, resolved, "remove")

    def for_writing(self, path: str | os.PathLike[str]) -> Path:
        return self._require(path, resolve_for_writing(path), "write")

    # ---- the operations ------------------------------------------------------------------------

    def remove(self, path: str | os.PathLike[str]) -> bool:
        """Remove a file, a symlink (not its target) or a whole folder inside the boundary.
        False when there was nothing to remove."""
        resolved = self.for_removal(path)
        try:
            info = os.lstat(resolved)
        except FileNotFoundError:
            return False
        if stat.S_ISDIR(info.st_mode):
            # rmtree never follows symlinks inside the tree (fd-based on Linux): the top is enough
            shutil.rmtree(resolved)
        else:
            os.unlink(resolved)
        return True

    def make_dirs(self, path: str | os.PathLike[str]) -> Path:
        """mkdir -p, each created folder proven inside first (a symlink on the way counts)."""
        target = Path(os.path.abspath(os.fspath(path)))
        missing: list[Path] = []
        probe = target
        while not probe.exists():
            if probe.is_symlink():  # a dangling symlink: where would mkdir go?
                raise OutsideError(f"refused to create {probe}: it is a symlink to a missing place")
            missing.append(probe)
            probe = probe.parent
        for folder in reversed(missing):
            resolved = resolve_for_writing(folder)
            if not any(_inside(str(root), str(resolved)) for root in self.roots):
                self.for_writing(folder)  # a folder on the way to a root may be made, others inside one
            try:
                os.mkdir(folder)
            except FileExistsError:  # made meanwhile by another process: fine if it is a folder
                if folder.is_symlink() or not folder.is_dir():
                    raise
        if not target.is_dir():
            raise EnvdoctorError(f"{target} exists and is not a folder")
        return self.for_writing(target)

    def write_text(self, path: str | os.PathLike[str], text: str, *, fsync: bool = True, mode: str = "w") -> None:
        """Write (or append, mode "a") a text file inside the boundary, on disk before returning."""
        resolved = self.for_writing(path)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
        flags |= getattr(os, "O_NOFOLLOW", 0)  # the resolved path has no symlink left at its end
        fd = os.open(resolved, flags, 0o644)
        with os.fdopen(fd, mode, encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())

    def rename(self, source: str | os.PathLike[str], dest: str | os.PathLike[str]) -> None:
        os.rename(self.for_removal(source), self._require(dest, resolve_for_removal(dest), "write"))


def move_aside(path: Path, *, now: datetime.datetime | None = None) -> Path:
    """Rename `path` to `<name>.aside-<UTC time>[-N]` next to it (never removes anything)."""
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    parent = resolve_for_removal(path).parent
    candidate, n = parent / f"{path.name}.aside-{stamp}", 1
    while os.path.lexists(candidate):
        n += 1
        candidate = parent / f"{path.name}.aside-{stamp}-{n}"
    os.rename(resolve_for_removal(path), candidate)
    return candidate


# ---- what tools will remove ----------------------------------------------------------------------


class _Resolver:
    """Where removing a listed path acts, both as the kernel reads it (symlinks first, then `..`)
    and as a tool that normalises `..` away first reads it; the folders are cached (a RECORD
    names thousands of files in a few hundred folders)."""

    def __init__(self) -> None:
        self._dirs: dict[str, str] = {}

    def _one(self, path: str) -> str:
        head, name = os.path.split(path)
        if name in ("", ".", ".."):
            return os.path.realpath(path)
        folder = self._dirs.get(head)
        if folder is None:
            folder = self._dirs[head] = os.path.realpath(head)
        return os.path.join(folder, name)

    def __call__(self, path: str) -> list[str]:
        kernel = self._one(path)
        if "/." not in path and "//" not in path and os.sep == "/":
            return [kernel]  # nothing for a normalisation to change
        lexical = self._one(os.path.normpath(path))
        return [kernel] if kernel == lexical else [kernel, lexical]


def _escapes(base: str, entries: Iterable[str], owner: str, boundary: Boundary) -> Iterator[Escape]:
    resolve = _Resolver()
    for entry in entries:
        if not entry:
            continue
        joined = entry if os.path.isabs(entry) else os.path.join(base, entry)
        for resolved in resolve(joined):
            if not boundary.holds(resolved) or boundary.is_root(resolved):
                yield Escape(owner, entry, resolved)
                break


def record_escapes(location: str, entries: Iterable[str], owner: str, boundary: Boundary) -> list[Escape]:
    """RECORD entries (relative to the site-packages folder `location`, or absolute) whose removal
    would act outside the boundary."""
    return list(_escapes(location, entries, owner, boundary))


def conda_escapes(prefix: str, records: Sequence[tuple[str, Sequence[str]]], boundary: Boundary) -> list[Escape]:
    """Conda records' files (`files` and `paths_data`, relative to the prefix) whose removal would
    act outside the boundary. `records` is (record file name, its listed paths)."""
    out: list[Escape] = []
    for name, paths in records:
        out += _escapes(prefix, paths, f"conda record {name}", boundary)
    return out


def refuse(escapes: Sequence[Escape], action: str, *, limit: int = 5) -> None:
    """Raise OutsideError naming the escaping paths (nothing has been changed yet)."""
    if not escapes:
        return
    shown = "; ".join(e.line() for e in escapes[:limit])
    more = f"; and {len(escapes) - limit} more" if len(escapes) > limit else ""
    raise OutsideError(
        f"refused to {action}: {len(escapes)} listed path(s) lie outside the environment, and the tool "
        f"would remove them: {shown}{more}. Nothing was changed; fix or remove those records by hand first."
    )
