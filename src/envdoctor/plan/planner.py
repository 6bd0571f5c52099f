"""make_plan: the KB choice, then real resolution (uv; rattler for conda), then the files."""

from __future__ import annotations

import shlex
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from envdoctor.frameworks import of_distribution
from envdoctor.knowledge import KnowledgeBase
from envdoctor.knowledge import view as kbview
from envdoctor.plan.choose import choose
from envdoctor.plan.model import Choice, OutputFiles, Pin, Plan, ResolveOptions, Target
from envdoctor.plan.requests import split_requests

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource


def make_plan(
    specs: Sequence[str],
    target: Target,
    kb: KnowledgeSource | None = None,
    *,
    options: ResolveOptions | None = None,
    files: OutputFiles | None = None,
    conda_specs: Sequence[str] = (),
    resolve: bool = True,
    command: str = "",
) -> Plan:
    """Choose from the KB, resolve with uv (and rattler for manager "conda"), write files.

    Never raises for an infeasible request (`Plan.feasible` False with `proof`); raises UsageError
    for bad input and EnvdoctorError when a resolver cannot run at all.
    """
    options = options or ResolveOptions()
    files = files or OutputFiles()
    started = time.perf_counter()
    if kb is None:
        kb = KnowledgeBase.load()
    loaded = time.perf_counter()
    choice = choose(specs, target, kb, conda_specs=conda_specs)
    chosen = time.perf_counter()
    plan = Plan(
        feasible=choice.feasible,
        python=choice.python,
        platform=choice.platform,
        gpu=choice.gpu,
        manager=target.manager,
        reasons=list(choice.reasons),
        proof=list(choice.proof),
        alternatives=list(choice.alternatives),
        choice=choice,
    )
    plan.timings["kb_load_s"] = loaded - started
    plan.timings["choice_s"] = chosen - loaded
    if not choice.feasible or not resolve or choice.python is None:
        plan.timings["total_s"] = time.perf_counter() - started
        return plan
    _resolve(plan, choice, target, options, files, specs, kb, command or _command(specs, target))
    plan.timings["total_s"] = time.perf_counter() - started
    return plan


def _command(specs: Sequence[str], target: Target) -> str:
    parts = ["envdoctor", "plan", *specs, "--python", target.python or "", "--platform"]
    parts.append(target.platform)
    return " ".join(shlex.quote(p) for p in parts if p)


def _cuda_for_conda(choice: Choice, target: Target, kb: KnowledgeSource) -> str | None:
    if not choice.gpu:
        return None
    if target.cuda_driver:
        return target.cuda_driver
    builds = []

    for pin in choice.pins:
        framework = of_distribution(pin.name)
        package = framework.distribution if framework else pin.name  # a CPU variant: the main one's build
        cuda, _ = kbview.build(kb, package, Version(pin.version))
        if cuda:
            builds.append(cuda)
    return max(builds, key=kbview.python_key) if builds else "12.0"


def _resolve(
    plan: Plan,
    choice: Choice,
    target: Target,
    options: ResolveOptions,
    files: OutputFiles,
    specs: Sequence[str],
    kb: KnowledgeSource,
    command: str,
) -> None:
    # only a resolution needs these; lint imports the plan package (plan.platforms) and resolves nothing
    # lazy: keeps plan.uvres / plan.conda out of lint's start-up (8.7 ms, 7 modules)
    from envdoctor.plan import conda, uvres

    # lazy: keeps plan.files out of lint's start-up, as above (1.6 ms)
    from envdoctor.plan.files import conda_pins, environment_yml, write_text

    python = choice.python or ""
    need_uv = bool(choice.requirements)
    need_conda = target.manager == "conda" and bool(choice.conda_specs)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        conda_future: Future[conda.CondaSolution] | None = None
        if need_conda:
            conda_future = pool.submit(
                conda.solve,
                choice.conda_specs,
                channels=options.channels,
                platform=target.platform,
                cuda=_cuda_for_conda(choice, target, kb),
                glibc=target.glibc,
                constraints=choice.conda_constraints,
                timeout_s=options.timeout_s,
            )
        uv_result: tuple[uvres.Compiled, uvres.Compiled | None] | None = None
        if need_uv:
            uv_result = uvres.compile_requirements(
                choice.requirements,
                choice.constraints,
                python=python,
                platform=target.platform,
                glibc=target.glibc,
                options=options,
                prereleases=target.prereleases,
                index_backend=choice.index_backend,
                hashes=files.requirements_txt is not None,
                pylock=files.pylock_toml is not None,
                custom_command=command,
            )
            plan.timings["uv_s"] = time.perf_counter() - t0
        solution = conda_future.result() if conda_future is not None else None
        if need_conda:
            plan.timings["conda_s"] = time.perf_counter() - t0
    if solution is not None:
        if not solution.ok and solution.unavailable:
            _unresolved(plan, "the conda solver could not read its channels", solution.error, options)
        elif not solution.ok:
            plan.feasible = False
            plan.status = "infeasible"
            plan.proof.append("the conda solver found no solution for " + " ".join(choice.conda_specs))
            plan.proof.extend(solution.error.splitlines())
        else:
            requested = {_conda_name(s) for s in choice.conda_specs}
            for pin in solution.records:
                pin.reason = "requested" if pin.name in requested else "conda dependency"
                if pin.name == "python":
                    pin.reason = plan.reasons[0] if plan.reasons else "requested"
            plan.conda = solution.records
            if target.conda_framework:
                _mark_conda_frameworks(plan, choice)
    if uv_result is not None:
        main, lock = uv_result
        failure = classify_uv_failure(main.error) if not main.ok else None
        if failure == "infeasible":
            plan.feasible = False
            plan.status = "infeasible"
            plan.proof.append(f"uv could not resolve the full set for Python {python} on {target.platform}:")
            plan.proof.extend(main.error.splitlines())
        elif failure is not None:
            what = {
                "network": "uv could not reach the package index (cause: network-or-index)",
                "offline": "uv's cache lacks packages and the network is off (--offline)",
                "tool": "uv refused the command envdoctor gave it",
            }.get(failure, "uv failed")
            _unresolved(plan, f"{what} for Python {python}", main.error, options, failure=failure)
        else:
            plan.packages = _pip_pins(main.packages, choice, specs)
            if main.from_cache:
                plan.reasons.append("resolved from uv's cache without contacting the index (--refresh to revalidate)")
            if files.requirements_txt:
                plan.files["requirements.txt"] = write_text(files.requirements_txt, main.text)
            if files.pylock_toml and lock is not None:
                if lock.ok:
                    plan.files["pylock.toml"] = write_text(files.pylock_toml, lock.text)
                else:
                    plan.reasons.append("pylock.toml not written: " + lock.error.splitlines()[-1])
    if plan.feasible and files.environment_yml:
        if target.manager == "conda":
            conda_lines = conda_pins(choice.conda_specs, plan.conda)
            channels = list(options.channels)
        else:
            conda_lines = ["pip"]
            channels = ["conda-forge"]
        python_pin = next((f"{p.version}" for p in plan.conda if p.name == "python"), python)
        text = environment_yml(
            name=files.env_name or _env_name(choice),
            channels=channels,
            python=python_pin,
            conda=[c for c in conda_lines if not c.startswith("python")],
            pip=plan.requirement_lines(),
            header=f"written by: {command}",
        )
        plan.files["environment.yml"] = write_text(files.environment_yml, text)


