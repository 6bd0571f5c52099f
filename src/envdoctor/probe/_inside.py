# This file runs INSIDE the inspected interpreter (`python -I -S -c <_scan.py + this source> --scan`,
# or `-E -s -S` from an empty folder where there is no -I): stdlib only, and syntax that Python 2.7
# through 3.14 all accept. It prints one JSON object and runs nothing of the environment it
# inspects: site-packages' .pth files are read as data (their path lines count, their `import`
# lines are never run), sitecustomize / usercustomize are not imported, PYTHONPATH and the current
# folder are not searched for modules. `scan_entries`, `read_bounded` and `SIDE_LIMIT` come from
# _scan.py, which the launcher puts before this file.
import json
import os
import stat
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
PROBLEMS = []  # [what, reason]: files the site emulation did not read
_EGG_INSERT = [0]  # setuptools' easy-install.pth moves its eggs to the front: sys.__egginsert


def _user_site_allowed():
    """What site.check_enableusersite() answers when the interpreter runs as the user runs it
    (without -s / -I)."""
    if os.environ.get("PYTHONNOUSERSITE"):
        return False
    if hasattr(os, "getuid") and hasattr(os, "geteuid") and os.geteuid() != os.getuid():
        return None
    if hasattr(os, "getgid") and hasattr(os, "getegid") and os.getegid() != os.getgid():
        return None
    return True


def _nothing(*args, **kwargs):
    return None


def _pth_as_data(sitedir, name, known_paths):
    """site.addpackage without running anything: the .pth file's path lines are added to sys.path
    exactly as site does; its `import` lines are counted, never run."""
    import site

    reset = known_paths is None
    if reset:
        known_paths = site._init_pathinfo()
    fullname = os.path.join(sitedir, name)
    try:
        st = os.lstat(fullname)
    except (IOError, OSError):
        return None if reset else known_paths
    hidden = (getattr(st, "st_flags", 0) & getattr(stat, "UF_HIDDEN", 0)) or (
        getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)
    )
    if hidden:
        return None if reset else known_paths
    try:
        data = read_bounded(fullname, SIDE_LIMIT)[0]  # noqa: F821 (from _scan.py)
    except Refused as exc:  # noqa: F821 (from _scan.py)
        PROBLEMS.append([fullname, "%s (a .pth file)" % exc])
        return None if reset else known_paths
    except (IOError, OSError):
        return None if reset else known_paths
    if sys.version_info[0] >= 3:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            import locale

            text = data.decode(locale.getpreferredencoding(False), "replace")
    else:
        text = data
    added = []
    moves_eggs = False
    for line in text.splitlines():
        # A blank line names sitedir itself, as in site up to 3.12: Python 2's addsitedir does not
        # count sitedir as known, so there it is added twice.
        if line.startswith("#"):
            continue
        if line.startswith(("import ", "import\t")):
            moves_eggs = moves_eggs or "__egginsert" in line
            continue
        try:
            path, case = site.makepath(sitedir, line.rstrip())
            if case not in known_paths and os.path.exists(path):
                sys.path.append(path)
                known_paths.add(case)
                added.append(path)
        except Exception:
            break  # as site does: the rest of the file is ignored
    if moves_eggs and added:
        del sys.path[len(sys.path) - len(added) :]
        at = _EGG_INSERT[0]
        sys.path[at:at] = added
        _EGG_INSERT[0] = at + len(added)
    return None if reset else known_paths


def _import_site():
    """The interpreter's own site module, without running its main()."""
    if sys.version_info[0] >= 3:
        import site  # with -S, importing site does not run site.main()

        return site
    # Python 2's site.py calls main() when imported, -S or not: run its source without that call.
    import imp
    import re

    handle, path, _ = imp.find_module("site")
    try:
        source = handle.read()
    finally:
        handle.close()
    module = imp.new_module("site")
    module.__file__ = path
    exec(compile(re.sub(r"(?m)^main\(\)[ \t]*$", "pass", source), path, "exec"), module.__dict__)
    sys.modules["site"] = module
    return module


def _user_cwd():
    for arg in sys.argv[1:]:
        if arg.startswith("--cwd="):
            return arg[len("--cwd=") :]
    return os.getcwd()


def _emulate_site():
    """sys.path as the interpreter computes it when the user runs it: PYTHONPATH first, then
    site's directories (venv, user site, site-packages) with their .pth path lines."""
    site = _import_site()  # before PYTHONPATH is on sys.path: a site.py there must not be found
    first = 1 if sys.path and sys.path[0] == "" else 0  # -c without -I: "" (the empty folder) first
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    cwd = _user_cwd()
    sys.path[first:first] = [os.path.join(cwd, p) for p in extra]
    _EGG_INSERT[0] = 0
    site.addpackage = _pth_as_data
    site.execsitecustomize = _nothing
    site.execusercustomize = _nothing
    if getattr(site, "ENABLE_USER_SITE", None) is None:
        site.ENABLE_USER_SITE = _user_site_allowed()
    site.main()


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


def _install_paths():
    """Where installers put packages (sysconfig's purelib / platlib), after site set sys.prefix."""
    try:
        import sysconfig

        # sysconfig read sys.prefix when imported, before site set it in a venv: say it again.
        paths = sysconfig.get_paths(vars={"base": sys.prefix, "platbase": sys.exec_prefix})
        return {"purelib": paths.get("purelib"), "platlib": paths.get("platlib")}
    except Exception:
        return {}


def main():
    # Modules imported while site computes sys.path are imported first, from the standard library
    # alone: locale (_pth_as_data), sysconfig and its _sysconfigdata (site's getuserbase up to 3.6).
    # Then sys.path goes back to what it was: the computed one is data, nothing is imported from it.
    import locale  # noqa: F401
    import sysconfig

    try:
        sysconfig.get_config_vars()
    except Exception:
        pass
    stdlib_path = list(sys.path)
    try:
        _emulate_site()
    except Exception as exc:  # facts without site's directories beat no facts
        PROBLEMS.append(["site-packages", "could not compute sys.path as site does: %r" % (exc,)])
    computed = list(sys.path)
    sys.path[:] = stdlib_path
    import platform

    user_site, user_enabled, site_packages = _site_facts()
    impl = getattr(sys, "implementation", None)
    base_prefix = getattr(sys, "base_prefix", None) or getattr(sys, "real_prefix", None) or sys.prefix
    here = os.getcwd()
    # The `-c` entry (the empty folder the probe runs in, "" before site made it absolute) is not
    # part of the environment; easy-install.pth may have put eggs before it.
    path = [p for p in computed if p not in ("", here)]
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
        "skipped": PROBLEMS,
    }
    facts.update(_install_paths())
    # The facts first, at once: envdoctor may answer from its cache and stop here.
    sys.stdout.write(MARKER + json.dumps(facts) + "\n")
    sys.stdout.flush()
    if "--scan" in sys.argv[1:]:
        records, unlisted = scan_entries(path)  # noqa: F821 (defined by _scan.py, sent first)
        sys.stdout.write(SCAN_MARKER + json.dumps({"records": records, "unlisted": unlisted}) + "\n")


main()
