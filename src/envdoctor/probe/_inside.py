# This file runs INSIDE the inspected interpreter (`python -c <_scan.py + this source> --scan`):
# stdlib only, and syntax that Python 2.7 through 3.14 all accept. It prints one JSON object and
# imports nothing from the environment it inspects. `scan_entries` comes from _scan.py, which the
# launcher puts before this file.
import json
import os
import struct
import sys

MARKER = "ENVDOCTOR-PROBE:"
SCAN_MARKER = "ENVDOCTOR-SCAN:"
ENV_VARS = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONNOUSERSITE",
    "PYTHONUSERBASE",
    "PYTHONSAFEPATH",
    "CONDA_PREFIX",
    "CONDA_DEFAULT_ENV",
    "CONDA_SHLVL",
    "VIRTUAL_ENV",
    "LD_LIBRARY_PATH",
    "LD_PRELOAD",
    "CUDA_HOME",
    "CUDA_PATH",
    "CUDA_VISIBLE_DEVICES",
    "TF_CPP_MIN_LOG_LEVEL",
    "TF_USE_LEGACY_KERAS",
    "KERAS_BACKEND",
    "XLA_FLAGS",
    "PIP_USER",
    "PIP_REQUIRE_VIRTUALENV",
)


def _site_facts():
    import site

    user_site = None
    enabled = False
    packages = []
    try:
        user_site = site.getusersitepackages()
    except Exception:
        user_site = getattr(site, "USER_SITE", None)
    enabled = bool(getattr(site, "ENABLE_USER_SITE", False))
    try:
        packages = list(site.getsitepackages())
    except Exception:  # virtualenv < 20 on Python 2 has no getsitepackages
        packages = [p for p in sys.path if p.endswith("site-packages")]
    return user_site, enabled, packages


def _abi_tag():
    impl = getattr(sys, "implementation", None)
    name = impl.name if impl is not None else "cpython"
    if name == "cpython":
        tag = "cp%d%d" % sys.version_info[:2]
        try:
            import sysconfig

            if sysconfig.get_config_var("Py_GIL_DISABLED"):
                tag += "t"
        except Exception:
            pass
        return tag
    if name == "pypy":
        return "pp%d%d" % sys.version_info[:2]
    return ""


def _externally_managed(is_venv):
    """The PEP 668 marker in the standard library folder (it does not apply inside a venv)."""
    if is_venv:
        return None
    try:
        import sysconfig

        stdlib = sysconfig.get_path("stdlib")
    except Exception:
        return None
    marker = os.path.join(stdlib, "EXTERNALLY-MANAGED") if stdlib else ""
    return marker if marker and os.path.isfile(marker) else None


def main():
    import platform

    user_site, user_enabled, site_packages = _site_facts()
    impl = getattr(sys, "implementation", None)
    base_prefix = getattr(sys, "base_prefix", None) or getattr(sys, "real_prefix", None) or sys.prefix
    path = list(sys.path)
    if path and path[0] in ("", os.getcwd()):
        path = path[1:]  # the `-c` entry (current directory), not part of the environment
    is_venv = base_prefix != sys.prefix or hasattr(sys, "real_prefix")
    facts = {
        "executable": sys.executable,
        "version": platform.python_version(),
        "implementation": impl.name if impl is not None else platform.python_implementation().lower(),
        "bits": struct.calcsize("P") * 8,
        "sys_platform": sys.platform,
        "machine": platform.machine(),
        "prefix": sys.prefix,
        "base_prefix": base_prefix,
        "exec_prefix": sys.exec_prefix,
        "is_venv": is_venv,
        "is_conda": os.path.isdir(os.path.join(sys.prefix, "conda-meta")),
        "sys_path": path,
        "site_packages": site_packages,
        "user_site": user_site,
        "user_site_enabled": user_enabled,
        "env": dict((k, os.environ[k]) for k in ENV_VARS if k in os.environ),
        "abi_tag": _abi_tag(),
        "supported": sys.version_info >= (3, 6),
        "externally_managed": _externally_managed(is_venv),
    }
    # The facts first, at once: envdoctor may answer from its cache and stop here.
    sys.stdout.write(MARKER + json.dumps(facts) + "\n")
    sys.stdout.flush()
    if "--scan" in sys.argv[1:]:
        records, unlisted = scan_entries(path)  # noqa: F821 (defined by _scan.py, sent first)
        sys.stdout.write(SCAN_MARKER + json.dumps({"records": records, "unlisted": unlisted}) + "\n")


main()