def _conda_name(spec: str) -> str:
    head = spec.split("::")[-1]
    for sep in ("=", " ", "<", ">", "!", "~"):
        head = head.split(sep)[0]
    return head.strip().lower()


def _mark_conda_frameworks(plan: Plan, choice: Choice) -> None:
    reasons: dict[str, str] = {}
    for pin in choice.pins:
        framework = of_distribution(pin.name)
        conda = framework.conda if framework else None
        reasons[conda.request if conda and framework and pin.name == framework.distribution else pin.name] = pin.reason
    for pin in plan.conda:
        if pin.name in reasons:
            pin.reason = reasons[pin.name]
        elif pin.name in choice.cap_reasons:
            pin.reason = choice.cap_reasons[pin.name]


def _env_name(choice: Choice) -> str:
    if choice.pins:
        pin = choice.pins[0]
        return f"{pin.name}-{pin.version}-py{(choice.python or '').replace('.', '')}"
    return f"py{(choice.python or '').replace('.', '')}"


def _pip_pins(packages: Sequence[tuple[str, str, str]], choice: Choice, specs: Sequence[str]) -> list[Pin]:
    frameworks: dict[str, Pin] = {canonicalize_name(p.name): p for p in choice.pins}
    _, others, _ = split_requests(specs)
    requested: dict[str, Requirement] = {canonicalize_name(r.name): r for r in others}
    result: list[Pin] = []
    for name, version, via in packages:
        key = canonicalize_name(name)
        base = key.split("[")[0]
        if base in frameworks:
            fw = frameworks[base]
            result.append(Pin(base, version, fw.reason, "pip", fw.extras))
            continue
        if base in choice.cap_reasons:
            reason = choice.cap_reasons[base]
            if via:
                reason += f"; via {via}"
        elif base in requested:
            reason = f"requested: {requested[base]}"
        elif via:
            reason = f"via {via}"
        else:
            reason = "requested"
        result.append(Pin(base, version, reason, "pip"))
    return result


_INFEASIBLE = ("No solution found", "requirements are unsatisfiable", "we can conclude that")
_NETWORK = (
    "Failed to fetch",
    "dns error",
    "Request failed",
    "error sending request",
    "Connection refused",
    "connection error",
    "operation timed out",
    "certificate",
    "tcp connect error",
    "Could not connect",
)


def classify_uv_failure(error: str) -> str:
    """uv's failure: "infeasible" (a real proof), "offline", "network", "tool" (argument errors: an
    older uv than envdoctor needs) or "other" (a build failed, ...)."""
    if "network was disabled" in error or "were unavailable because the network" in error:
        return "offline"
    if any(k in error for k in _NETWORK):
        return "network"
    if "unexpected argument" in error or "invalid value" in error or "unrecognized subcommand" in error:
        return "tool"
    if any(k in error for k in _INFEASIBLE):
        return "infeasible"
    return "other"


def _unresolved(plan: Plan, what: str, error: str, options: ResolveOptions, *, failure: str = "network") -> None:
    """The resolver could not answer: not a proof. Keep its own message and say what to try."""
    plan.feasible = False
    plan.status = "unresolved"
    plan.proof.append(what + ":")
    plan.proof.extend(error.splitlines())
    if failure == "tool":
        from envdoctor.plan import uvres  # lazy: keeps plan.uvres out of lint's start-up, as in _resolve (6.5 ms)

        plan.next_steps.append(uvres.uv_version_note(options))
        return
    if failure == "offline":
        plan.next_steps.append("run once without --offline to fill uv's cache, or add --find-links DIR")
        return
    plan.next_steps += [
        "check that the index is reachable (a proxy? HTTPS_PROXY / SSL_CERT_FILE)",
        "--index-url URL or --extra-index-url URL: another index or a mirror",
        "--find-links DIR: local wheels (with --no-index to use only them)",
        "--offline: answer from uv's cache only",
    ]
