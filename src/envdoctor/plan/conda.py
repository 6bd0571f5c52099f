"""The conda side of a plan: solve match specs with py-rattler for the target's virtual packages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.plan.model import Pin
from envdoctor.plan.platforms import DEFAULT_GLIBC, conda_subdir

DEFAULT_LINUX_KERNEL = "5.15"
DEFAULT_MACOS = "13.0"


@dataclass
class CondaSolution:
    ok: bool
    records: list[Pin] = field(default_factory=list)
    error: str = ""
    unavailable: bool = False  # the channels could not be read: no answer, not a proof


def virtual_packages(platform: str, *, cuda: str | None, glibc: str | None) -> list[tuple[str, str, str]]:
    """(name, version, build) of the virtual packages a target machine has."""
    os_name, arch = platform.split("-", 1)
    archspec = {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "m1"}.get(arch, arch)
    result: list[tuple[str, str, str]] = [("__archspec", "1", archspec)]
    if os_name == "linux":
        result += [
            ("__unix", "0", "0"),
            ("__linux", DEFAULT_LINUX_KERNEL, "0"),
            ("__glibc", glibc or DEFAULT_GLIBC, "0"),
        ]
    elif os_name == "macos":
        result += [("__unix", "0", "0"), ("__osx", DEFAULT_MACOS, "0")]
    else:
        result += [("__win", "0", "0")]
    if cuda:
        result.append(("__cuda", cuda, "0"))
    return result


def _channel_source(channel: str) -> str:
    """Local folders become file:// URLs; names and URLs pass through."""
    path = Path(channel)
    if channel.startswith(("/", ".", "~")) or (path.exists() and path.is_dir()):
        return path.expanduser().resolve().as_uri()
    return channel


def solve(
    specs: Sequence[str],
    *,
    channels: Sequence[str],
    platform: str,
    cuda: str | None = None,
    glibc: str | None = None,
    constraints: Sequence[str] = (),
    timeout_s: float = 300.0,
) -> CondaSolution:
    """Solve `specs` with rattler (strict channel priority); infeasible -> ok=False with the reason."""
    # lazy: asyncio costs 19.3 ms, 39 modules; only solve() needs it
    import asyncio  # here, not at module level: the pip path of `plan` never needs it (~27 ms)

    try:
        # lazy: optional dependency (rattler)
        import rattler
    except ImportError:
        raise EnvdoctorError("the conda manager needs py-rattler: pip install py-rattler") from None
    virtual = [
        rattler.GenericVirtualPackage(rattler.PackageName(name), rattler.Version(version), rattler.BuildString(build))
        for name, version, build in virtual_packages(platform, cuda=cuda, glibc=glibc)
    ]
    sources = [rattler.Channel(_channel_source(c)) for c in channels]
    try:
        records: list[Any] = asyncio.run(
            asyncio.wait_for(
                rattler.solve(
                    sources=sources,
                    specs=list(specs),
                    platforms=[rattler.Subdir(conda_subdir(platform)), rattler.Subdir("noarch")],
                    virtual_packages=virtual,
                    constraints=list(constraints) or None,
                ),
                timeout=timeout_s,
            )
        )
    except asyncio.TimeoutError:
        raise EnvdoctorError(f"the conda solve took longer than {timeout_s:.0f} s") from None
    except Exception as exc:  # rattler raises SolverError / FetchRepoDataError / InvalidMatchSpec
        name = type(exc).__name__
        if "Solver" in name or "Unsolvable" in str(exc) or "cannot" in str(exc).lower():
            return CondaSolution(False, error=_short(str(exc)))
        if "MatchSpec" in name or "Parse" in name:
            raise UsageError(f"bad conda spec: {exc}") from None
        if "Fetch" in name or "Gateway" in name or "Io" in name:
            return CondaSolution(False, error=f"{name}: {_short(str(exc))}", unavailable=True)
        raise EnvdoctorError(f"conda solve failed ({name}): {_short(str(exc))}") from None
    pins = [
        Pin(
            str(r.name.normalized),
            str(r.version),
            "",
            "conda",
            build=str(r.build),
            channel=_channel_name(str(r.channel or "")),
        )
        for r in records
    ]
    pins.sort(key=lambda p: p.name)
    return CondaSolution(True, pins)


def _channel_name(url: str) -> str:
    trimmed = url.rstrip("/")
    if trimmed.startswith("https://conda.anaconda.org/"):
        return trimmed.rsplit("/", 1)[-1]
    return trimmed


def _short(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[:15])
