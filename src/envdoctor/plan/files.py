"""The files plan writes: environment.yml (conda env with a pip section), requirements.txt
(uv's output with hashes) and pylock.toml (PEP 751, uv's output)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from envdoctor.errors import UsageError
from envdoctor.plan.model import Pin


def _quote(text: str) -> str:
    """YAML plain scalar when safe ("numpy==2.1.3", "tensorflow[and-cuda]==2.18"), else quoted."""
    unsafe = (
        not text
        or text[0] in "!&*[]{}|>'\"%@`,#?:-"
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or text != text.strip()
    )
    if not unsafe:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def environment_yml(
    *,
    name: str,
    channels: Sequence[str],
    python: str,
    conda: Sequence[str],
    pip: Sequence[str],
    header: str = "",
) -> str:
    """The layout TensorFlow's install docs use: python and pip from conda, the rest from pip."""
    lines = [f"# {line}" for line in header.splitlines()] if header else []
    lines.append(f"name: {_quote(name)}")
    lines.append("channels:")
    lines += [f"  - {_quote(c)}" for c in channels]
    if "defaults" not in channels:
        lines.append("  - nodefaults")
    lines.append("dependencies:")
    lines.append(f"  - {_quote('python=' + python)}")
    lines += [f"  - {_quote(spec)}" for spec in conda if spec.split("=")[0].split(" ")[0] != "python"]
    if pip:
        if "pip" not in [c.split("=")[0] for c in conda]:
            lines.append("  - pip")
        lines.append("  - pip:")
        lines += [f"    - {_quote(spec)}" for spec in pip]
    return "\n".join(lines) + "\n"


def conda_pins(specs: Sequence[str], solved: Sequence[Pin]) -> list[str]:
    """The requested conda specs, pinned to the solved versions ("cudatoolkit=11.8.0")."""
    by_name = {p.name: p for p in solved}
    result: list[str] = []
    for spec in specs:
        name = spec.replace("::", " ").split()[-1] if "::" in spec else spec
        name = name.split("=")[0].split(" ")[0].split("<")[0].split(">")[0].strip()
        pin = by_name.get(name)
        if pin is None:
            result.append(spec)
        else:
            build = f"={pin.build}" if "cuda" in spec and "cuda" in pin.build else ""
            result.append(f"{name}={pin.version}{build}")
    return result


def write_text(path: str, text: str) -> str:
    """Write atomically (temp file + rename); returns the absolute path."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise UsageError(f"{path} is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return str(target.resolve())
