"""ED302: installed wheels need a newer glibc than the machine has."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.model import Distribution, Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe, metadata_file
from envdoctor.rules._registry import rule
from envdoctor.rules._shared import per_distribution

_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_")
_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def glibc_of_platform(platform: str) -> tuple[int, int] | None:
    """(2, 17) for "manylinux2014_x86_64" / "manylinux_2_17_x86_64"; None for other platforms."""
    match = _MANYLINUX.match(platform)
    if match is not None:
        return int(match.group(1)), int(match.group(2))
    return _LEGACY.get(platform.split("_", 1)[0])


def wheel_glibc(dist: Distribution) -> tuple[int, int] | None:
    """The oldest glibc any of the wheel's tags accepts; None when no tag is a manylinux one."""
    found: list[tuple[int, int]] = []
    for tag in dist.wheel_tags:
        pieces = tag.split("-")
        if len(pieces) != 3:
            continue
        for platform in pieces[2].split("."):
            glibc = glibc_of_platform(platform)
            if glibc is not None:
                found.append(glibc)
    return min(found) if found else None


def _parse(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    match = re.match(r"^(\d+)\.(\d+)", text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


@rule(
    "ED302",
    "glibc-too-old",
    title="A wheel needs a newer glibc than the system has",
    severity=Severity.ERROR,
    cause="glibc-too-old",
)
def glibc_too_old(ctx: Context) -> Iterator[Finding]:
    """What:
    Installed wheels whose manylinux tags (manylinux_2_28_x86_64; manylinux2014 = glibc 2.17,
    manylinux2010 = 2.12, manylinux1 = 2.5) all need a newer glibc than the machine's. On a musl
    system (Alpine), any manylinux wheel.

    Why:
    The extension cannot load: "version `GLIBC_2.28' not found (required by ...)". pip would not
    have picked such a wheel on this machine, so it came from elsewhere: an environment copied
    from a newer system, a container whose base image changed, or a wheel forced with --platform.

    Example:
    jaxlib 0.4.30 (Tag: cp311-cp311-manylinux_2_27_x86_64) on CentOS 7 (glibc 2.17).

    Fix:
    Let pip pick a wheel this system can load: `python -m pip install --force-reinstall --no-deps
    "jaxlib==0.4.30"` (fails when no such wheel exists: then an older release, or a newer OS /
    container image).
    """
    machine = ctx.machine
    libc = (machine.libc or "").lower()
    if libc == "musl":
        yield from _musl(ctx)
        return
    have = _parse(machine.libc_version)
    if libc != "glibc" or have is None:
        return
    too_new: list[tuple[Distribution, tuple[int, int]]] = []
    for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
        need = per_distribution("wheel_glibc", dist, None, lambda: wheel_glibc(dist))  # noqa: B023
        if need is not None and need > have:
            too_new.append((dist, need))
    if not too_new:
        return
    evidence = [f"system glibc: {machine.libc_version} ({machine.os_release or machine.os})"]
    for dist, need in too_new:
        evidence.append(
            f"{dist.name} {dist.version} needs glibc >= {need[0]}.{need[1]}: "
            f"{metadata_file(dist, 'WHEEL')} Tag: {', '.join(dist.wheel_tags)}"
        )
    names = ", ".join(f"{d.name} {d.version} (glibc {n[0]}.{n[1]})" for d, n in too_new)
    yield glibc_too_old.finding(
        f"wheels need a newer glibc than this system's {machine.libc_version}: {names}",
        evidence=evidence,
        fix=ctx.install([f"{d.name}=={d.version}" for d, _ in too_new], options=["force-reinstall", "no-deps"]),
        hints=[
            "If pip finds no wheel of that version for this glibc, install an older release, or "
            "run on a newer OS / container image (e.g. a manylinux_2_28-compatible base).",
        ],
        subject="glibc",
    )


def _musl(ctx: Context) -> Iterator[Finding]:
    wrong = [d for d in sorted(ctx.installed.values(), key=lambda d: d.name) if wheel_glibc(d)]
    if not wrong:
        return
    yield glibc_too_old.finding(
        "manylinux (glibc) wheels are installed on a musl system: " + ", ".join(f"{d.name} {d.version}" for d in wrong),
        evidence=[f"system libc: musl {ctx.machine.libc_version or ''}".rstrip()]
        + [f"{describe(d)}: Tag: {', '.join(d.wheel_tags)}" for d in wrong],
        fix=ctx.install([f"{d.name}=={d.version}" for d in wrong], options=["force-reinstall", "no-deps"]),
        hints=["TensorFlow publishes no musllinux wheels: use a glibc-based image (Debian / Ubuntu)."],
        cause="platform-unsupported",
        subject="libc",
    )
