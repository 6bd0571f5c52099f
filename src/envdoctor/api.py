"""The public Python API: the verbs as functions returning the typed results the CLI renders.

    import envdoctor

    report = envdoctor.check(prefix="~/venvs/tf")          # envdoctor.doctor.Report
    for finding in report.findings:
        print(finding.code, finding.message, finding.fix)

    explanation = envdoctor.explain(open("build.log").read())   # envdoctor.explain.model.Explanation
    plan = envdoctor.plan(["tensorflow"], python_version="3.11", gpu=False)   # envdoctor.plan.model.Plan

Errors: `envdoctor.errors.UsageError` for bad input (what the CLI exits 2 for), `EnvdoctorError` for
a failure (exit 1); "nothing fits" is not an error but `Plan.status == "infeasible"`. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from envdoctor.errors import UsageError
from envdoctor.selection import Selection

if TYPE_CHECKING:
    from envdoctor.doctor import Report
    from envdoctor.explain.model import Explanation
    from envdoctor.model import Snapshot
    from envdoctor.plan.model import Plan
    from envdoctor.probe.sources import EnvironmentSource

__all__ = ["check", "explain", "plan", "snapshot", "source"]


def source(
    *,
    python: str | None = None,
    prefix: str | Path | None = None,
    snapshot_file: str | Path | None = None,
    kernel: str | None = None,
) -> EnvironmentSource:
    """The environment source these name (envdoctor.probe.sources): `python` (a path, a command or
    a version such as "3.11"), `prefix` (a venv or conda prefix), `snapshot_file` (from `envdoctor
    snapshot`), `kernel` (a Jupyter kernel's name), else the active environment ($VIRTUAL_ENV,
    $CONDA_PREFIX, python on PATH)."""
    # lazy: keeps probe.sources out of explain()'s and plan()'s start-up (12.5 ms, 12 modules)
    from envdoctor.probe.sources import source_for

    named = {"python": python, "prefix": prefix, "snapshot": snapshot_file, "kernel": kernel}
    if sum(v is not None for v in named.values()) > 1:
        raise UsageError("give one of python, prefix, snapshot_file or kernel")
    return source_for({k: str(v) for k, v in named.items() if v is not None})


def snapshot(
    *,
    python: str | None = None,
    prefix: str | Path | None = None,
    snapshot_file: str | Path | None = None,
    timeout: float = 20.0,
) -> Snapshot:
    """The facts of an environment, named as for `source()`."""
    # lazy: keeps doctor out of explain()'s and plan()'s start-up (20.6 ms, 18 modules)
    from envdoctor import doctor
    from envdoctor.probe.sources import ReadOptions  # lazy: loaded with doctor, as above

    if timeout <= 0:
        raise UsageError("timeout must be positive")
    return doctor.snapshot(source(python=python, prefix=prefix, snapshot_file=snapshot_file), ReadOptions(timeout))


def check(
    *,
    python: str | None = None,
    prefix: str | Path | None = None,
    snapshot_file: str | Path | None = None,
    of: Snapshot | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: dict[str, str] | None = None,
    timeout: float = 20.0,
) -> Report:
    """Every problem in an environment, as `envdoctor check` finds it. The environment is named as
    for `snapshot()`, or given as a `Snapshot` (`of=`). `select` / `ignore` take what --select /
    --ignore take (codes, prefixes such as "ED4", rule names, "ALL"); `severity` overrides a rule's
    severity by code or name. `report.exit_code` is the CLI's exit code. Never answered from
    check's result cache: `report.snapshot` is always there."""
    # lazy: keeps doctor out of explain()'s and plan()'s start-up (20.6 ms, 18 modules)
    from envdoctor import doctor
    from envdoctor.probe.sources import GivenSnapshot, ReadOptions  # lazy: loaded with doctor, as above

    # lazy: keeps the rules out of explain()'s and snapshot()'s start-up (85.1 ms, 18 modules: packaging)
    from envdoctor.rules import all_rules, get_rule

    selection = Selection.parse(select, ignore)
    selection.validate(all_rules())
    for key in severity or {}:
        if get_rule(key) is None:
            raise UsageError(f"severity: no rule has the code or name {key!r}")
    if of is not None and (python, prefix, snapshot_file) != (None, None, None):
        raise UsageError("give a Snapshot (of=) or name an environment, not both")
    if timeout <= 0:
        raise UsageError("timeout must be positive")
    named = GivenSnapshot(of) if of is not None else source(python=python, prefix=prefix, snapshot_file=snapshot_file)
    return doctor.check(named, selection, cache=False, severity=severity, options=ReadOptions(timeout))


def explain(log: str | bytes | Path, *, of: Snapshot | None = None) -> Explanation:
    """The cause of an install or import error log (text, bytes, or a Path to read), as `envdoctor
    explain` gives it; `of` (a Snapshot) tailors the fixes and adds the environment's facts."""
    from envdoctor.explain import explain_file, explain_text  # lazy: keeps explain out of check()'s start-up (5.6 ms)

    if isinstance(log, Path):
        return explain_file(log, snapshot=of)
    text = log.decode("utf-8", errors="replace") if isinstance(log, bytes) else log
    return explain_text(text, snapshot=of)


def plan(
    specs: Sequence[str],
    *,
    python_version: str | None = None,
    platform: str | None = None,
    gpu: bool | None = None,
    driver: str | None = None,
    manager: str = "pip",
    prereleases: bool = False,
    resolve: bool = True,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    find_links: Sequence[str] = (),
    offline: bool = False,
) -> Plan:
    """A compatible, fully pinned set (or the proof that none exists), as `envdoctor plan` makes it.
    Defaults come from this machine; `python_version`, `platform`, `gpu`, `driver` plan for another.
    `plan.status`: "feasible", "infeasible" (see `plan.proof`) or "unresolved" (see `plan.next_steps`)."""
    # lazy: keeps actions.uvtool out of check()'s and explain()'s start-up (18.0 ms, 13 modules)
    from envdoctor.actions.uvtool import IndexOptions

    # lazy: keeps plan out of check()'s and explain()'s start-up (210.7 ms, 59 modules: packaging)
    from envdoctor.plan import make_plan, target_for_machine
    from envdoctor.plan.model import ResolveOptions  # lazy: loaded with plan, as above

    if isinstance(specs, str):
        raise UsageError("specs: a list of requirements, e.g. ['tensorflow==2.15.*']")
    if manager not in ("pip", "conda"):
        raise UsageError(f"manager {manager!r}: expected 'pip' or 'conda'")
    target = target_for_machine(
        python=python_version, platform=platform, gpu=gpu, driver=driver, manager=manager, prereleases=prereleases
    )
    index = IndexOptions(
        index_url=index_url, extra_index_urls=list(extra_index_urls), find_links=list(find_links), offline=offline
    )
    return make_plan(list(specs), target, options=ResolveOptions.from_index(index), resolve=resolve)
