"""Restore points: the exact installed set of an environment, recorded before fix changes it.

Where: `<prefix>/.envdoctor/restore/<ID>/` for a venv or conda prefix envdoctor can write to; else
`$ENVDOCTOR_STATE_DIR/restore/<prefix-slug>/<ID>/` (default state dir: $XDG_STATE_HOME/envdoctor,
i.e. ~/.local/state/envdoctor). ID is the UTC time, `20250101T120000Z`, plus a suffix if needed.

A point holds:
- `point.json`: every distribution on the environment's site-packages (`name==version`, installer,
  location, direct URL / editable), those found outside it (user site, PYTHONPATH: informational),
  the interpreter, the index options used, why it was made;
- `requirements.txt`: what `uv pip sync` needs to bring the environment's packages back;
- `conda-explicit.txt` in a conda prefix: the `@EXPLICIT` list from conda-meta/*.json;
- `journal.jsonl`: what fix did after recording it, one JSON line per event, flushed and fsynced.

The point is written to a temporary folder and renamed into place, so it is complete or absent;
it exists before anything is changed. A fix stopped half-way (Ctrl-C, kill) leaves a journal whose
last command has no "end": `restore --list` shows it as interrupted and `restore ID` brings the
environment back.

Restoring a conda prefix: with conda / mamba / micromamba, `install --file conda-explicit.txt`;
without one, py-rattler, through `python -m envdoctor.actions.restore conda-explicit --prefix P
FILE`: the records of the explicit list are looked up (by URL, md5 checked) in the same channels'
repodata and the prefix is made to hold exactly them (conda packages added since are removed,
changed ones brought back; `--reinstall NAME` relinks a package pip wrote over). Distributions that
pip put over conda's are uninstalled first; the pip part then goes back with uv.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.actions.proc import Completed, StepRun, progress, quote, read_json_lines, run
from envdoctor.actions.target import InstalledDist, Target, normalize, scan_dists
from envdoctor.actions.uvtool import IndexOptions, uv_env, uv_pip
from envdoctor.errors import EnvdoctorError, UsageError

POINT_FILE = "point.json"
JOURNAL_FILE = "journal.jsonl"
REQUIREMENTS_FILE = "requirements.txt"
CONDA_FILE = "conda-explicit.txt"
SCHEMA = 1


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("ENVDOCTOR_STATE_DIR"):
        return Path(env["ENVDOCTOR_STATE_DIR"]).expanduser()
    base = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "envdoctor"


def restore_root(target: Target, env: Mapping[str, str] | None = None) -> Path:
    """The folder holding the target's restore points."""
    prefix = Path(target.prefix)
    if (target.is_venv or target.is_conda) and os.access(prefix, os.W_OK):
        return prefix / ".envdoctor" / "restore"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(prefix)).strip("-")[-60:] or "root"
    digest = hashlib.sha256(str(prefix).encode()).hexdigest()[:8]
    return state_dir(env) / "restore" / f"{slug}-{digest}"


@dataclass
class RestorePoint:
    id: str
    path: Path
    created: str = ""
    python: str = ""
    prefix: str = ""
    python_version: str = ""
    kind: str = "venv"  # "venv" | "conda" | "system"
    reason: str = ""
    distributions: list[dict[str, Any]] = field(default_factory=list)
    outside: list[dict[str, Any]] = field(default_factory=list)
    conda_explicit: bool = False
    index: IndexOptions = field(default_factory=IndexOptions)

    @property
    def requirements(self) -> Path:
        return self.path / REQUIREMENTS_FILE

    @property
    def journal(self) -> Path:
        return self.path / JOURNAL_FILE

    def pins(self) -> dict[str, str]:
        return {str(d["name"]): str(d["version"]) for d in self.distributions}

    def status(self) -> str:
        """recorded | applying | interrupted | applied | rolled-back | failed | restored"""
        events = read_journal(self.journal)
        state = "recorded"
        open_step = False
        for event in events:
            kind = event.get("event")
            if kind == "start":
                open_step, state = True, "applying"
            elif kind == "end":
                open_step = False
            elif kind in ("result", "restore"):
                state = str(event.get("state", state))
                open_step = False
            elif kind == "interrupted":
                state = "interrupted"
        if state == "applying" or open_step:
            return "interrupted"
        return state

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "id": self.id,
            "created": self.created,
            "python": self.python,
            "prefix": self.prefix,
            "python_version": self.python_version,
            "kind": self.kind,
            "reason": self.reason,
            "distributions": self.distributions,
            "outside": self.outside,
            "conda_explicit": self.conda_explicit,
            "index": self.index.to_dict(),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": str(self.path),
            "created": self.created,
            "status": self.status(),
            "reason": self.reason,
            "distributions": len(self.distributions),
            "python": self.python,
        }


