"""Read environment files into entries with line numbers: environment.yml, requirements*.txt,
pyproject.toml dependencies and pylock.toml. Bad input raises UsageError (one line, no traceback).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from envdoctor.errors import UsageError


@dataclass
class Entry:
    """One dependency as written in the file."""

    text: str  # the spec as written: "numpy>=2", "python=3.12", "tensorflow[and-cuda]==2.15"
    line: int  # 1-based line in `file`
    file: str
    kind: str  # "conda" | "pip"
    name: str  # normalized name ("" when unreadable)
    specifier: SpecifierSet | None = None  # PEP 440 view of the version constraint (None: unknown)
    extras: tuple[str, ...] = ()
    marker: str = ""
    channel: str = ""  # conda "conda-forge::numpy"
    build: str = ""  # conda build string part
    source: str = ""  # the raw line, for evidence

    @property
    def evidence(self) -> str:
        return f"{self.file}:{self.line}: {self.source or self.text}"


@dataclass
class EnvFile:
    path: str
    kind: str
    entries: list[Entry] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)  # (name, line)
    channel_priority: str | None = None
    python: Entry | None = None  # the Python pin / requires-python
    name: str | None = None
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    def evidence(self, line: int) -> str:
        return f"{self.path}:{line}: {self.line_text(line)}"


def detect_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".yml", ".yaml")):
        return "environment.yml"
    if name == "pyproject.toml":
        return "pyproject.toml"
    if name == "pylock.toml" or (name.startswith("pylock.") and name.endswith(".toml")):
        return "pylock.toml"
    if name.endswith((".txt", ".in")) or name.startswith("requirements"):
        return "requirements.txt"
    raise UsageError(
        f"{path}: cannot tell the file type; expected environment.yml, requirements*.txt, pyproject.toml or pylock.toml"
    )


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_file(path: str | Path, kind: str | None = None) -> EnvFile:
    """Read one environment file (kind from its name unless given)."""
    p = Path(path)
    kind = kind or detect_kind(p)
    text = read_text(p)
    display = str(path)
    if kind == "environment.yml":
        return parse_environment_yml(text, display)
    if kind == "requirements.txt":
        return parse_requirements(text, display, base=p.parent)
    if kind == "pyproject.toml":
        return parse_pyproject(text, display)
    if kind == "pylock.toml":
        return parse_pylock(text, display)
    raise UsageError(f"unknown file kind {kind!r}")


# --- requirements.txt -----------------------------------------------------------------------


def _pip_entry(text: str, line: int, file: str, source: str, problems: list[str]) -> Entry | None:
    spec = text.split(" #", 1)[0].strip()
    spec = re.split(r"\s+--hash[= ]", spec)[0].strip()
    if not spec:
        return None
    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        problems.append(f"{file}:{line}: not a requirement: {spec} ({exc})")
        return Entry(spec, line, file, "pip", "", None, source=source)
    return Entry(
        spec,
        line,
        file,
        "pip",
        canonicalize_name(req.name),
        req.specifier,
        tuple(sorted(req.extras)),
        str(req.marker) if req.marker else "",
        source=source,
    )


def parse_requirements(text: str, file: str, *, base: Path | None = None, _seen: set[str] | None = None) -> EnvFile:
    env = EnvFile(file, "requirements.txt", lines=text.splitlines())
    seen = _seen if _seen is not None else set()
    seen.add(str(Path(file).resolve()) if base is not None else file)
    logical: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(env.lines, 1):
        if not buffer:
            start = number
        stripped = raw.rstrip()
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        logical.append((start, buffer + stripped))
        buffer = ""
    if buffer:
        logical.append((start, buffer))
    for number, line in logical:
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        if content.startswith("-"):
            option, _, value = content.partition(" ")
            if option.startswith("--requirement="):
                option, value = "-r", option.split("=", 1)[1]
            if option in ("-r", "--requirement") and base is not None:
                nested = (base / value.strip()).resolve()
                if str(nested) in seen:
                    continue
                if nested.is_file():
                    sub = parse_requirements(
                        read_text(nested), str(base / value.strip()), base=nested.parent, _seen=seen
                    )
                    env.entries.extend(sub.entries)
                    env.problems.extend(sub.problems)
                else:
                    env.problems.append(f"{file}:{number}: included file {value.strip()} is missing")
            continue  # -c / -e / --index-url / --find-links: not dependencies we check
        if "://" in content and " @ " not in content:
            continue  # a bare URL
        entry = _pip_entry(content, number, file, env.line_text(number), env.problems)
        if entry is not None:
            env.entries.append(entry)
    return env


# --- environment.yml ------------------------------------------------------------------------

_CONDA_SPEC = re.compile(r"^\s*(?:(?P<channel>[^:\s]+)::)?(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<rest>.*)$")


def conda_version_to_pep440(version: str) -> SpecifierSet | None:
    """ "=3.12" / "3.12" / "3.12.*" / ">=2,<3" / "==1.26.4" -> a SpecifierSet (None: cannot say)."""
    text = version.strip()
    if not text or text == "*":
        return SpecifierSet()
    if "|" in text:
        return None
    parts: list[str] = []
    for piece in text.split(","):
        piece = piece.strip()
        if piece.startswith("=") and not piece.startswith("=="):
            parts.append("==" + piece[1:].rstrip(".*").rstrip("*") + ".*")
        elif piece[:1].isdigit():
            parts.append("==" + (piece if "*" in piece else piece + ".*"))
        else:
            parts.append(piece)
    try:
        return SpecifierSet(",".join(p.replace("**", "*") for p in parts))
    except InvalidSpecifier:
        return None


def conda_entry(text: str, line: int, file: str, source: str = "") -> Entry:
    match = _CONDA_SPEC.match(text)
    if not match:
        return Entry(text, line, file, "conda", "", None, source=source)
    rest = match.group("rest").strip()
    build = ""
    if rest.startswith("[") or not rest:
        version = ""
    else:
        # "=2.15=cuda*", "2.15 cuda*", ">=2,<3", "==1.26.4"
        tokens = rest.split()
        version = tokens[0]
        build = tokens[1] if len(tokens) > 1 else ""
        if version.startswith("=") and not version.startswith("==") and version.count("=") >= 2:
            version, _, build = version[1:].partition("=")
            version = "=" + version
    return Entry(
        text,
        line,
        file,
        "conda",
        canonicalize_name(match.group("name")),
        conda_version_to_pep440(version),
        channel=match.group("channel") or "",
        build=build,
        source=source,
    )


def _yaml() -> Any:
    try:
        # lazy: optional dependency (yaml)
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is a dependency
        raise UsageError("reading environment.yml needs PyYAML (pip install pyyaml)") from None
    return yaml


def parse_environment_yml(text: str, file: str) -> EnvFile:
    yaml = _yaml()
    env = EnvFile(file, "environment.yml", lines=text.splitlines())
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{file}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if root is None:
        return env
    if not isinstance(root, yaml.MappingNode):
        raise UsageError(f"{file}: expected a mapping with 'dependencies:' at the top")
    for key_node, value in root.value:
        key = str(key_node.value)
        if key == "name" and isinstance(value, yaml.ScalarNode):
            env.name = str(value.value)
        elif key == "channel_priority" and isinstance(value, yaml.ScalarNode):
            env.channel_priority = str(value.value)
        elif key == "channels" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if isinstance(item, yaml.ScalarNode):
                    env.channels.append((str(item.value), item.start_mark.line + 1))
        elif key == "dependencies" and isinstance(value, yaml.SequenceNode):
            _yml_dependencies(env, value, yaml)
    return env


def _yml_dependencies(env: EnvFile, node: Any, yaml: Any) -> None:
    for item in node.value:
        line = item.start_mark.line + 1
        if isinstance(item, yaml.ScalarNode):
            entry = conda_entry(str(item.value), line, env.path, env.line_text(line))
            if entry.name == "python":
                env.python = entry
            env.entries.append(entry)
        elif isinstance(item, yaml.MappingNode):
            for key_node, value in item.value:
                if str(key_node.value) != "pip" or not isinstance(value, yaml.SequenceNode):
                    continue
                for pip_item in value.value:
                    if not isinstance(pip_item, yaml.ScalarNode):
                        continue
                    pline = pip_item.start_mark.line + 1
                    text = str(pip_item.value).strip()
                    if text.startswith("-"):
                        continue  # "-r file" / "--index-url": options
                    pip_entry = _pip_entry(text, pline, env.path, env.line_text(pline), env.problems)
                    if pip_entry is not None:
                        env.entries.append(pip_entry)


# --- pyproject.toml / pylock.toml -----------------------------------------------------------


def _toml(text: str, file: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        # lazy: keeps tomllib out of check (6.3 ms, 6 modules)
        import tomllib
    else:  # pragma: no cover
        # lazy: optional dependency (tomli, the tomllib of Python < 3.11)
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{file}: not valid TOML ({exc})") from None


class _LineFinder:
    """Finds the line of a quoted string, in file order, so repeated strings get their own lines."""

    def __init__(self, lines: list[str], start: int = 0) -> None:
        self.lines = lines
        self.pos = start

    def find(self, needle: str, *, fallback: int = 1) -> int:
        for quoted in (f'"{needle}"', f"'{needle}'", needle):
            for i in range(self.pos, len(self.lines)):
                if quoted in self.lines[i]:
                    self.pos = i + 1
                    return i + 1
        return fallback

    def section(self, header: str) -> int:
        for i, line in enumerate(self.lines):
            if line.strip().replace(" ", "") == header:
                return i
        return 0


def parse_pyproject(text: str, file: str) -> EnvFile:
    data = _toml(text, file)
    env = EnvFile(file, "pyproject.toml", lines=text.splitlines())
    project = data.get("project")
    if not isinstance(project, dict):
        project = {}
    finder = _LineFinder(env.lines, _LineFinder(env.lines).section("[project]"))
    _requires_python(env, project.get("requires-python"))
    groups: list[tuple[str, Any]] = [("[project]", project.get("dependencies", []))]
    optional = project.get("optional-dependencies", {})
    if isinstance(optional, dict):
        groups += [("[project.optional-dependencies]", v) for v in optional.values()]
    dep_groups = data.get("dependency-groups", {})
    if isinstance(dep_groups, dict):
        groups += [("[dependency-groups]", v) for v in dep_groups.values()]
    for header, deps in groups:
        if not isinstance(deps, list):
            continue
        finder = _LineFinder(env.lines, _LineFinder(env.lines).section(header))
        for dep in deps:
            if not isinstance(dep, str):
                continue  # {include-group = ...}
            line = finder.find(dep)
            entry = _pip_entry(dep, line, file, env.line_text(line), env.problems)
            if entry is not None:
                env.entries.append(entry)
    return env


def _requires_python(env: EnvFile, requires_python: Any) -> None:
    """`requires-python` (pyproject.toml's [project], pylock.toml's top level) as the file's python entry."""
    if isinstance(requires_python, str):
        line = _LineFinder(env.lines).find(requires_python)
        try:
            spec = SpecifierSet(requires_python)
        except InvalidSpecifier:
            spec = None
        env.python = Entry(requires_python, line, env.path, "pip", "python", spec, source=env.line_text(line))


def parse_pylock(text: str, file: str) -> EnvFile:
    data = _toml(text, file)
    env = EnvFile(file, "pylock.toml", lines=text.splitlines())
    _requires_python(env, data.get("requires-python"))
    finder = _LineFinder(env.lines)
    packages = data.get("packages", [])
    if not isinstance(packages, list):
        raise UsageError(f"{file}: 'packages' must be an array of tables")
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        name = package["name"]
        version = package.get("version")
        line = finder.find(f'name = "{name}"')
        text_spec = f"{name}=={version}" if isinstance(version, str) else name
        marker = package.get("marker")
        if isinstance(marker, str):
            text_spec += f"; {marker}"
        entry = _pip_entry(text_spec, line, file, env.line_text(line), env.problems)
        if entry is not None:
            env.entries.append(entry)
    return env
