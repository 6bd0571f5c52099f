"""Fixes: tailored to this machine when a Snapshot (and the knowledge base) is at hand, else taken
from what the log itself says (versions, package names, the conflicting pins), else generic.

if TYPE_CHECKING:
    from envdoctor.rules import Context

With a snapshot, the fix for a cause that `check` also sees is check's own remedy (the same rules
on the same snapshot: the same command, the same pins, root causes first), so explain, run, verify
and check never disagree. Commands the tailors below write themselves go through the same
installer-ownership model and renderer (envdoctor.owner / envdoctor.remedies): `uv pip install
--python ...` in a venv without pip, conda for what conda owns, never an install into an
externally managed interpreter. Without a snapshot there is no target to name: plain `pip install`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from envdoctor import remedies
from envdoctor.explain.causes import CAUSES
from envdoctor.explain.engine import Decision
from envdoctor.explain.facts import version_tuple
from envdoctor.knowledge.interface import EmptyKnowledge, KnowledgeSource
from envdoctor.knowledge.records import RemovedPackage
from envdoctor.model import Finding, Remedy, Severity, Snapshot

_FIRST_NUMPY2_CANDIDATES = {
    "tensorflow": ("2.16", "2.17", "2.18", "2.19", "2.20"),
    "torch": ("2.1", "2.2", "2.3", "2.4"),
}
_DISPLAY = {"tensorflow": "TensorFlow", "torch": "PyTorch", "jax": "JAX", "jaxlib": "jaxlib"}


# pip's install command as prose and commands write it (not a notebook's `%pip`, not uv's own `uv pip`)
_PIP_INSTALL = re.compile(
    r"(?<![%\w/\\.-])(?<!uv )(?:python3? -m |py -m )?pip3? install(?P<flags>(?: (?:-U|--upgrade|--ignore-installed"
    r"|--force-reinstall|--no-cache-dir))*)(?=[\s`'\"]|$)"
)
_UV_FLAG = {
    "-U": "-U",
    "--upgrade": "--upgrade",
    "--ignore-installed": "--reinstall",
    "--force-reinstall": "--reinstall",
    "--no-cache-dir": "--no-cache",
}
# causes whose fixes are about which pip runs (`python -m pip` instead of `pip`): no installer rewrite
ABOUT_WHICH_PIP = frozenset({"wrong-interpreter", "env-leakage"})


def for_installer(text: str, installer: str) -> str:
    """`text` with pip's install commands written for `installer`: `uv pip install` in a uv venv
    (which has no pip), `uv add` in a uv project (what its lock file keeps); pip's unchanged."""
    if installer not in ("uv", "uv-project"):
        return text

    def uv(match: re.Match[str]) -> str:
        flags = [_UV_FLAG[f] for f in match.group("flags").split()]
        verb = "uv add" if installer == "uv-project" else "uv pip install"
        return " ".join([verb, *dict.fromkeys(flags)])

    return _PIP_INSTALL.sub(uv, text)


class _Env:
    """Read-only helpers over an optional snapshot; the remedies it renders are kept in `made`."""

    def __init__(self, snapshot: Snapshot | None, kb: KnowledgeSource | None = None) -> None:
        self.snapshot = snapshot
        self.dists = {d.name.lower(): d for d in snapshot.distributions} if snapshot else {}
        self.conda = {r.name.lower(): r for r in snapshot.conda.records} if snapshot and snapshot.conda else {}
        self.made: list[Remedy] = []
        self._ctx: Context | None = None
        if snapshot is not None:
            from envdoctor.rules import Context  # lazy: explain runs without loading the check rules

            self._ctx = Context(snapshot, kb if kb is not None else EmptyKnowledge())

    def version(self, name: str) -> str | None:
        dist = self.dists.get(name)
        return dist.version if dist else None

    def _render(self, remedy: Remedy) -> str:
        self.made.append(remedy)
        return remedies.render(remedy) or remedy.steps[0].reason

    def pip(self, *requirements: str, options: tuple[str, ...] = (), index: tuple[str, ...] = ()) -> str:
        """Install into the target with the installer that owns it (pip or uv); plain pip without one."""
        if self._ctx is None:
            flags = [f"--{o}" for o in options]
            return shlex.join(["pip", "install", *flags, *index, *requirements])
        owner = self._ctx.owner
        if owner.frozen:
            return self._render(self._ctx.new_env(list(requirements), owner.frozen_reason()))
        step = remedies.install(owner, requirements, manager=owner.python_manager, options=options, index=index)
        return self._render(Remedy([step]))

    def install(self, package: str, *requirements: str) -> str:
        """With the manager that owns `package` (conda for what conda installed), else pip / uv."""
        if self._ctx is None:
            return self.pip(*requirements)
        return self._render(self._ctx.install(list(requirements), for_package=package))

    @property
    def os(self) -> str:
        return self.snapshot.machine.os if self.snapshot else ""