def _dist_dict(dist: InstalledDist) -> dict[str, Any]:
    return {
        "name": dist.name,
        "version": dist.version,
        "installer": dist.installer,
        "location": dist.location,
        "direct_url": dist.direct_url,
        "editable": dist.editable,
    }


def current_dists(target: Target) -> list[InstalledDist]:
    """The distributions in the environment's own site-packages (the first copy of a name)."""
    seen: set[str] = set()
    out: list[InstalledDist] = []
    for dist in scan_dists(target.site_packages):
        if dist.name not in seen:
            seen.add(dist.name)
            out.append(dist)
    return out


def requirement_line(dist: Mapping[str, Any]) -> str:
    url = dist.get("direct_url")
    if url and dist.get("editable"):
        return f"-e {url}"
    if url:
        return f"{dist['name']} @ {url}"
    return f"{dist['name']}=={dist['version']}"


def conda_explicit(prefix: Path) -> list[str] | None:
    """`@EXPLICIT` lines (URL#md5) from conda-meta/*.json, or None outside a conda prefix."""
    meta = prefix / "conda-meta"
    if not meta.is_dir():
        return None
    lines = ["# envdoctor restore point: conda explicit list", "@EXPLICIT"]
    for record_file in sorted(meta.glob("*.json")):
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict):
            continue
        url = record.get("url")
        if not url and record.get("channel") and record.get("fn"):
            url = f"{str(record['channel']).rstrip('/')}/{record['fn']}"
        if url:
            md5 = record.get("md5")
            lines.append(f"{url}#{md5}" if md5 else str(url))
    return lines


def _fsync_write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _new_id(root: Path) -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = stamp, 1
    while (root / candidate).exists():
        n += 1
        candidate = f"{stamp}-{n}"
    return candidate


def record(
    target: Target,
    *,
    reason: str,
    index: IndexOptions | None = None,
    root: Path | None = None,
) -> RestorePoint:
    """Write a restore point of `target`, atomically (temporary folder, then rename)."""
    root = root or restore_root(target)
    root.mkdir(parents=True, exist_ok=True)
    point_id = _new_id(root)
    inside = current_dists(target)
    inside_names = {d.name for d in inside}
    outside = [
        d
        for d in scan_dists([p for p in target.sys_path if p not in target.site_packages])
        if d.name in inside_names or d.location == target.user_site
    ]
    kind = "conda" if target.is_conda else "venv" if target.is_venv else "system"
    point = RestorePoint(
        id=point_id,
        path=root / point_id,
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        python=target.python,
        prefix=target.prefix,
        python_version=target.version,
        kind=kind,
        reason=reason,
        distributions=[_dist_dict(d) for d in inside],
        outside=[_dist_dict(d) for d in outside],
        index=index or IndexOptions(),
    )
    tmp = root / f".tmp-{point_id}-{os.getpid()}"
    tmp.mkdir()
    explicit = conda_explicit(Path(target.prefix)) if kind == "conda" else None
    if explicit is not None:
        _fsync_write(tmp / CONDA_FILE, "\n".join(explicit) + "\n")
        point.conda_explicit = True
    _fsync_write(tmp / REQUIREMENTS_FILE, "\n".join(requirement_line(d) for d in point.distributions) + "\n")
    _fsync_write(tmp / JOURNAL_FILE, json.dumps(_event("recorded")) + "\n")
    _fsync_write(tmp / POINT_FILE, json.dumps(point.to_dict(), indent=2) + "\n")
    os.rename(tmp, point.path)
    _fsync_dir(root)
    return point


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "time": round(time.time(), 3), **fields}


