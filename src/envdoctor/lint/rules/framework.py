"""File rules (lint) about the framework entries: Python pin, removed packages, caps, Windows GPU,
unpinned frameworks."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from envdoctor import frameworks
from envdoctor.knowledge import view as kbview
from envdoctor.lint.context import CUDA_CONDA_PACKAGES, FileContext
from envdoctor.lint.files import Entry
from envdoctor.model import Finding, Severity
from envdoctor.rules._registry import rule
from envdoctor.versions import admits_outside, overlap

_PYTHONS = tuple(f"3.{m}" for m in range(6, 16))


def _span(pythons: list[str]) -> str:
    return pythons[0] if len(pythons) == 1 else f"{pythons[0]}–{pythons[-1]}" if pythons else "none"


def _allowed_pythons(spec: SpecifierSet) -> list[str]:
    result = []
    for minor in _PYTHONS:
        if any(spec.contains(Version(f"{minor}.{patch}")) for patch in range(0, 25)):
            result.append(minor)
    return result


@rule(
    "ED501",
    "lint-python-no-build",
    title="The file's Python has no build of the framework it asks for",
    severity=Severity.ERROR,
    cause="python-unsupported",
    scope="file",
)
def python_no_build(fctx: FileContext) -> Iterator[Finding]:
    """What:
    The file pins a Python (conda `python=3.12`, `requires-python`) for which none of the
    framework releases the file allows has a wheel on the target platform.
    Why:
    pip then fails with "No matching distribution found", conda with an unsatisfiable error.
    Example:
    `python=3.12` with `tensorflow==2.13.*` (TensorFlow 2.13 has builds for Python 3.8–3.11).
    Fix:
    Use a Python the release supports, or a release that supports the Python.
    """

    if fctx.file.python is None or fctx.file.python.specifier is None:
        return
    wanted = _allowed_pythons(fctx.file.python.specifier)
    if not wanted:
        return
    for family, entry in fctx.frameworks.items():
        versions = fctx.framework_versions(family, entry)
        if not versions:
            continue
        package = fctx.package(family)
        builds: set[str] = set()
        for version in versions:
            builds.update(kbview.pythons(fctx.kb, package, version, fctx.platform))
        if not builds or builds & set(wanted):
            continue
        pys = sorted(builds, key=kbview.python_key)
        supporting = [
            v
            for v in kbview.releases(fctx.kb, package)
            if not v.is_prerelease and set(wanted) & set(kbview.pythons(fctx.kb, package, v, fctx.platform))
        ]
        options = [f"python={pys[-1]}"]
        if supporting:
            low = min(supporting)
            options.append(f"{package}>={low.major}.{low.minor}")
        python = fctx.file.python
        yield python_no_build.finding(
            f"{entry.text} has builds for Python {_span(pys)} on {fctx.platform}; "
            f"the file asks for Python {python.text.split('python')[-1].strip(' =') or python.text}",
            evidence=[python.evidence, entry.evidence],
            location=fctx.location(entry),
            fix=f"use {' or '.join(options)}",
            subject=family,
        )


@rule(
    "ED502",
    "lint-removed-package",
    title="The file asks for a removed package (tensorflow-gpu)",
    severity=Severity.ERROR,
    cause="package-removed",
    scope="file",
)
def removed_package(fctx: FileContext) -> Iterator[Finding]:
    """What:
    A dependency names a package that was removed or renamed, such as `tensorflow-gpu`.
    Why:
    tensorflow-gpu 2.12 and later is an sdist whose setup.py fails on purpose; older releases
    exist only for old Pythons.
    Example:
    `tensorflow-gpu==2.15` in requirements.txt.
    Fix:
    `tensorflow[and-cuda]` on Linux, `tensorflow` elsewhere.
    """

    for entry in fctx.file.entries:
        info = kbview.removed(fctx.kb, entry.name) if entry.name else None
        if info is None or (info.pypi_only and entry.kind == "conda"):
            continue  # conda's `pytorch` is the real package; only PyPI's is a placeholder
        since = Version(str(info.since))
        spec = entry.specifier if entry.specifier is not None else SpecifierSet()
        known = [v for v in kbview.releases(fctx.kb, entry.name) if spec.contains(v)]
        old_only = bool(known) and all(v < since for v in known)
        replacement = info.replacement if fctx.platform.startswith("linux") else info.replacement_non_linux
        version_part = str(spec) if str(spec) and not old_only else ""
        yield removed_package.finding(
            f"{entry.name} was removed (since {info.since}): {info.reason}",
            evidence=[entry.evidence],
            location=fctx.location(entry),
            fix=f"replace '{entry.text}' with '{replacement}{version_part}'",
            hints=[f"source: {info.source}"],
            severity=Severity.WARNING if old_only else None,
            subject=entry.name,
        )


@rule(
    "ED503",
    "lint-outside-caps",
    title="numpy / protobuf pinned outside the framework's caps",
    severity=Severity.ERROR,
    cause="numpy-abi",
    scope="file",
)
def outside_caps(fctx: FileContext) -> Iterator[Finding]:
    """What:
    The file pins NumPy, protobuf (or another package the knowledge base caps) to versions the
    framework release it allows cannot use, e.g. NumPy 2 with TensorFlow <= 2.17.
    Why:
    The framework is built against NumPy 1 / old generated protobuf code: it installs (metadata
    may admit it) and then fails at import.
    Example:
    `tensorflow==2.15.*` and `numpy>=2` in one environment.yml.
    Fix:
    Pin the package inside the cap (`numpy<2`), or allow a framework release built for it.
    """

    for family, fw in fctx.frameworks.items():
        versions = fctx.framework_versions(family, fw)
        if not versions:
            continue
        version = versions[0]  # what an installer picks
        package = fctx.package(family)
        for constraint in kbview.extra_constraints(fctx.kb, package, version):
            try:
                cap = Requirement(str(constraint.requirement))
            except InvalidRequirement:
                continue
            user = fctx.entry(cap.name.lower())
            if user is not None and user.specifier is not None:
                if overlap(user.specifier, cap.specifier):
                    continue
                yield outside_caps.finding(
                    f"{user.text} is outside what {package} {version} can use ({cap}): {constraint.reason}",
                    evidence=[user.evidence, fw.evidence],
                    location=fctx.location(user),
                    fix=f"replace '{user.text}' with '{cap}'",
                    hints=[f"source: {constraint.source}"],
                    cause=str(constraint.cause),
                    subject=cap.name,
                )
            elif user is None and cap.name in ("numpy", "protobuf"):
                meta = [r for r in kbview.requirements(fctx.kb, package, version) if r.name.lower() == cap.name]
                if meta and not any(admits_outside(r.specifier, cap.specifier) for r in meta):
                    continue
                yield outside_caps.finding(
                    f"{package} {version} needs {cap} but the file leaves {cap.name} free "
                    "and the package metadata does not cap it",
                    evidence=[fw.evidence],
                    location=fctx.location(fw),
                    fix=f"add '{cap}'",
                    hints=[str(constraint.reason), f"source: {constraint.source}"],
                    severity=Severity.WARNING,
                    cause=str(constraint.cause),
                    subject=cap.name,
                )


def _gpu_entries(fctx: FileContext) -> list[Entry]:
    found: list[Entry] = []
    for entry in fctx.file.entries:
        framework = frameworks.of_request(entry.name)
        variant = framework.variant(entry.name) if framework else None
        named = entry.name in CUDA_CONDA_PACKAGES or (variant is not None and variant.removed)  # tensorflow-gpu
        extra = any(frameworks.is_gpu_extra(e) for e in entry.extras)
        if named or extra or (entry.kind == "conda" and "cuda" in entry.build):
            found.append(entry)
    return found


@rule(
    "ED504",
    "lint-windows-gpu",
    title="GPU requested on native Windows where the framework has no GPU build",
    severity=Severity.ERROR,
    cause="platform-unsupported",
    scope="file",
)
def windows_gpu(fctx: FileContext) -> Iterator[Finding]:
    """What:
    The file asks for a GPU build (tensorflow[and-cuda], tensorflow-gpu, cudatoolkit/cudnn,
    jax[cuda12]) for native Windows, where TensorFlow's last GPU release was 2.10 and JAX has none.
    Why:
    The install succeeds on CPU only, or fails; the GPU is never used.
    Example:
    `tensorflow[and-cuda]` with `--platform windows-x86_64`.
    Fix:
    Use WSL2 (Linux) for the GPU, or tensorflow<2.11 with Python <= 3.10.
    """
    if not fctx.windows:
        return
    gpu = _gpu_entries(fctx)
    if not gpu:
        return
    for family, entry in fctx.frameworks.items():
        framework = frameworks.get(family)
        if framework is None:
            continue
        if framework.gpu_os.get("windows") == "":
            continue  # every release has a GPU build there
        versions = fctx.framework_versions(family, entry)
        if "windows" in framework.gpu_os and versions and framework.gpu_on("windows", versions[0]):
            continue
        gap = framework.gpu_gaps.get("windows")
        yield windows_gpu.finding(
            f"{entry.text}: {gap.reason if gap else 'no GPU build on native Windows'}",
            evidence=[entry.evidence] + [g.evidence for g in gpu if g is not entry],
            location=fctx.location(entry),
            fix=(gap.fix if gap and gap.fix else "use WSL2 (Linux) for the GPU"),
            hints=[gap.source] if gap and gap.source else [],
            subject=family,
        )


@rule(
    "ED505",
    "lint-unpinned-framework",
    title="The framework is not pinned",
    severity=Severity.WARNING,
    cause="dependency-version-mismatch",
    scope="file",
)
def unpinned_framework(fctx: FileContext) -> Iterator[Finding]:
    """What:
    A framework entry has no upper bound (`tensorflow`, `torch>=2`).
    Why:
    The next release may drop your Python, change the CUDA it needs, or move to Keras 3 / NumPy 2;
    the same file then builds a different environment tomorrow.
    Example:
    `- tensorflow` in environment.yml.
    Fix:
    Pin the release (`tensorflow==2.18.*`), or let `envdoctor plan` write a fully pinned file.
    """
    if fctx.file.kind == "pylock.toml":
        return
    for family, entry in fctx.frameworks.items():
        spec = entry.specifier
        if spec is None:
            continue
        if any(s.operator in ("==", "===", "~=", "<", "<=") for s in spec):
            continue
        versions = fctx.framework_versions(family, entry)
        newest = versions[0] if versions else None
        pin = f"{entry.name}=={newest.major}.{newest.minor}.*" if newest else f"{entry.name}==X.Y.*"
        if entry.kind == "conda" and newest:
            pin = f"{entry.name}={newest.major}.{newest.minor}"
        yield unpinned_framework.finding(
            f"{entry.text} is not pinned: the next release can change Python, CUDA and NumPy needs",
            evidence=[entry.evidence],
            location=fctx.location(entry),
            fix=f"pin it, e.g. '{pin}' (or: envdoctor plan {family} --write-env FILE)",
            subject=family,
        )