def _first_numpy2(kb: KnowledgeSource | None, family: str) -> str | None:
    if kb is None:
        return None
    for candidate in _FIRST_NUMPY2_CANDIDATES.get(family, ()):
        try:
            found = kb.numpy_abi(family, candidate + ".0")
        except Exception:  # the knowledge base is advisory here
            return None
        if found and found[0] == "2":
            return candidate
    return None


def _numpy_abi(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    fixes: list[str] = []
    numpy = env.version("numpy") or d.facts.get("numpy") or d.groups.get("numpy-abi", {}).get("numpy")
    for family in ("tensorflow", "torch"):
        version = env.version(family) or (d.facts.get(family) if not env.snapshot else None)
        if not version:
            continue
        abi = None
        if kb is not None:
            try:
                abi = kb.numpy_abi(family, version)
            except Exception:
                abi = None
        if abi and abi[0] == "1" and (not numpy or version_tuple(numpy) >= (2,)):
            newer = _first_numpy2(kb, family)
            have = f" and this environment has numpy {numpy}" if numpy else ""
            fix = f"{_DISPLAY[family]} {version} was built against NumPy 1.x{have}: {env.install('numpy', 'numpy<2')}"
            if newer:
                fix += f", or move to {_DISPLAY[family]} >= {newer}"
            fixes.append(fix)
    if not fixes and numpy and version_tuple(numpy) >= (2,):
        fixes.append(
            f"NumPy {numpy} is installed and a compiled module needs NumPy 1.x: "
            f"{env.install('numpy', 'numpy<2')}, or upgrade the module named in the traceback"
        )
    return fixes


def _protobuf(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    tf = env.version("tensorflow") or d.facts.get("tensorflow")
    if tf and kb is not None:
        try:
            extra = [c for c in kb.extra_constraints("tensorflow", tf) if c.cause == "protobuf-mismatch"]
        except Exception:
            extra = []
        if extra:
            have = env.version("protobuf")
            return [
                f"TensorFlow {tf} needs {extra[0].requirement}"
                + (f" and this environment has protobuf {have}" if have else "")
                + f": {env.install('protobuf', extra[0].requirement)}"
            ]
    have = env.version("protobuf")
    if have:
        return [
            f"protobuf {have} is installed: pin the range the failing package was generated for, e.g. "
            f"{env.install('protobuf', 'protobuf<=3.20.3')}"
        ]
    return []


def _keras(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    keras = env.version("keras")
    tf = env.version("tensorflow") or d.facts.get("tensorflow")
    if env.version("tf-keras"):
        return ["tf-keras is installed: set TF_USE_LEGACY_KERAS=1 before importing TensorFlow"]
    lead = "Keras 3 is installed" if keras and version_tuple(keras) >= (3,) else "TensorFlow >= 2.16 uses Keras 3"
    if tf and version_tuple(tf) >= (2, 16):
        lead = f"TensorFlow {tf} ships Keras 3" + (f" (keras {keras})" if keras else "")
    pin = f"tf-keras~={'.'.join(tf.split('.')[:2])}" if tf and version_tuple(tf) >= (2, 16) else "tf-keras"
    return [
        f"{lead}: {env.pip(pin)} and set TF_USE_LEGACY_KERAS=1 (or upgrade the library to a release "
        "that supports Keras 3)"
    ]


def _removed_named(d: Decision, kb: KnowledgeSource) -> RemovedPackage | None:
    """The removed package the decision is about: its signature's group, else the first request
    (then word of its evidence) the knowledge base lists as removed; tensorflow-gpu by default."""
    names = [d.groups.get("package-removed", {}).get("package", "")]
    names += [r.name for r in d.logfacts.requests]
    names += [w for e in d.evidence.get("package-removed", []) for w in re.findall(r"[A-Za-z][\w.-]*", e.text)]
    for name in [*names, "tensorflow-gpu"]:
        info = kb.removed(name) if name else None
        if info is not None:
            return info
    return None


def _removed(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    info = None
    if kb is not None:
        try:
            info = _removed_named(d, kb)
        except Exception:
            info = None
    os_name = env.os or d.facts.get("os", "")
    if info is not None:
        replacement = info.replacement if os_name in ("", "linux") else info.replacement_non_linux
        where = "" if os_name in ("", "linux") else f" (on {os_name}: no CUDA build)"
        if info.pypi_only:  # a placeholder name: every release of it fails, no "after"
            return [f"{info.package} on PyPI is a placeholder that fails on purpose: {env.pip(replacement)}"]
        return [f"{info.package} was removed after {info.since}: {env.pip(replacement)}{where}"]
    replacement = "tensorflow[and-cuda]" if os_name in ("", "linux") else "tensorflow"
    return [f"tensorflow-gpu was removed: {env.pip(replacement)}"]


def _python(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    fixes: list[str] = []
    python = env.snapshot.interpreter.minor if env.snapshot else d.facts.get("python")
    req = d.groups.get("python-unsupported", {}).get("req")
    newest = d.facts.get("newest_available")
    if req and newest:
        name = req.split("=")[0]
        fixes.append(
            f"The newest {name} pip can use here is {newest}: {env.pip(name + '==' + newest)}, "
            f"or create an environment with a Python that {req} supports"
        )
    package = (req or "tensorflow").split("=")[0].split("[")[0]
    platform = env.snapshot.machine.platform_key if env.snapshot else ""
    if kb is not None and python and platform and kb is not None:
        try:
            releases = kb.releases_for(package, python, platform)
        except Exception:
            releases = []
        if releases:
            newest_release = max(releases, key=lambda r: r.parsed_version)
            fixes.append(
                f"For Python {python} on {platform} the newest {package} is {newest_release.version}: "
                f"{env.pip(package + '==' + newest_release.version)}"
            )
        else:
            fixes.append(
                f"{package} has no release for Python {python} on {platform}: create an environment with "
                "a supported Python (conda create -n tf python=3.11, or uv venv --python 3.11)"
            )
    elif python and not fixes:
        fixes.append(
            f"Python {python}: create an environment with a Python the release supports "
            f"(e.g. uv venv --python 3.11 or conda create -n env python=3.11) and install there"
        )
    if env.snapshot and env.snapshot.interpreter.bits == 32:
        fixes.insert(0, "This is a 32-bit Python: frameworks publish 64-bit wheels only; install 64-bit Python")
    return fixes


def _driver(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    if not env.snapshot:
        return []
    gpu = env.snapshot.machine.gpu
    if gpu.driver_version:
        return [
            f"This machine's NVIDIA driver is {gpu.driver_version} (CUDA {gpu.cuda_driver_version or '?'} at most): "
            "update the driver, or install a framework build for CUDA <= "
            f"{gpu.cuda_driver_version or 'that version'}"
        ]
    return ["No NVIDIA driver was found on this machine: install the NVIDIA driver first"]


def _no_gpu(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    fixes: list[str] = []
    if env.snapshot:
        gpu = env.snapshot.machine.gpu
        if not gpu.gpus and not gpu.driver_version:
            fixes.append(
                "No NVIDIA GPU or driver is visible on this machine (nvidia-smi finds none): the framework "
                "cannot use a GPU here"
            )
        if gpu.cuda_visible_devices is not None and gpu.cuda_visible_devices.strip() in ("", "-1"):
            fixes.append(f"CUDA_VISIBLE_DEVICES={gpu.cuda_visible_devices!r} hides every GPU: unset it")
        torch = env.version("torch")
        if torch and "+cpu" in torch:
            fixes.append(
                f"torch {torch} is the CPU build: reinstall from the CUDA index, e.g. "
                f"{env.pip('torch', index=('--index-url', 'https://download.pytorch.org/whl/cu124'))}"
            )
        if env.version("jaxlib") and not any(n.startswith("jax-cuda") for n in env.dists):
            fixes.append(f"jaxlib has no CUDA plugin installed: {env.pip('jax[cuda12]')}")
        tf = env.version("tensorflow")
        if tf and env.os == "linux" and not any(n.startswith("nvidia-cudnn") for n in env.dists):
            fixes.append(f"TensorFlow {tf} without its CUDA wheels: {env.pip(f'tensorflow[and-cuda]=={tf}')}")
        elif env.version("tensorflow-cpu"):
            fixes.append(
                f"tensorflow-cpu {env.version('tensorflow-cpu')} is the CPU-only build: replace it (do not "
                "install tensorflow next to it: two TensorFlow distributions overwrite each other's files)"
            )
    return fixes


def _cuda_libs(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    lib = d.groups.get("cuda-libs-missing", {}).get("lib")
    tf = env.version("tensorflow") or d.facts.get("tensorflow")
    fixes = []
    if lib:
        fixes.append(
            f"{lib} is not on the library path"
            + (
                " (a CUDA 11 runtime library)"
                if ".so.11" in lib or "64_11" in lib
                else " (a CUDA 10 runtime library)"
                if ".so.10" in lib or "64_10" in lib
                else ""
            )
        )
    if tf and version_tuple(tf) >= (2, 14) and (env.os or d.facts.get("os", "linux")) == "linux":
        fixes.append(f"TensorFlow {tf} installs its CUDA libraries as wheels: {env.pip(f'tensorflow[and-cuda]=={tf}')}")
    return fixes


def _cuda_version(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    g = d.groups.get("cuda-version-mismatch", {})
    if g.get("have") and g.get("want"):
        return [
            f"cuDNN {g['have']} was loaded but the build needs {g['want']} (same major, equal or newer minor): "
            f"install cuDNN {g['want']} or newer of that major (pip install nvidia-cudnn-cu12 / conda install cudnn), "
            "and make sure an older copy is not found first on LD_LIBRARY_PATH"
        ]
    return []


def _glibc(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    need = d.groups.get("glibc-too-old", {}).get("glibc")
    have = env.snapshot.machine.libc_version if env.snapshot else d.facts.get("glibc")
    if need:
        return [
            f"The binary needs glibc {need}"
            + (f" and this system has {have}" if have else "")
            + ": install a release built for an older manylinux (or conda-forge), or run in a newer distribution"
        ]
    return []


def _cpu(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    if env.snapshot and env.snapshot.machine.cpu_flags:
        flags = set(env.snapshot.machine.cpu_flags)
        missing = [f for f in ("avx", "avx2", "fma") if f not in flags]
        if missing:
            return [
                f"This CPU ({env.snapshot.machine.cpu_model or 'unknown model'}) lacks {', '.join(missing)}: "
                "use a no-AVX build (conda-forge tensorflow, or an older release) or another machine"
            ]
    isa = d.groups.get("cpu-instructions", {}).get("isa")
    return [f"The binary needs {isa}, which this CPU lacks: use a build without {isa} or a newer CPU"] if isa else []


def _leak(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    fixes: list[str] = []
    if env.snapshot:
        it = env.snapshot.interpreter
        if it.user_site_enabled and it.user_site:
            fixes.append(
                f"The user site {it.user_site} is on sys.path: export PYTHONNOUSERSITE=1"
                + (" (conda env config vars set PYTHONNOUSERSITE=1)" if it.is_conda else "")
            )
        if it.env.get("PYTHONPATH"):
            fixes.append(f"PYTHONPATH={it.env['PYTHONPATH']} adds foreign packages: unset PYTHONPATH")
        shadowed = [dist.display_name or dist.name for dist in env.snapshot.distributions if dist.shadowed_by]
        if shadowed:
            fixes.append(f"Shadowed copies: {', '.join(shadowed[:5])} (run envdoctor check for details)")
    path = d.groups.get("env-leakage", {}).get("path")
    if path and not fixes:
        fixes.append(
            f"Packages are read from {path}: export PYTHONNOUSERSITE=1, or remove them with "
            "pip uninstall (outside the environment) / delete that folder"
        )
    return fixes


def _mixed(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    pkg = d.groups.get("mixed-pip-conda", {}).get("package")
    if not pkg:
        return []
    owner = "conda" if pkg.lower() in env.conda else "conda or the OS"
    return [
        f"{pkg} was installed by {owner}: let pip install over it with "
        f"{env.pip(pkg, options=('ignore-installed',))}, or update it with the manager that owns it "
        f"(conda install {pkg.lower()})"
    ]


def _solver(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    fixes = []
    for c in d.conflicts:
        if c.move:
            fixes.append(f"Move {c.move}: {c.reason}")
    return fixes


def _deps(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    g = d.groups.get("dependency-version-mismatch", {})
    if g.get("want"):
        return [
            f"jaxlib {g.get('have', '?')} is older than this jax needs ({g['want']}): "
            f"{env.pip(_jax_requirement(env.version('jax'), g['want']))}"
            " (GPU: the jax[cudaXX] extra of the same jax version)"
        ]
    if g.get("name"):
        have = env.version("typing-extensions")
        return [
            f"typing_extensions{' ' + have if have else ''} lacks {g['name']}: {env.pip('typing_extensions>=4.12')}"
        ]
    if g.get("pkg") and g.get("req"):
        return [f"{g['pkg']} needs {g['req']}: {env.pip(g['req'].strip())}"]
    return []


def _jax_requirement(jax: str | None, want: str) -> str:
    return f"jax[cpu]=={jax}" if jax else f"jaxlib>={want}"


def _network(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    if env.snapshot:
        proxies = {k: v for k, v in env.snapshot.interpreter.env.items() if "proxy" in k.lower()}
        if proxies:
            return [f"Proxy settings in this environment: {', '.join(sorted(proxies))}: check that they are right"]
    return []


def _long_paths(d: Decision, env: _Env, kb: KnowledgeSource | None) -> list[str]:
    path = d.groups.get("windows-long-paths", {}).get("path")
    if path:
        return [f"The path pip failed on is {len(path)} characters long (Windows' limit is 260)"]
    return []


TAILORS: dict[str, Callable[[Decision, _Env, KnowledgeSource | None], list[str]]] = {
    "numpy-abi": _numpy_abi,
    "protobuf-mismatch": _protobuf,
    "keras-version-mismatch": _keras,
    "package-removed": _removed,
    "python-unsupported": _python,
    "driver-too-old": _driver,
    "no-gpu-visible": _no_gpu,
    "cuda-libs-missing": _cuda_libs,
    "cuda-version-mismatch": _cuda_version,
    "glibc-too-old": _glibc,
    "cpu-instructions": _cpu,
    "env-leakage": _leak,
    "mixed-pip-conda": _mixed,
    "solver-conflict": _solver,
    "dependency-version-mismatch": _deps,
    "network-or-index": _network,
    "windows-long-paths": _long_paths,
    "platform-unsupported": lambda d, env, kb: (
        [
            f"TensorFlow {d.facts['tensorflow']} has no CUDA build for native Windows (2.10 was the last): use WSL2 "
            '(pip install "tensorflow[and-cuda]" inside it), or tensorflow<2.11 on Windows'
        ]
        if d.facts.get("os") == "windows" and d.facts.get("tensorflow")
        else []
    ),
}


#: check's causes that explain's cause ids stand for (the same ids, plus check-only codes)
_CHECK_CAUSES: dict[str, tuple[str, ...]] = {"mixed-pip-conda": ("mixed-pip-conda",)}


def check_findings(cause: str, snapshot: Snapshot, kb: KnowledgeSource | None = None) -> list[Finding]:
    """check's error / warning findings with `cause` on `snapshot` (the same rules, the same
    grouping under root causes), one per distinct fix."""
    # lazy: keeps check's engine (envdoctor.diagnosis: 11 modules, ~15 ms) out of an explain without a target
    from envdoctor.diagnosis import diagnose

    try:
        report = diagnose(snapshot, kb)
    except Exception:  # tailoring must never break the diagnosis
        return []
    wanted = set(_CHECK_CAUSES.get(cause, (cause,)))
    found: list[Finding] = []
    seen: set[str] = set()
    for finding in report.findings:
        if finding.cause not in wanted or finding.severity is Severity.INFO or finding.remedy is None:
            continue
        key = finding.fix or (finding.remedy.steps[0].reason if finding.remedy.steps else finding.key)
        if key not in seen:
            seen.add(key)
            found.append(finding)
    return found


def _check_line(finding: Finding) -> str:
    if finding.fix:
        return f"{finding.message}: {finding.fix}"
    reason = next((s.reason for s in finding.remedy.steps if s.reason), "") if finding.remedy else ""
    return f"{finding.message}: {reason}" if reason else finding.message


def tailored(
    decision: Decision, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None
) -> tuple[list[str], list[Remedy]]:
    """(fix lines, the remedies in them). With a snapshot, check's own remedies come first."""
    cause = decision.cause
    if cause not in CAUSES:
        return ["Run `envdoctor check` to inspect the environment itself, or share the full log."], []
    generic = list(CAUSES[cause].fixes)
    if snapshot is not None:
        checked = check_findings(cause, snapshot, kb)
        if checked:
            from_check = [_check_line(f) for f in checked]
            from_check += [h for f in checked for h in f.hints if h.startswith("Or ") and h not in from_check]
            return from_check + [g for g in generic if g not in from_check], [f.remedy for f in checked if f.remedy]
    env = _Env(snapshot, kb)
    lines: list[str] = []
    tailor = TAILORS.get(cause)
    kb_fix = decision.notes.get("kb_fix")
    if kb_fix and decision.notes.get("kb_verdict") == cause:
        lines.append(kb_fix)
    if tailor is not None:
        try:
            lines += [f for f in tailor(decision, env, kb) if f not in lines]
        except Exception as exc:  # tailoring must never break the diagnosis
            lines = [f"(could not tailor the fix: {exc.__class__.__name__})"]
    return lines + [g for g in generic if g not in lines], env.made


def fixes_for(decision: Decision, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None) -> list[str]:
    return tailored(decision, snapshot, kb)[0]
