"""Two installers in one environment: pip over conda's (or the OS's) packages.

conda and pip keep separate records of what they installed; when pip replaces a package conda put
there (or the same package appears twice, once per installer), neither knows the other's files,
and the environment ends up with pieces of two builds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.explain.model import Evidence
from envdoctor.explain.paths import classify_prefix
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule

MIXED = "mixed-pip-conda"


_CONDA_KINDS = ("conda-env", "conda-base")  # paths.classify_prefix's kinds of a conda installation


def _in_conda(ctx: RuleContext) -> bool:
    facts = ctx.facts
    if any(p.kind in _CONDA_KINDS for p in facts.paths):
        return True
    if ctx.target is not None and ctx.target.is_conda:
        return True
    text = " ".join(line.lower() for _n, line in ctx.lines[:400])
    return "environment.yml" in text or "conda activate" in text or "conda env" in text or "conda list" in text


# one project under its conda name and its PyPI name (both import as one module)
_CONDA_NAME = {
    "opencv-python": "opencv",
    "opencv-python-headless": "opencv",
    "opencv-contrib-python": "opencv",
    "py-opencv": "opencv",
    "libopencv": "opencv",
    "torch": "pytorch",
    "tables": "pytables",
    "msgpack": "msgpack-python",
}


@cause_rule("installs/one-package-two-installers", MIXED)
def one_package_two_installers(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `conda list` shows one package twice, once installed by pip (channel `<pip>` / `pypi`)
    and once as a conda build, under one name or under its two names (`opencv` from conda-forge and
    `opencv-python` from pypi, `pytorch` and `torch`).
    Why: each installer tracks only its own copy; the files on disk are whichever wrote last, so
    imports mix two builds and neither installer can remove its copy cleanly.
    Example: `pip  18.1  <pip>` next to `pip  18.1  py36_0`."""
    rows: dict[str, list[tuple[str, int, str]]] = {}
    for name, _version, where, line, text in ctx.facts.listed:
        rows.setdefault(_CONDA_NAME.get(name, name), []).append((where.lower(), line, text))
    for name, seen in rows.items():
        by_pip = [r for r in seen if "<pip>" in r[0] or "pypi" in r[0]]
        by_conda = [r for r in seen if r not in by_pip and r[0]]
        if by_pip and by_conda:
            why = f"{name} is installed twice, by pip and by conda"
            evidence = [
                Evidence(by_pip[0][1], by_pip[0][2], "mixed/two-rows"),
                Evidence(by_conda[0][1], by_conda[0][2], "mixed/two-rows"),
            ]
            pip_name = by_pip[0][2].split()[0]
            fix = f"pip uninstall {pip_name}, then conda install --force-reinstall {name}"
            yield Verdict(MIXED, 0.9, why, evidence, fix=fix)
            return


