"""What `create` (a new conda prefix) and `rattlerfix` (changing one) share about py-rattler: the
channels as py-rattler takes them, and this machine's virtual packages. Stdlib only at module level:
py-rattler is optional, imported where it is used."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
