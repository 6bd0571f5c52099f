"""Full resolution of the pip part with `uv pip compile` for the target Python and platform."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor import process
from envdoctor.errors import EnvdoctorError
from envdoctor.frameworks import uv_index_option
from envdoctor.plan.model import ResolveOptions
from envdoctor.plan.platforms import uv_platform

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
_VIA = re.compile(r"#\s*via\s+(.*)$")


@dataclass
class Compiled:
    ok: bool
    text: str = ""  # the compiled file
    error: str = ""  # uv's explanation when it failed
    packages: list[tuple[str, str, str]] = field(default_factory=list)  # (name, version, via)
    command: list[str] = field(default_factory=list)
    from_cache: bool = False


def uv_binary(options: ResolveOptions) -> str:
    if options.uv:
        return options.uv
    # lazy: actions.uvtool costs 2.7 ms, 4 modules; only uv_binary() needs it
    from envdoctor.actions.uvtool import uv_binary as default_uv

    return default_uv()


# The oldest uv that runs every command envdoctor gives it (pylock.toml output, the manylinux levels
# of recent glibc); pyproject.toml declares the same bound, and a network test runs it.
MINIMUM_UV = "0.6.15"


def uv_version_note(options: ResolveOptions) -> str:
    """What to do when uv rejected envdoctor's command line: usually an older uv than it needs."""
    try:
        uv = uv_binary(options)
        out = process.run([uv, "--version"], timeout=10).stdout
    except EnvdoctorError:  # no uv, or it cannot start (process.StartError)
        out = ""
    version = out.split()[1] if len(out.split()) >= 2 else "unknown"
    return (
        f"uv {version} is older than envdoctor needs (uv >= {MINIMUM_UV}): upgrade it "
        f"(`pip install -U 'uv>={MINIMUM_UV}'`) or point ENVDOCTOR_UV at a newer uv"
    )


def parse_requirements_output(text: str) -> list[tuple[str, str, str]]:
    """(name, version, via) from uv's requirements.txt output (annotation style "line")."""
    result: list[tuple[str, str, str]] = []
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            via = _VIA.search(line)
            result.append((match.group(1), match.group(3), _clean_via(via.group(1) if via else "")))
        elif result and line.strip().startswith("#"):
            via = _VIA.search(line)
            if via and not result[-1][2]:
                name, version, _ = result[-1]
                result[-1] = (name, version, _clean_via(via.group(1)))
    return result


def _clean_via(text: str) -> str:
    parts = [p.strip() for p in text.split(",")]
    return ", ".join(p for p in parts if p and not p.startswith(("-c ", "-r ")))


def short_error(stderr: str) -> str:
    """uv's resolver explanation without the noise (progress, hints about --verbose)."""
    lines = [ln.rstrip() for ln in stderr.splitlines() if ln.strip()]
    keep = [ln for ln in lines if not ln.lstrip().startswith(("Resolved ", "Using ", "warning: `"))]
    return "\n".join(keep[-12:]) if keep else "uv pip compile failed"


def _base_command(
    uv: str,
    infile: Path,
    constraints: Path | None,
    *,
    python: str,
    platform: str,
    glibc: str | None,
    options: ResolveOptions,
    prereleases: bool,
    index_backend: str | None,
    custom_command: str,
) -> list[str]:
    cmd = [uv, "pip", "compile", str(infile), "--python-version", python]
    if python == f"{sys.version_info[0]}.{sys.version_info[1]}":
        # Spares uv its interpreter search (~200 ms through pyenv shims); only with the same minor
        # version, since uv builds sdists' metadata with it.
        cmd += ["--python", sys.executable]
    cmd += ["--python-platform", uv_platform(platform, glibc)]
    cmd += ["--prerelease", "allow" if prereleases else "explicit"]
    cmd += ["--no-progress", "--color", "never", "--annotation-style", "line", "--no-strip-extras"]
    cmd += ["--custom-compile-command", custom_command]
    if constraints is not None:
        cmd += ["-c", str(constraints)]
    for link in options.find_links:
        cmd += ["--find-links", link]
    if options.no_index:
        cmd.append("--no-index")
    if options.index_url:
        cmd += ["--default-index", options.index_url]
    for url in options.extra_index_urls:
        cmd += ["--index", url]
    if options.offline:
        cmd.append("--offline")
    option = uv_index_option()
    if index_backend and option and not options.no_index:
        cmd += [option, index_backend]
    return cmd


def compile_requirements(
    requirements: Sequence[str],
    constraints: Sequence[str],
    *,
    python: str,
    platform: str,
    glibc: str | None = None,
    options: ResolveOptions | None = None,
    prereleases: bool = False,
    index_backend: str | None = None,
    hashes: bool = False,
    pylock: bool = False,
    custom_command: str = "envdoctor plan",
) -> tuple[Compiled, Compiled | None]:
    """Resolve `requirements` (+ `constraints`) with uv; returns (requirements.txt, pylock.toml).

    The pylock run (when asked) goes in parallel with the main one; both hit uv's cache.
    """
    options = options or ResolveOptions()
    uv = uv_binary(options)
    env = dict(os.environ)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.pop("VIRTUAL_ENV", None)
    with tempfile.TemporaryDirectory(prefix="envdoctor-plan-") as tmp:
        infile = Path(tmp, "requirements.in")
        infile.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        cfile: Path | None = None
        if constraints:
            cfile = Path(tmp, "constraints.txt")
            cfile.write_text("\n".join(constraints) + "\n", encoding="utf-8")
        base = _base_command(
            uv,
            infile,
            cfile,
            python=python,
            platform=platform,
            glibc=glibc,
            options=options,
            prereleases=prereleases,
            index_backend=index_backend,
            custom_command=custom_command,
        )
        main_cmd = [*base, "--format", "requirements.txt"] + (["--generate-hashes"] if hashes else [])
        lock_cmd = [*base, "--format", "pylock.toml", "--no-header"] if pylock else None
        commands = [main_cmd] + ([lock_cmd] if lock_cmd else [])
        results: list[Compiled] = []
        if options.cache_first and not options.offline:
            # uv revalidates every cached index page (a network round trip per package); its
            # cache alone answers in a fraction of that. Fall back to the index when it lacks data.
            offline = [[*c, "--offline"] for c in commands]
            results = _run_all(offline, env, options.timeout_s, tmp)
            if all(r.ok for r in results):
                for r in results:
                    r.from_cache = True
            else:
                results = []
        if not results:
            results = _run_all(commands, env, options.timeout_s, tmp)
    main = results[0]
    if main.ok:
        main.packages = parse_requirements_output(main.text)
    return main, (results[1] if len(results) > 1 else None)


def _run_all(commands: list[list[str]], env: dict[str, str], timeout: float, cwd: str) -> list[Compiled]:
    if len(commands) == 1:
        return [_run(commands[0], env, timeout, cwd)]
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return list(pool.map(lambda c: _run(c, env, timeout, cwd), commands))


def _run(cmd: list[str], env: dict[str, str], timeout: float, cwd: str) -> Compiled:
    try:
        proc = process.run(cmd, env=env, timeout=timeout, cwd=cwd)
    except process.StartError:
        raise EnvdoctorError(f"cannot run uv ({cmd[0]})") from None
    if proc.timed_out:
        raise EnvdoctorError(f"uv pip compile took longer than {timeout:.0f} s")
    if proc.returncode != 0:
        return Compiled(False, error=short_error(proc.stderr), command=cmd)
    if proc.truncated:
        return Compiled(False, error="uv printed more output than envdoctor reads", command=cmd)
    return Compiled(True, text=proc.stdout, command=cmd)