@cause_rule("installs/pip-replaced-a-conda-package", MIXED)
def pip_replaced_a_conda_package(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip uninstalled a package to put another version in its place ("Found existing
    installation: torch 1.11.0" / "Attempting uninstall: numpy") inside a conda environment, and
    the log then fails (or says it broke).
    Why: conda installed that package (with its own builds of the libraries it links); pip's
    replacement is a different build conda does not know about, which is how a conda environment
    is broken by a `pip install`. Without a failure after it, it stays a candidate.
    Example: `(env) $ pip install -e .` ... `Found existing installation: torch 1.11.0` then
    `OSError: libtorch_cuda_cu.so: cannot open shared object file`."""
    replaced = ctx.facts.replaced
    if not replaced or not _in_conda(ctx):
        return
    if any(c != MIXED and s.score >= 0.8 for c, s in ctx.signals.items()):
        return  # another cause is named outright
    first = replaced[0]
    failed_after = any(e.line > first.line for e in ctx.facts.errors) or any(
        "break" in line.lower() or "broke" in line.lower() for _n, line in ctx.lines
    )
    weight = 0.8 if failed_after else 0.55
    why = f"pip replaced {first.value} in a conda environment" + (", and the environment broke" if failed_after else "")
    fix = (
        f"reinstall {first.value} with conda (conda install --force-reinstall {first.value}); "
        "install with pip only what conda does not provide"
    )
    yield Verdict(MIXED, weight, why, [first.evidence("fact/replaced")], fix=fix)


_CONDA_ADDS = re.compile(r"\b(?:conda|mamba|micromamba)\s+(?:install|update)\b(?P<args>[^\n#|&;]*)")
_CONDA_REMOVES = re.compile(r"\b(?:conda|mamba|micromamba)\s+(?:uninstall|remove)\b(?P<args>[^\n#|&;]*)")
_PIP_ADDS = re.compile(r"\bpip3?\s+install\b(?P<args>[^\n#|&;]*)")
_PIP_REMOVES = re.compile(r"\bpip3?\s+uninstall\b(?P<args>[^\n#|&;]*)")
_ARG_NAME = re.compile(r"^[A-Za-z][\w.-]*$")
_VALUE_OPTIONS = ("-c", "--channel", "-n", "--name", "-p", "--prefix", "-r", "--requirement")
# names every environment's two installers both touch without mixing anything
_INSTALLER_NAMES = frozenset({"pip", "python", "setuptools", "wheel", "conda"})


def _command_packages(pattern: re.Pattern[str], ctx: RuleContext) -> dict[str, tuple[int, str]]:
    """package -> the first line whose command names it (a bare name, a version spec dropped)."""
    named: dict[str, tuple[int, str]] = {}
    for number, line in ctx.lines:
        for match in pattern.finditer(line):
            words = match.group("args").split()
            for i, word in enumerate(words):
                if word.startswith("-") or (i and words[i - 1] in _VALUE_OPTIONS):
                    continue
                bare = re.split(r"[=<>!~\[]", word.strip("\"'`"), maxsplit=1)[0]
                if _ARG_NAME.match(bare):
                    named.setdefault(bare.lower().replace("_", "-"), (number, line))
    return named


@cause_rule("installs/one-installer-removes-the-others-package", MIXED)
def one_installer_removes_the_others_package(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log installs a package with one installer and removes it with the other (`conda
    install X` and `pip uninstall X`, or `pip install X` and `conda uninstall X`), and then fails.
    Why: conda removes only the files of its own manifest and pip only those of its RECORD; a
    package one installed and the other removed leaves files and metadata behind (a half-removed
    dist-info, pieces of two builds), which is what the failure that follows reads.
    Example: `conda install -c conda-forge pynvml`, `pip uninstall -y pynvml`, `pip install pynvml`,
    `conda uninstall -y pynvml`, then `WARNING: No metadata found in .../site-packages`."""
    if not ctx.facts.errors or ctx.concluded(MIXED):
        return
    if any(c != MIXED and s.score >= 0.8 for c, s in ctx.signals.items()):
        return  # another cause is named outright
    pairs = (
        (_command_packages(_CONDA_ADDS, ctx), _command_packages(_PIP_REMOVES, ctx)),
        (_command_packages(_PIP_ADDS, ctx), _command_packages(_CONDA_REMOVES, ctx)),
    )
    for added, removed in pairs:
        both = [name for name in added if name in removed and name not in _INSTALLER_NAMES]
        if not both:
            continue
        name = both[0]
        evidence = [
            Evidence(added[name][0], added[name][1], "fact/command"),
            Evidence(removed[name][0], removed[name][1], "fact/command"),
        ]
        why = f"{name} was installed by one installer and removed by the other in one environment"
        fix = f"pip uninstall {name}, then conda install --force-reinstall {name} (one installer per package)"
        yield Verdict(MIXED, 0.8, why, evidence, fix=fix)
        return


_NOT_IN_THE_ENVIRONMENT = re.compile(r"packages are missing from the target environment", re.IGNORECASE)
# a `conda list` row of a package pip installed: `pandas  2.2.2  pypi_0  pypi`
_PYPI_ROW = re.compile(r"^\s*[A-Za-z][\w.-]*\s+\S+\s+pypi_0\s+pypi\s*$")


@cause_rule("installs/conda-cannot-remove-what-pip-installed", MIXED)
def conda_cannot_remove_what_pip_installed(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `conda uninstall X` answers "PackagesNotFoundError: The following packages are missing
    from the target environment", while `conda list` in the same environment shows packages pip
    installed (`pypi_0  pypi` rows).
    Why: conda removes only what its own records hold; a package pip put into the environment is
    not among them, so conda cannot see it while Python imports it, and a second copy (conda's and
    pip's) is the usual end. pip uninstalls what pip installed.
    Example: `conda uninstall pandas=2.2.2` -> PackagesNotFoundError, `conda list pandas` ->
    `geopandas 0.14.3 pypi_0 pypi`."""
    removes = _command_packages(_CONDA_REMOVES, ctx)
    if not removes:
        return
    first = min(line for line, _text in removes.values())
    missing = next(((n, t) for n, t in ctx.lines if n > first and _NOT_IN_THE_ENVIRONMENT.search(t)), None)
    pypi = next(((n, t) for n, t in ctx.lines if _PYPI_ROW.match(t)), None)
    if missing is None or pypi is None:
        return
    name = next(iter(removes))
    why = f"conda cannot remove {name}: pip installed packages into this conda environment, outside conda's records"
    evidence = [Evidence(*missing, "fact/error"), Evidence(*pypi, "fact/conda-list")]
    yield Verdict(MIXED, 0.85, why, evidence, fix=f"pip uninstall {name}, then conda install {name} (one installer)")


# pip run on the `conda` package itself, as a command or in the user's words ("pip update conda",
# "I updated conda via pip"): PyPI's conda replaces the installer's own files
_PIP_TOUCHES_CONDA = re.compile(
    r"\bpip3?\s+(?:install|update|upgrade)\s+(?:-\S+\s+)*conda\b(?![-.\w])"
    r"|\b(?:updated|upgraded|installed|reinstalled)\s+conda\s+(?:via|with|using|by)\s+pip\b",
    re.IGNORECASE,
)
_CONDA_OWN_FRAME = re.compile(
    r"[\\/](?:bin|Scripts)[\\/]conda(?:-script\.py|\.exe)?$|[\\/]site-packages[\\/]conda[\\/]"
)
_CONDA_ENV_SAID = re.compile(r"\bconda (?:env(?:ironment)?|prompt|create)\b", re.IGNORECASE)
_CONDA_SAID_BROKEN = re.compile(
    r"\bconda\b[^\n]{0,30}\b(?:is|became|got|now|was)\b[^\n]{0,20}\b(?:broken|useless|corrupted|unusable)\b"
    r"|\b(?:broke|broken|corrupted)\b[^\n]{0,20}\bconda\b(?! install)",
    re.IGNORECASE,
)


@cause_rule("installs/pip-broke-conda-itself", MIXED)
def pip_broke_conda_itself(ctx: RuleContext) -> Iterator[Verdict]:
    """What: after a `pip install` in a conda environment, conda itself fails (a traceback through
    conda's own script or package) or the user says conda broke.
    Why: pip does not know which files are conda's; a pip package that depends on `conda`, or
    upgrades what conda imports (requests, ruamel, a 2to3-era package over its modules), replaces
    conda's own files, so the installer itself no longer runs.
    pip run on the `conda` package itself counts too, in the user's words ("pip update conda").
    Example: `pip install featuretools` then `$ conda` -> `File "/opt/conda/envs/x/bin/conda"` ...
    `ImportError: No module named conda.cli`."""
    if ctx.concluded(MIXED) or any(c != MIXED and s.score >= 0.8 for c, s in ctx.signals.items()):
        return
    pip_line = next(((n, t) for n, t in ctx.lines if _PIP_ADDS.search(t) or _PIP_TOUCHES_CONDA.search(t)), None)
    if pip_line is None:
        return
    frame = next((f for f in ctx.facts.frames if f.line > pip_line[0] and _CONDA_OWN_FRAME.search(f.value)), None)
    if frame is None and not (_in_conda(ctx) or any(_CONDA_ENV_SAID.search(t) for _n, t in ctx.lines)):
        return  # (conda's own frame is a conda installation by itself)
    if frame is not None:
        broke = frame.evidence("fact/frame")
    else:
        said = next(((n, t) for n, t in ctx.lines if _CONDA_SAID_BROKEN.search(t)), None)
        if said is None:
            return
        broke = Evidence(said[0], said[1], "fact/said")
    why = "conda itself fails after pip installed into its environment: pip replaced files conda runs on"
    fix = (
        "repair conda's own packages (conda install --force-reinstall conda), then install the pip "
        "package's dependencies with conda first"
    )
    yield Verdict(MIXED, 0.85, why, [Evidence(pip_line[0], pip_line[1], "fact/command"), broke], fix=fix)


# a distribution's metadata pip cannot read: the METADATA file of its dist-info is gone
# ("No such file or directory: '.../pandas-0.25.1.dist-info/METADATA'"), or pip's own warning
_METADATA_MISSING = re.compile(
    r"no such file or directory: ['\"](?P<path>[^'\"]{1,400}?)[\\/][\w.+-]+\.dist-info[\\/]metadata['\"]"
    r"|\bno metadata found in (?P<site>\S{1,400})",
    re.IGNORECASE,
)


@cause_rule("installs/conda-package-without-pip-metadata", MIXED)
def conda_package_without_pip_metadata(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip fails reading a package's metadata in a conda environment: a dist-info without its
    METADATA file (`No such file or directory: '.../anaconda3/.../pandas-0.25.1.dist-info/METADATA'`),
    or pip's "No metadata found in <conda site-packages>".
    Why: a dist-info is whole when one installer wrote it. Where conda and pip both installed or
    removed one package, each removes only its own files: conda leaves pip's files, pip leaves
    conda's, and a dist-info without METADATA is what remains. Outside conda the same message is a
    broken copy with no second installer to name, and this rule is silent.
    Example: `Could not install packages due to an EnvironmentError: [Errno 2] No such file or
    directory: '/Users/u/anaconda3/lib/python3.7/site-packages/pandas-0.25.1.dist-info/METADATA'`."""
    if ctx.concluded(MIXED):
        return
    for number, line in ctx.lines:
        if "metadata" not in line.lower():
            continue
        match = _METADATA_MISSING.search(line)
        where = (match.group("path") or match.group("site")).strip("'\".,") if match else ""
        if not where or classify_prefix(where) not in _CONDA_KINDS:
            continue
        why = f"a package's dist-info in the conda environment {where} has lost its METADATA"
        fix = (
            "find the package whose dist-info lacks METADATA, remove that dist-info folder, then reinstall "
            "the package with the installer that manages it (conda install --force-reinstall <package>)"
        )
        yield Verdict(MIXED, 0.85, why, [Evidence(number, line, "fact/metadata-missing")], fix=fix)
        return


# numpy's own check at import: files of an older numpy left in the folder it imports from
_OLDER_NUMPY_LEFT = re.compile(
    r"detected an older version of numpy in \[['\"](?P<path>[^'\"]{1,400})['\"]", re.IGNORECASE
)


@cause_rule("installs/older-numpy-files-in-a-conda-env", MIXED)
def older_numpy_files_in_a_conda_env(ctx: RuleContext) -> Iterator[Verdict]:
    """What: numpy's "Something is wrong with the numpy installation. While importing we detected an
    older version of numpy in ['.../envs/x/lib/python3.6/site-packages/numpy']" in a conda
    environment.
    Why: numpy finds files of another numpy release in its own folder: a second installer wrote its
    numpy over the first one's without removing it (pip over conda's numpy, or conda over pip's),
    since neither removes the other's files. Outside conda this rule is silent (one installer can
    leave files behind too, from a broken upgrade).
    Example: `ImportError: Something is wrong with the numpy installation. While importing we detected
    an older version of numpy in ['/home/u/miniconda2/envs/sunbeam/lib/python3.6/site-packages/numpy']`."""
    if ctx.concluded(MIXED):
        return
    for number, line in ctx.lines:
        match = _OLDER_NUMPY_LEFT.search(line) if "older version of numpy" in line.lower() else None
        if match is None or classify_prefix(match.group("path")) not in _CONDA_KINDS:
            continue
        why = f"two numpy releases share {match.group('path')}: one installer wrote over the other's numpy"
        fix = (
            "pip uninstall -y numpy (repeat until none is left), then conda install --force-reinstall numpy "
            "(one installer for numpy)"
        )
        yield Verdict(MIXED, 0.85, why, [Evidence(number, line, "fact/two-numpys")], fix=fix)
        return


_INDEX_HASH = re.compile(r"#sha256=(?P<hash>[0-9a-f]{64})", re.IGNORECASE)
_EXPECTED_HASH = re.compile(r"\bexpected sha256 (?P<hash>[0-9a-f]{64})", re.IGNORECASE)


@cause_rule("installs/download-differs-from-the-index-hash", "network-or-index")
def download_differs_from_the_index_hash(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "THESE PACKAGES DO NOT MATCH THE HASHES", where the hash it expected is the one
    the index published in the file's URL (`...whl#sha256=<h>`, `Expected sha256 <h>`).
    Why: the index's own hash was not met, so the bytes changed on the way (a download broken off
    or altered by a proxy, a corrupt cache), not a stale hash pinned in a requirements file (that
    one would differ from the URL's).
    Example: `tensorflow from https://www.piwheels.org/.../tensorflow-1.14.0-cp35-none-linux_armv7l.whl#sha256=cba2...`
    then `Expected sha256 cba2...` / `Got 6d70...`."""
    expected = [(n, t, m.group("hash").lower()) for n, t in ctx.lines if (m := _EXPECTED_HASH.search(t))]
    if not expected:
        return
    published = {m.group("hash").lower(): (n, t) for n, t in ctx.lines for m in _INDEX_HASH.finditer(t)}
    for number, line, digest in expected:
        if digest in published:
            evidence = [Evidence(*published[digest], "fact/index-hash"), Evidence(number, line, "fact/hash")]
            why = "the downloaded file does not match the hash the index published for it: the download was corrupted"
            fix = "retry with a clean cache (pip install --no-cache-dir ...), or download the file and install it"
            yield Verdict("network-or-index", 0.85, why, evidence, fix=fix)
            return


# the Anaconda distribution's own base (not Miniconda / Miniforge, whose base holds conda alone)
_ANACONDA_BASE = re.compile(r"(?:^|[\\/])anaconda\d?$", re.IGNORECASE)
_ABI_KEYS = frozenset({"numpy-abi/banner", "numpy-abi/banner-advice", "numpy-abi/banner-expectation"})


@cause_rule("installs/abi-clash-in-the-anaconda-distribution", MIXED, "numpy-abi")
def abi_clash_in_the_anaconda_distribution(ctx: RuleContext) -> Iterator[Verdict]:
    """What: NumPy's 1.x / 2.x ABI banner, raised by code in the Anaconda distribution's base
    installation (`C:\\Users\\me\\anaconda3\\Lib\\site-packages\\...`), and no user site in the log.
    Why: the distribution ships NumPy and its hundreds of compiled packages as one conda build set,
    and conda's solver keeps every package's NumPy pin: a module built for NumPy 1.x meeting
    NumPy 2 there means pip installed one of them (NumPy, or a package pulling it: opencv,
    tensorflow). Pinning NumPy with pip again mixes the two further; the fix is conda's own NumPy
    (and the pip-installed package from conda, or a separate env). A user-site copy of NumPy
    (AppData\\Roaming\\Python, ~/.local) is the leak, read elsewhere.
    Example: the NumPy banner under `C:\\Users\\Hp\\anaconda3\\Lib\\site-packages\\spyder\\...`."""
    signal = ctx.signals.get("numpy-abi")
    if signal is None or not set(signal.ids) & _ABI_KEYS:
        return
    kinds = {p.kind for p in ctx.facts.paths}
    base = next((p for p in ctx.facts.paths if p.kind == "conda-base" and _ANACONDA_BASE.search(p.prefix)), None)
    if base is None or "user" in kinds or "conda-env" in kinds or "venv" in kinds:
        return
    why = (
        f"the NumPy ABI clash is inside the Anaconda distribution ({base.prefix}), whose conda builds never mix "
        "NumPy ABIs: pip put one side there"
    )
    evidence = [*ctx.evidence("numpy-abi")[:1], Evidence(base.line, base.text, "fact/install")]
    fix = (
        'conda install "numpy<2" (conda\'s own build), and install the pip-added package with conda too '
        "(or in a new conda env)"
    )
    yield Verdict(MIXED, 0.88, why, evidence, demotes=("numpy-abi",), fix=fix)


@cause_rule("installs/one-project-under-two-names", MIXED)
def one_project_under_two_names(ctx: RuleContext) -> Iterator[Verdict]:
    """What: one package list (`pip list`, `pip freeze`, `conda list`) shows one project twice,
    under two spellings of its name at two versions (`ruamel-yaml 0.15.46` and `ruamel.yaml 0.16.5`).
    Why: the spellings normalise to one name (PEP 503), so one installer would have replaced its own
    copy; two records side by side are two installers' (conda's build, or a distutils / OS
    package, and pip's), each with its own files, and imports load a mixture of them.
    Example: `pip list | grep ruamel` -> `ruamel-yaml 0.15.46` / `ruamel.yaml 0.16.5`."""
    if any(c != MIXED and s.score >= 0.8 for c, s in ctx.signals.items()):
        return
    rows: dict[str, list[tuple[str, int, str]]] = {}
    for name, version, _where, line, text in ctx.facts.listed:
        rows.setdefault(name, []).append((version, line, text))
    for name, seen in rows.items():
        spelled = {text.split()[0] for _v, _l, text in seen if text.split()}
        if len(spelled) < 2 or len({v for v, _l, _t in seen}) < 2:
            continue
        first, second = seen[0], next(r for r in seen[1:] if r[2].split()[0] != seen[0][2].split()[0])
        why = f"{name} is listed twice, as {' and '.join(sorted(spelled))}: two installers' copies of one project"
        evidence = [Evidence(first[1], first[2], "mixed/two-names"), Evidence(second[1], second[2], "mixed/two-names")]
        fix = (
            f"remove both copies (pip uninstall {name}; conda remove --force {name} if conda lists it), then "
            f"install {name} once, with the installer that manages this environment"
        )
        yield Verdict(MIXED, 0.85, why, evidence, fix=fix)
        return


_RUAMEL_MISSING = re.compile(
    r"no module named ['\"]?ruamel(?:\.yaml)?['\"]?|cannot (?:run|import)\W+(?:python -c\W+)?import ruamel\.yaml",
    re.IGNORECASE,
)
_CONDA_RUAMEL = re.compile(r"\bruamel_yaml\b|^\s*required-by:.*\bconda\b", re.IGNORECASE)


@cause_rule("installs/condas-ruamel-yaml-is-not-pips", MIXED)
def condas_ruamel_yaml_is_not_pips(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `ruamel.yaml` does not import (`No module named 'ruamel'`) in a conda installation,
    or where the log shows conda's own `ruamel_yaml` (`pip show` naming it, `Required-by: conda`).
    Why: Anaconda's `ruamel_yaml` package (the copy conda itself depends on) installs the module
    `ruamel_yaml`, but its name normalises to pip's `ruamel.yaml`: pip counts `ruamel.yaml` as
    installed ("Requirement already satisfied") while the `ruamel` package it needs is not there.
    Example: `/opt/conda/lib/python3.6/site-packages/bentoml/...` then
    `ModuleNotFoundError: No module named 'ruamel'`."""
    if any(c != MIXED and s.score >= 0.8 for c, s in ctx.signals.items()):
        return
    missing = next(((n, t) for n, t in ctx.lines if _RUAMEL_MISSING.search(t)), None)
    if missing is None:
        return
    condas = next(((n, t) for n, t in ctx.lines if _CONDA_RUAMEL.search(t)), None)
    if condas is None and not _in_conda(ctx):
        return
    evidence = [Evidence(missing[0], missing[1], "fact/error")]
    if condas is not None:
        evidence.append(Evidence(condas[0], condas[1], "fact/installed"))
    else:  # a conda prefix in the paths, or only conda's commands in the text
        install = next((p for p in ctx.facts.paths if p.kind in _CONDA_KINDS), None)
        if install is not None:
            evidence.append(Evidence(install.line, install.text, "fact/install"))
    why = (
        "conda's ruamel_yaml (which conda itself needs) stands for pip's ruamel.yaml under one normalised "
        "name, without the ruamel package that ruamel.yaml code imports"
    )
    fix = "conda install ruamel.yaml (conda's build of the same project), instead of pip's"
    yield Verdict(MIXED, 0.85, why, evidence, fix=fix)


# auditwheel's vendored copy of a library: its name with 8 hex digits of its hash (libopenblasp-r0-39a31c03.2.18.so)
_VENDORED_LIBRARY = re.compile(
    r"\b(?P<lib>lib[\w.+-]*?-[0-9a-f]{8}(?:\.[\w.]+)?\.so[\w.]*): cannot open shared object file"
)
_SITE_PACKAGE = re.compile(r"[\\/](?:site|dist)-packages[\\/](?P<package>[A-Za-z_][\w]*)[\\/]")


@cause_rule("installs/a-wheels-vendored-library-in-a-conda-env", MIXED)
def a_wheels_vendored_library_in_a_conda_env(ctx: RuleContext) -> Iterator[Verdict]:
    """What: in a conda environment, an extension cannot load a library whose name carries a hash
    (`libopenblasp-r0-39a31c03.2.18.so: cannot open shared object file`).
    Why: only a pip wheel links such names: auditwheel copies the libraries a wheel needs into it
    under hashed names. A conda build links conda's shared libraries instead, so a package in a
    conda environment asking for one runs pip's files, whose vendored library is gone (replaced or
    removed by conda, or overwritten through conda's hard-linked package cache).
    Example: `/anaconda/envs/np-test/.../numpy/core/__init__.py` then
    `ImportError: libopenblasp-r0-39a31c03.2.18.so: cannot open shared object file`."""
    if any(c != MIXED and s.score >= 0.8 for c, s in ctx.signals.items()) or not _in_conda(ctx):
        return
    found = next(((n, t, m) for n, t in ctx.lines if (m := _VENDORED_LIBRARY.search(t))), None)
    if found is None:
        return
    number, line, match = found
    package = next((m.group("package") for f in ctx.facts.frames if (m := _SITE_PACKAGE.search(f.value))), "")
    why = (
        f"{match.group('lib')} is a pip wheel's vendored library (auditwheel's hashed name) asked for inside a "
        "conda environment: pip's files of a conda-managed package"
    )
    fix = (
        f"reinstall {package} with conda (pip uninstall {package}, then conda install --force-reinstall {package}); "
        "never pip install --ignore-installed over conda's packages"
        if package
        else "reinstall the failing package with conda, and install with pip only what conda does not provide"
    )
    yield Verdict(MIXED, 0.85, why, [Evidence(number, line, "fact/library")], fix=fix)