def journal(point: RestorePoint, kind: str, **fields: Any) -> None:
    """Append one event to the point's journal, on disk before returning."""
    with open(point.journal, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(_event(kind, **fields), default=str) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_journal(path: Path) -> list[dict[str, Any]]:
    return read_json_lines(path)  # a line cut short by a kill is skipped


def load(path: Path) -> RestorePoint:
    try:
        data = json.loads((path / POINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a readable restore point ({exc})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a restore point")
    return RestorePoint(
        id=str(data.get("id") or path.name),
        path=path,
        created=str(data.get("created", "")),
        python=str(data.get("python", "")),
        prefix=str(data.get("prefix", "")),
        python_version=str(data.get("python_version", "")),
        kind=str(data.get("kind", "venv")),
        reason=str(data.get("reason", "")),
        distributions=[d for d in data.get("distributions") or [] if isinstance(d, dict)],
        outside=[d for d in data.get("outside") or [] if isinstance(d, dict)],
        conda_explicit=bool(data.get("conda_explicit")),
        index=IndexOptions.from_dict(data.get("index") or {}),
    )


def list_points(target: Target) -> list[RestorePoint]:
    root = restore_root(target)
    if not root.is_dir():
        return []
    points = []
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith(".") and (child / POINT_FILE).is_file():
            try:
                points.append(load(child))
            except UsageError:
                continue
    return points


def find_point(target: Target, ident: str | None) -> RestorePoint:
    """A point by ID (or a path to one); the latest when `ident` is None or 'latest'."""
    if ident and os.sep in ident and Path(ident).is_dir():
        return load(Path(ident))
    points = list_points(target)
    if not points:
        raise UsageError(f"no restore points for {target.prefix} (in {restore_root(target)})")
    if not ident or ident == "latest":
        return points[-1]
    for point in points:
        if point.id == ident:
            return point
    raise UsageError(f"no restore point {ident!r} (see `envdoctor restore --list`)")


@dataclass
class Diff:
    remove: list[str] = field(default_factory=list)  # installed now, not in the point
    change: list[tuple[str, str, str]] = field(default_factory=list)  # name, now, then
    add: list[str] = field(default_factory=list)  # in the point, missing now

    @property
    def empty(self) -> bool:
        return not (self.remove or self.change or self.add)

    def lines(self) -> list[str]:
        out = [f"remove {n}" for n in self.remove]
        out += [f"{n} {now} -> {then}" for n, now, then in self.change]
        out += [f"add {n}" for n in self.add]
        return out


def diff(point: RestorePoint, target: Target) -> Diff:
    now = {d.name: d.version for d in current_dists(target)}
    then = point.pins()
    result = Diff()
    result.remove = sorted(n for n in now if n not in then)
    result.change = sorted((n, now[n], then[n]) for n in now if n in then and now[n] != then[n])
    result.add = sorted(f"{n}=={then[n]}" for n in then if n not in now)
    return result


@dataclass
class RestoreResult:
    point: RestorePoint
    commands: list[Completed] = field(default_factory=list)
    ok: bool = False
    before: Diff = field(default_factory=Diff)
    after: Diff = field(default_factory=Diff)
    manual: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "point": self.point.summary(),
            "ok": self.ok,
            "changes": self.before.lines(),
            "remaining": self.after.lines(),
            "commands": [StepRun.of(c, tail=10).to_dict() for c in self.commands],
            "manual": list(self.manual),
        }


def restore_commands(
    point: RestorePoint, target: Target, index: IndexOptions | None = None
) -> tuple[list[list[str]], list[str]]:
    """(commands to run, commands the user must run) to bring `target` back to `point`."""
    index = index if index is not None else point.index
    commands: list[list[str]] = []
    manual: list[str] = []
    if point.kind != "conda":
        commands.append(
            uv_pip("sync", target.python, "--allow-empty-requirements", str(point.requirements), index=index)
        )
        return commands, manual
    from envdoctor.actions.create import conda_tool

    tool = conda_tool()
    explicit_file = str(point.path / CONDA_FILE)
    conda_cmd = [tool or "conda", "install", "--yes", "--prefix", target.prefix, "--file", explicit_file]
    pip_made = [d for d in point.distributions if (d.get("installer") or "") != "conda"]
    changes = diff(point, target)
    conda_names = {str(d["name"]) for d in point.distributions if (d.get("installer") or "") == "conda"}
    if point.conda_explicit:
        if tool:
            commands.append(conda_cmd)
        elif rattler_available():
            # conda's files that pip wrote over: pip's copy out, conda's relinked
            current = {d.name: d for d in current_dists(target)}
            then = point.pins()
            overwritten = sorted(
                n
                for n in conda_names
                if n in current and current[n].installer != "conda" and current[n].version != then.get(n)
            )
            if overwritten:
                commands.append(uv_pip("uninstall", target.python, *overwritten))
            owners = conda_owners(Path(target.prefix))
            changed = {n for n in conda_names if n not in current or current[n].version != then.get(n)}
            reinstall = sorted({owners.get(n, n) for n in changed})
            commands.append(rattler_restore_command(target.prefix, explicit_file, reinstall))
        else:
            manual.append(quote(conda_cmd))
    removable = [n for n in changes.remove if n not in conda_names]
    if removable:
        commands.append(uv_pip("uninstall", target.python, *removable))
    now = _now_pairs(target)
    reinstall_pip = [requirement_line(d) for d in pip_made if (str(d["name"]), str(d["version"])) not in now]
    if reinstall_pip:
        commands.append(uv_pip("install", target.python, "--no-deps", *reinstall_pip, index=index))
    return commands, manual


def rattler_available() -> bool:
    return importlib.util.find_spec("rattler") is not None


def rattler_restore_command(prefix: str, explicit_file: str, reinstall: Sequence[str] = ()) -> list[str]:
    """The command that makes a conda prefix hold exactly an explicit list, with py-rattler."""
    argv = [sys.executable, "-m", "envdoctor.actions.restore", "conda-explicit", "--prefix", prefix]
    for name in reinstall:
        argv += ["--reinstall", name]
    return [*argv, explicit_file]


_DIST_INFO = re.compile(r"site-packages/([^/]+?)-[^/-]+\.(?:dist|egg)-info(?:/|$)")


def conda_owners(prefix: Path) -> dict[str, str]:
    """{distribution name (normalized): the conda package whose files hold its metadata}."""
    owners: dict[str, str] = {}
    for record_file in sorted((prefix / "conda-meta").glob("*.json")):
        try:
            data = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or not data.get("name"):
            continue
        for entry in data.get("files") or []:
            match = _DIST_INFO.search(str(entry))
            if match:
                owners.setdefault(normalize(match.group(1)), str(data["name"]))
    return owners


def parse_explicit(lines: Iterable[str]) -> list[tuple[str, str | None]]:
    """(URL, md5 or None) for each package line of an `@EXPLICIT` list."""
    out: list[tuple[str, str | None]] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("@"):
            continue
        url, _, digest = line.partition("#")
        out.append((url.strip(), digest.strip() or None))
    return out


def _package_name(file_name: str) -> str:
    for ext in (".tar.bz2", ".conda"):
        if file_name.endswith(ext):
            file_name = file_name[: -len(ext)]
    return file_name.rsplit("-", 2)[0]


def install_explicit(prefix: Path, lines: Iterable[str], *, reinstall: Sequence[str] = ()) -> int:
    """Make the conda prefix hold exactly the packages of an `@EXPLICIT` list (py-rattler): each
    URL is found in its channel's repodata (md5 checked). Returns how many packages it holds."""
    import asyncio

    import rattler

    wanted = parse_explicit(lines)
    sources: list[str] = []
    subdirs: set[str] = set()
    names: set[str] = set()
    for url, _ in wanted:
        parts = url.rsplit("/", 2)
        if len(parts) != 3:
            raise EnvdoctorError(f"not a package URL in the explicit list: {url}")
        base, subdir, file_name = parts
        if base not in sources:
            sources.append(base)
        subdirs.add(subdir)
        names.add(_package_name(file_name))
    subdirs.add("noarch")
    found: dict[str, Any] = {}
    if wanted:
        result = asyncio.run(
            rattler.Gateway().query(sources, sorted(subdirs), sorted(names), recursive=False)  # type: ignore[arg-type]
        )
        for channel_records in result:
            for rec in channel_records:
                found.setdefault(_same_url(str(rec.url)), rec)
    records: list[Any] = []
    missing: list[str] = []
    for url, md5 in wanted:
        match = found.get(_same_url(url))
        if match is None:
            missing.append(url)
        elif md5 and match.md5 is not None and match.md5.hex() != md5.lower():
            raise EnvdoctorError(f"{url}: md5 {match.md5.hex()} in the channel, {md5} in the explicit list")
        else:
            records.append(match)
    if missing:
        raise EnvdoctorError("not in the channels' repodata any more: " + ", ".join(missing))
    asyncio.run(
        rattler.install(records, target_prefix=str(prefix), reinstall_packages=set(reinstall), show_progress=False)
    )
    return len(records)


def _same_url(url: str) -> str:
    return url.rstrip("/").replace("file:///", "/").replace("file://", "")


def _now_pairs(target: Target) -> set[tuple[str, str]]:
    return {(d.name, d.version) for d in current_dists(target)}


def restore(
    point: RestorePoint,
    target: Target,
    *,
    index: IndexOptions | None = None,
    quiet: bool = False,
) -> RestoreResult:
    """Bring `target` back to `point`; the journal records it."""
    result = RestoreResult(point=point, before=diff(point, target))
    commands, result.manual = restore_commands(point, target, index)
    journal(point, "restore-start", commands=[quote(c) for c in commands])
    ok = True
    for argv in commands:
        if not quiet:
            progress(f"restore: {quote(argv)}")
        done = run(argv, env=uv_env())
        result.commands.append(done)
        if not done.ok:
            ok = False
            break
    result.after = diff(point, target)
    result.ok = ok and result.after.empty
    journal(point, "restore", state="restored" if result.ok else "restore-failed")
    return result


def require_target_match(point: RestorePoint, target: Target) -> None:
    if point.prefix and os.path.abspath(point.prefix) != os.path.abspath(target.prefix):
        raise EnvdoctorError(
            f"restore point {point.id} is for {point.prefix}, not {target.prefix} (use --python {point.python})"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m envdoctor.actions.restore conda-explicit --prefix P [--reinstall NAME]... FILE`"""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m envdoctor.actions.restore")
    verbs = parser.add_subparsers(dest="verb", required=True)
    explicit = verbs.add_parser("conda-explicit", help="make a conda prefix hold exactly an @EXPLICIT list")
    explicit.add_argument("--prefix", required=True)
    explicit.add_argument("--reinstall", action="append", default=[], metavar="NAME")
    explicit.add_argument("file")
    args = parser.parse_args(argv)
    try:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
        count = install_explicit(Path(args.prefix), lines, reinstall=args.reinstall)
    except Exception as exc:  # rattler raises its own exception types
        print(f"envdoctor: conda-explicit: {exc}", file=sys.stderr)
        return 1
    print(f"{args.prefix}: {count} conda packages, as listed in {args.file}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # py-rattler 0.28's runtime threads crash the interpreter's own exit now and then
