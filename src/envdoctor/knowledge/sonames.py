"""Which CUDA toolkits ship a CUDA library under a given soname version: `libcusolver.so.10` is in CUDA
10.1-11.0, `libcudart.so.10.0` only in CUDA 10.0. A loader asks for the exact soname a build was linked
against, so a toolkit that ships the library under another soname is a version mismatch, even within one
major (CUDA 10.1 has no `libcudart.so.10.0`; CUDA 11.1 has no `libcusolver.so.10`).

Written by hand from NVIDIA's toolkit file lists (no package or index states it); Windows DLL names carry
the same numbers (`cusolver64_10.dll`, `cudart64_101.dll`)."""

from __future__ import annotations

# every toolkit the table knows (major.minor), oldest first
_TOOLKITS = (
    "8.0",
    "9.0",
    "9.1",
    "9.2",
    "10.0",
    "10.1",
    "10.2",
    "11.0",
    "11.1",
    "11.2",
    "11.3",
    "11.4",
    "11.5",
    "11.6",
    "11.7",
    "11.8",
    "12.0",
    "12.1",
    "12.2",
    "12.3",
    "12.4",
    "12.5",
    "12.6",
    "12.8",
    "12.9",
)


def _soname(family: str, toolkit: str) -> str | None:
    """The soname version of `family` in CUDA `toolkit`; None where the table does not know it."""
    major, minor = (int(p) for p in toolkit.split("."))
    if major < 10 or toolkit == "10.0":
        return toolkit  # up to 10.0 every library is named by the full toolkit version
    if family == "cudart":
        return "11.0" if major == 11 else toolkit if major == 10 else str(major)
    if family == "nvrtc":
        return toolkit if major == 10 or (major == 11 and minor < 2) else "11.2" if major == 11 else str(major)
    if family in ("cublas", "cublaslt"):
        return str(major)
    if family == "cufft":
        return "10" if major in (10, 11) else "11" if major == 12 else None
    if family == "curand":
        return "10" if major in (10, 11, 12) else None
    if family == "cusolver":
        return "10" if major == 10 or toolkit == "11.0" else "11" if major in (11, 12) else None
    if family == "cusparse":
        return str(major) if major in (10, 11, 12) else None
    return None


FAMILIES = frozenset({"cudart", "nvrtc", "cublas", "cublaslt", "cufft", "curand", "cusolver", "cusparse"})


def _same_soname(wanted: str, shipped: str) -> bool:
    """`wanted` as a log shows it names `shipped`. From CUDA 11 on `X.0` and `X` are one name
    (`libcudart.so.11.0`, `libcublas.so.11`); before, `10.0` is CUDA 10.0's and `10` is 10.1-10.2's."""

    def plain(version: str) -> str:
        major, _, minor = version.partition(".")
        return major if minor == "0" and major.isdigit() and int(major) >= 11 else version

    return plain(wanted) == plain(shipped)


def toolkits_shipping(family: str, version: str) -> tuple[str, ...]:
    """The CUDA toolkits (major.minor) that ship `family` (`cusolver`) under soname `version` (`10`)."""
    out = []
    for toolkit in _TOOLKITS:
        shipped = _soname(family, toolkit)
        if shipped is not None and _same_soname(version, shipped):
            out.append(toolkit)
    return tuple(out)


def ships(family: str, version: str, toolkit: str) -> bool | None:
    """Whether CUDA `toolkit` (`11.1`, `11.1.105`) ships `family` under soname `version`; None where the
    table cannot say (an unknown library, a toolkit newer than the table, a bare major whose minors differ)."""
    parts = toolkit.split(".")
    if family not in FAMILIES or not all(p.isdigit() for p in parts[:2]):
        return None
    if len(parts) == 1:  # only the major known: every minor of it must agree
        answers = {ships(family, version, t) for t in _TOOLKITS if t.split(".")[0] == parts[0]}
        return answers.pop() if len(answers) == 1 else None
    key = (int(parts[0]), int(parts[1]))
    if key > (12, 9):
        return None
    if key < (8, 0):
        return False  # CUDA 7.5 and older: every library is named 7.5 or older, none of the table's
    name = f"{key[0]}.{key[1]}"
    if name not in _TOOLKITS:
        return None
    shipped = _soname(family, name)
    return None if shipped is None else _same_soname(version, shipped)
