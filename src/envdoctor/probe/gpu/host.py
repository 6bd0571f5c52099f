"""The probed machine as the GPU probe sees it: paths under `root` (and back to the machine's own names),
programs found on its PATH and run through `run`, and small tolerant readers of files and values.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

from envdoctor import process
from envdoctor.bounded import maybe_text
from envdoctor.model import GpuFacts
from envdoctor.process import Completed

Runner = Callable[..., Completed]  # (argv, timeout=) -> how it ended (envdoctor.process.run)
DriverCuda = Callable[[str], "str | None"]  # a driver version -> the highest CUDA it supports (the kb's table)


class Host:
    """What every part of the GPU probe reads the machine through."""

    def __init__(
        self,
        root: Path,
        env: Mapping[str, str],
        path_dirs: Sequence[str],
        run: Runner,
        driver_cuda: DriverCuda | None = None,
    ) -> None:
        self.root = root
        self.live = str(root) == "/"
        self.env = env
        self.path_dirs = path_dirs
        self.run = run
        self.driver_cuda = driver_cuda

    # -- paths ---------------------------------------------------------------------------------
    def at(self, path: str) -> Path:
        """A path of the probed machine, on this file system."""
        return self.root / path.lstrip("/") if path.startswith("/") else self.root / path

    def host(self, path: Path | str) -> str:
        """A path on this file system, as the probed machine names it."""
        text = str(path)
        if self.live:
            return text
        base = str(self.root).rstrip("/")
        if text == base:
            return "/"
        return text[len(base) :] if text.startswith(base + "/") else text

    def which(self, name: str, extra: Iterable[str] = ()) -> Path | None:
        names = [name, name + ".exe"] if sys.platform == "win32" and self.live else [name]
        for directory in [*self.path_dirs, *extra]:
            if not directory:
                continue
            for n in names:
                candidate = self.at(directory) / n
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    return candidate
        return None

    def call(self, facts: GpuFacts, cmd: Sequence[str], timeout: float) -> str | None:
        try:
            done = self.run(list(cmd), timeout=timeout)
        except process.StartError as exc:
            facts.problems.append(f"could not run {self.host(cmd[0])}: {exc.cause}")
            return None
        if done.timed_out:
            facts.problems.append(f"{Path(cmd[0]).name} did not answer within {timeout:g} s")
            return None
        out = (done.stdout or "") + ("\n" + done.stderr if done.stderr else "")
        if done.returncode != 0:
            first = (out.strip().splitlines() or [""])[0][:200]
            facts.problems.append(f"{self.host(cmd[0])} {' '.join(cmd[1:2])} exited {done.returncode}: {first}")
            return None
        return done.stdout or ""


def read_file(path: Path) -> str | None:
    return maybe_text(path)  # regular files only, at most 1 MiB (headers, version files, /proc)


def path_exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def list_dir(path: Path) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except (OSError, ValueError):
        return []


def glob_names(base: Path, pattern: str) -> list[str]:
    return [os.path.relpath(p, base) for p in sorted(glob.glob(str(base / pattern)))]


def text_of(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def not_na(value: str) -> str | None:
    value = value.strip()
    return None if not value or value.startswith("[") or value.upper() == "N/A" else value


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def cuda_int(value: int) -> str:
    """12040 -> "12.4" (the encoding of cuDriverGetVersion / NVML)."""
    return f"{value // 1000}.{(value % 1000) // 10}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())
