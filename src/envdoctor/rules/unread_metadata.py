"""ED108: metadata that could not be read, or read but not understood, so the checks skipped it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from envdoctor.model import Distribution, Finding, Severity, Skipped, Snapshot
from envdoctor.rules._context import Context
from envdoctor.rules._deps import _ONLY_EXTRA, _simple_marker, parse_requirement
from envdoctor.rules._registry import rule
from envdoctor.rules._shared import per_distribution
from envdoctor.versions import parse_version

_SHOWN = 8  # reasons listed per distribution


# Any value will do: only whether the marker parses matters.
_ANY_ENVIRONMENT = {
    name: "0"
    for name in (
        "implementation_name",
        "implementation_version",
        "os_name",
        "platform_machine",
        "platform_python_implementation",
        "platform_release",
        "platform_system",
        "platform_version",
        "python_full_version",
        "python_version",
        "sys_platform",
        "extra",
    )
}


@cache
def _marker_ok(marker: str) -> bool:
    """Whether a marker parses: the common shapes through the rules' own quick parser (ED101
    reads them the same way), the rest through packaging."""
    if _ONLY_EXTRA.match(marker) or _simple_marker(marker, _ANY_ENVIRONMENT) is not None:
        return True
    # lazy: defers packaging.markers (80.7 ms, 28 modules: packaging) until _marker_ok() runs (check's start-up)
    from packaging.markers import InvalidMarker, Marker

    try:
        Marker(marker)
    except InvalidMarker:
        return False
    return True


def unread_reasons(dist: Distribution) -> list[str]:
    """Why some of `dist`'s metadata was not used: what the scan could not read (missing,
    unreadable, not a regular file, not UTF-8, headers cut), a version that is not PEP 440, and
    Requires-Dist lines that are not valid requirements. [] when all of it was read."""
    return list(per_distribution("unread_reasons", dist, None, lambda: tuple(_unread_reasons(dist))))


def _unread_reasons(dist: Distribution) -> list[str]:
    reasons = list(dist.problems)
    if parse_version(dist.version) is None:
        reasons.append(f"version {dist.version!r} is not a PEP 440 version: version checks skip it")
    for text in dist.requires:
        req = parse_requirement(text)
        if req is None or (req.marker is not None and not _marker_ok(req.marker)):
            reasons.append(f"Requires-Dist {text!r} is not a valid requirement: it is not checked")
    return reasons


def unread_skipped(snapshot: Snapshot) -> list[Skipped]:
    """The `skipped` entries for every distribution whose metadata was not fully used."""
    found: list[Skipped] = []
    for dist in snapshot.distributions:
        reasons = unread_reasons(dist)
        if reasons:
            what = f"{dist.display_name or dist.name} {dist.version} ({dist.metadata_path})"
            found.extend(Skipped(what=what, reason=reason) for reason in reasons)
    return found


@rule(
    "ED108",
    "unread-metadata",
    title="Metadata that could not be read was skipped",
    severity=Severity.WARNING,
)
def unread_metadata(ctx: Context) -> Iterator[Finding]:
    """What:
    A distribution's metadata could not be fully read or understood: its METADATA / PKG-INFO is
    missing, unreadable, not a regular file (a FIFO, a device), larger than envdoctor reads, or
    not valid UTF-8; or its version is not a PEP 440 version; or a Requires-Dist line is not a
    valid requirement. Each such piece is also listed under "skipped".

    Why:
    What is not read cannot be checked: a requirement that does not parse is never compared with
    what is installed, a version that is not PEP 440 satisfies no range. Saying "OK" for it would
    hide exactly the broken installs envdoctor is for; corrupt metadata is itself a sign of an
    interrupted install or a hand-edited environment.

    Example:
    mypkg 1.0's METADATA is not valid UTF-8 (read with replacement characters), and
    `Requires-Dist: numpy (>=1.2` lacks its closing parenthesis.

    Fix:
    Reinstall the distribution so its metadata is written anew
    (`python -m pip install --force-reinstall --no-deps "mypkg==1.0"`), or remove a folder left
    behind by an interrupted install; then check again.
    """
    for dist in sorted(ctx.snapshot.distributions, key=lambda d: (d.name, d.metadata_path)):
        reasons = unread_reasons(dist)
        if not reasons:
            continue
        shown = reasons[:_SHOWN] + ([f"... and {len(reasons) - _SHOWN} more"] if len(reasons) > _SHOWN else [])
        yield unread_metadata.finding(
            f"{dist.display_name or dist.name} {dist.version}: part of its metadata was not read; "
            "checks that need it skipped it",
            evidence=[f"metadata: {dist.metadata_path}", *shown],
            hints=[
                f"Reinstall it with the installer that put it there ({dist.installer or 'unknown'}) so its "
                "metadata is written anew; a folder left by an interrupted install can be removed."
            ],
            subject=dist.name,
        )
