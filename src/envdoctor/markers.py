"""PEP 508 marker environments: of a platform key and a Python minor (plan, the knowledge base's
generator), or of a probed interpreter (the rules' Context). Stdlib only."""

from __future__ import annotations

SYS_PLATFORMS = {"linux": "linux", "macos": "darwin", "windows": "win32"}  # platform key's OS -> sys.platform
SYSTEMS = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}  # sys.platform -> platform.system()
# platform.machine() where it differs from the platform key's architecture
MACHINES = {("windows", "x86_64"): "AMD64"}


def environment(
    *, sys_platform: str, machine: str, python: str, full_version: str, implementation: str = "cpython"
) -> dict[str, str]:
    """The marker variables of an interpreter: `python` its minor ("3.11"), `full_version` its
    version ("3.11.7"); release and version strings of the OS are not known (empty)."""
    return {
        "implementation_name": implementation,
        "implementation_version": full_version,
        "os_name": "nt" if sys_platform == "win32" else "posix",
        "platform_machine": machine,
        "platform_python_implementation": "CPython" if implementation == "cpython" else implementation,
        "platform_release": "",
        "platform_system": SYSTEMS.get(sys_platform, ""),
        "platform_version": "",
        "python_full_version": full_version,
        "python_version": python,
        "sys_platform": sys_platform,
    }


def for_platform(platform: str, python: str) -> dict[str, str]:
    """The marker variables of a CPython of minor `python` on a platform key (`linux-x86_64`)."""
    os_name, arch = platform.split("-", 1)
    return environment(
        sys_platform=SYS_PLATFORMS[os_name],
        machine=MACHINES.get((os_name, arch), arch),
        python=python,
        full_version=f"{python}.0",
    )
