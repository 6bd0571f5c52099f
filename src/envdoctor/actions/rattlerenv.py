"""What `create` (a new conda prefix) and `rattlerfix` (changing one) share about py-rattler: the
channels as py-rattler takes them, this machine's virtual packages, and the child process that solves
and installs a new prefix (`python -m envdoctor.actions.rattlerenv rattler-install`: create's, kept out
of create's own imports). Light at module level: py-rattler is optional, imported where it is used."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from envdoctor.actions.proc import progress

#: what conda's `defaults` channel is on Linux and macOS
DEFAULTS_CHANNELS = ("https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r")


def rattler_channels(channels: Sequence[str]) -> list[str]:
    """Channels as py-rattler takes them: conda's `nodefaults` dropped, `defaults` spelled out."""
    out: list[str] = []
    for channel in channels:
        names = {"nodefaults": [], "defaults": list(DEFAULTS_CHANNELS)}.get(channel.strip(), [channel.strip()])
        out += [n for n in names if n and n not in out]
    return out or ["conda-forge"]


def virtual_packages() -> list[Any]:
    """This machine's virtual packages, with conda's CONDA_OVERRIDE_* variables applied."""
    import rattler  # lazy: optional dependency (py-rattler)

    return list(rattler.VirtualPackage.detect(rattler.VirtualPackageOverrides.from_env()))


def rattler_child(request: Mapping[str, Any]) -> dict[str, Any]:
    """Solve and install (in the child process): {"ok", "packages"} or {"ok": False, "stage", ...}."""
    # lazy: keeps asyncio (36 ms, 52 modules) out of create's start-up: only this child runs an event loop
    import asyncio

    import rattler  # lazy: optional dependency (py-rattler)

    specs = [str(s) for s in request["specs"]]
    quiet = bool(request.get("quiet"))
    try:
        # parsed leniently, as conda does: `numpy 1.26.4 py311h_0` (a plan's pins) and
        # `numpy=1.26.4=py311_0` (`conda env export`) are refused by rattler.solve's strict parsing
        match_specs = [rattler.MatchSpec(s, strict=False) for s in specs]
        records = asyncio.run(
            rattler.solve(sources=list(request["channels"]), specs=match_specs, virtual_packages=virtual_packages())
        )
    except Exception as exc:  # rattler raises its own exception types
        return {"ok": False, "stage": "solve", "solver": type(exc).__name__ == "SolverError", "message": str(exc)}
    try:
        if not quiet:
            progress(f"installing {len(records)} conda packages into {request['prefix']} (py-rattler)")
        # (no requested_specs: py-rattler 0.28 passes its MatchSpec objects on unconverted and fails)
        asyncio.run(rattler.install(records, target_prefix=str(request["prefix"]), show_progress=not quiet))
    except Exception as exc:
        return {"ok": False, "stage": "install", "message": str(exc)}
    return {"ok": True, "packages": len(records)}


def main() -> None:
    if sys.argv[1:] != ["rattler-install"]:
        print("usage: python -m envdoctor.actions.rattlerenv rattler-install < request.json", file=sys.stderr)
        os._exit(2)
    try:
        outcome = rattler_child(json.loads(sys.stdin.read()))
    except Exception as exc:  # a bad request, rattler missing: reported like any other failure
        outcome = {"ok": False, "stage": "install", "message": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(outcome) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # not through the interpreter's exit: see create._rattler_install


if __name__ == "__main__":
    main()
