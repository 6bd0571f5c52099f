"""The service layer: what the verbs do, without the command line. Commands parse their options,
call one of these, format the result and emit it; the Python API (`envdoctor.api`) calls them too.

- `diagnose(snapshot, ...)`: the core: a snapshot and the knowledge base in, an ordered Report out
  (defined in `envdoctor.diagnosis`, below this layer, with `read_options`: actions and fleet use them).
- `check(source, selection, cache=...)`: an environment's Report, from check's result cache when it
  is unchanged since the last check (see `check` for the choreography that keeps this fast).
- `snapshot(source, options)`, `report(source, ...)`, `verify(source, ...)`, `fix(source, ...)`,
  `fleet(inputs, ...)`: the same for the other verbs.

Every result has an `exit_code` (envdoctor.exitcodes). Module-level imports stay light: check's
cached answer is read without importing packaging, the knowledge base or the rules.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes
from envdoctor.diagnosis import Report as Report
from envdoctor.diagnosis import diagnose as diagnose
from envdoctor.diagnosis import driver_cuda as driver_cuda
from envdoctor.diagnosis import override_severity as override_severity
from envdoctor.diagnosis import read_options as read_options
from envdoctor.probe.sources import EnvironmentSource, LiveSource, ReadOptions, read_snapshot

if TYPE_CHECKING:
    from envdoctor.actions.fix import FixReport
    from envdoctor.actions.uvtool import IndexOptions
    from envdoctor.actions.verify import VerifyReport
    from envdoctor.fleet.aggregate import Collector, FleetReport, Node
    from envdoctor.fleet.inputs import NodeInput
    from envdoctor.model import Finding, Snapshot
    from envdoctor.selection import Selection


def load_rules() -> None:
    """Import the rules and load the knowledge base (done while the probe runs, on the other core)."""
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.rules import all_rules

    all_rules()
    KnowledgeBase.load()


def check(
    source: EnvironmentSource,
    selection: Selection | None = None,
    *,
    cache: bool = True,
    severity: Mapping[str, str] | None = None,
    options: ReadOptions | None = None,
    while_probing: Callable[[], object] | None = None,
) -> Report:
    """Every problem in the environment `source` names, as `envdoctor check` reports it.

    The choreography (a live source): opening the source starts the probe in the target
    interpreter, which sends its facts first and then scans the metadata on its own core.
    Meanwhile a `stat` of the metadata the last check saw (checkcache.Lookup.probably_changed)
    says whether anything changed; when it did, the rules are imported now, overlapping the
    probe. When the facts arrive they fingerprint the environment; an unchanged one is answered
    from the cache without importing the rules at all. Otherwise the rules load (if not yet)
    while the probe still scans, the snapshot is built and diagnosed, and the answer is stored.
    cache=False (--no-cache, ENVDOCTOR_NO_CACHE=1): every rule runs, nothing is read or stored.
    `while_probing`: work of the caller's to overlap with the probe when the answer will be computed
    (check imports its formatter; a cached answer may not need it: checkcache.rendered)."""
    options = read_options(options)
    severity = dict(severity or {})
    with source.open(options) as reading:
        lookup = None
        if cache and reading.cache_identity is not None and not os.environ.get("ENVDOCTOR_NO_CACHE"):
            from envdoctor.checkcache import Lookup

            lookup = Lookup(reading, json.dumps([selection.key() if selection else "", sorted(severity.items())]))
        if lookup is None or lookup.probably_changed():
            load_rules()
            if while_probing is not None:
                while_probing()
        if lookup is not None:
            cached = _from_cache(lookup)
            if cached is not None:
                cached.environment["target"] = reading.description
                cached.cache_key = lookup.key
                return cached
            load_rules()  # while the probe still scans, on the other core
        snap = reading.snapshot()
        inspected = reading.inspected(snap)
    report = _diagnose(snap, selection, severity)
    report.inspected = inspected
    if lookup is not None:
        lookup.store(
            {
                "findings": [f.to_dict() for f in report.findings],
                "skipped": [{"what": k.what, "reason": k.reason} for k in report.skipped],
                "environment": report.environment,
                "inspected": report.inspected,
            }
        )
        report.cache_key = lookup.key
    return report


def _diagnose(snapshot: Snapshot, selection: Selection | None, severity: Mapping[str, str]) -> Report:
    from envdoctor.rules import all_rules

    rules = selection.apply(all_rules()) if selection is not None else all_rules()
    return diagnose(snapshot, rules=rules, severity=severity)


def _from_cache(lookup: Any) -> Report | None:
    """The cached answer; an entry of the wrong shape is discarded (and written anew)."""
    from envdoctor.model import Finding, Skipped, from_dict

    cached = lookup.entry()
    if cached is None:
        return None
    try:
        findings = [from_dict(Finding, f) for f in cached["findings"]]
        skipped = [from_dict(Skipped, k) for k in cached["skipped"]]
        environment = cached["environment"]
        if not isinstance(environment, dict) or not all(
            k in environment for k in ("python", "kind", "prefix", "platform", "distributions")
        ):
            raise ValueError("environment of the wrong shape")
    except (KeyError, TypeError, ValueError):
        lookup.discard()
        return None
    inspected = cached.get("inspected", True)
    return Report(None, findings, skipped, dict(environment), inspected=inspected is not False, cached=True)


def snapshot(source: EnvironmentSource, options: ReadOptions | None = None) -> Snapshot:
    """The facts of the environment `source` names (`envdoctor snapshot`)."""
    return read_snapshot(source, read_options(options))


class SharedReport:
    """`envdoctor report`: check's answer and the snapshot, as shown to others (redacted unless
    asked not to), and the caller's activation variables left out because they named another
    environment."""

    def __init__(self, report: Report, snapshot: Snapshot, dropped: list[str]) -> None:
        self.report = report
        self.snapshot = snapshot
        self.dropped = dropped

    @property
    def exit_code(self) -> int:
        return exitcodes.OK  # a record for others; check's exit code is check's


def report(source: EnvironmentSource, *, redact: bool = True, options: ReadOptions | None = None) -> SharedReport:
    """`envdoctor report`: the snapshot and check's findings, with the home folder and user name
    replaced (redact) and another environment's activation variables left out."""
    from envdoctor.model import Finding, Snapshot, from_dict

    snap = read_snapshot(source, read_options(options))
    dropped = own_environment(snap)
    found = diagnose(snap)
    if not redact:  # the diagnosis saw the real paths; what is shown does not
        return SharedReport(found, snap, dropped)
    from envdoctor.render.redact import identities, redact_data

    people = identities([snap.interpreter.user_site])
    shown = Snapshot.from_dict(redact_data(snap.to_dict(), people))
    findings = [from_dict(Finding, redact_data(f.to_dict(), people)) for f in found.findings]
    return SharedReport(Report(shown, findings, found.skipped, inspected=found.inspected), shown, dropped)


# set by the shell that ran envdoctor: they describe the reported environment only when they name it
ACTIVATION_VARIABLES = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_SHLVL")


def _real(path: str) -> str:
    """realpath, or the text itself where it cannot be a path here (a NUL from a snapshot)."""
    try:
        return os.path.realpath(path)
    except ValueError:
        return path


def own_environment(snapshot: Snapshot) -> list[str]:
    """Drop the caller's activation variables that point at another environment than the reported
    one (envdoctor run from one venv about another); returns the names dropped."""
    prefix = _real(snapshot.interpreter.prefix) if snapshot.interpreter.prefix else ""
    env = snapshot.interpreter.env
    dropped = []
    for name in ACTIVATION_VARIABLES:
        value = env.get(name)
        if value is None:
            continue
        names_target = name in ("VIRTUAL_ENV", "CONDA_PREFIX") and prefix and _real(value) == prefix
        if name in ("VIRTUAL_ENV", "CONDA_PREFIX") and names_target:
            continue
        if name in ("CONDA_DEFAULT_ENV", "CONDA_SHLVL") and _real(env.get("CONDA_PREFIX", "")) == prefix:
            continue
        del env[name]
        dropped.append(name)
    if dropped:
        from envdoctor.probe.session import forget_activation

        forget_activation(snapshot.session, dropped)
    return dropped


def verify(
    source: LiveSource,
    *,
    timeout: float = 300.0,
    frameworks: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> VerifyReport:
    """`envdoctor verify`: every installed framework (or `frameworks`) of the environment imported
    and exercised in its interpreter, failures explained with check's findings."""
    from envdoctor.actions.verify import verify as verify_frameworks

    return verify_frameworks(source.target().python or "", timeout=timeout, frameworks=frameworks, env=env)


def fix(
    source: LiveSource,
    *,
    apply: bool = False,
    index: IndexOptions | None = None,
    timeout: float = 20.0,
    verify_timeout: float = 300.0,
    verify_frameworks: bool = True,
    confirm: Callable[[Any], bool] | None = None,
    quiet: bool = False,
) -> FixReport:
    """`envdoctor fix`: check's findings as a fix plan; with `apply`, the plan applied after a
    restore point, checked and verified again, rolled back when the result is worse."""
    from envdoctor.actions import fix as fixing
    from envdoctor.actions import verify as verifying

    python = source.target().python or ""

    def diagnose_env(py: str, env: Mapping[str, str] | None = None) -> list[Finding]:
        return fixing.default_diagnose(py, env, timeout=timeout)

    def verifier(py: str, env: Mapping[str, str] | None = None) -> VerifyReport:
        return verifying.verify(py, timeout=verify_timeout, env=env)

    if not apply:
        _, findings, plan = fixing.plan_fix(python, diagnose=diagnose_env, index=index)
        return fixing.FixReport(python=python, before=findings, plan=plan)
    return fixing.apply_fix(
        python,
        diagnose=diagnose_env,
        verifier=verifier,
        index=index,
        confirm=confirm,
        quiet=quiet,
        verify_frameworks=verify_frameworks,
    )


def fleet(
    inputs: Iterable[NodeInput],
    *,
    origin: str,
    selection: Selection | None = None,
    severity: Mapping[str, str] | None = None,
    allow_skew: Sequence[str] = (),
    notes: list[str] | None = None,
    workers: int | None = None,
    save: str | None = None,
) -> FleetReport:
    """`envdoctor fleet`: one diagnosis per distinct environment among the nodes' snapshots, the
    findings grouped across nodes and the versions that differ between them. save: also keep
    every collected snapshot in that file."""
    from envdoctor.fleet.aggregate import Collector, build_report, default_workers
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.rules import all_rules

    notes = notes if notes is not None else []
    rules = selection.apply(all_rules()) if selection is not None else all_rules()
    collector = Collector(
        KnowledgeBase.load(),
        rules=rules,
        severity=dict(severity or {}),
        keep_raw=bool(save),
        workers=workers or default_workers(),
    )
    try:
        nodes = _collect(collector, inputs)
        if save:
            from envdoctor.fleet.bundle import save as save_bundle

            kept = save_bundle(save, nodes, collector)
            notes.append(f"{kept} snapshot{'s' * (kept != 1)} saved to {save}")
    finally:
        collector.close()
    return build_report(nodes, origin=origin, allow_skew=list(allow_skew), notes=notes)


def fleet_snapshot(inputs: Iterable[NodeInput], node: str) -> str:
    """`fleet --pick NODE`: that node's snapshot (JSON), for `check --snapshot -`."""
    from envdoctor.fleet.aggregate import Collector
    from envdoctor.fleet.bundle import pick

    collector = Collector(None, rules=None, keep_raw=True, diagnose=False, workers=1)
    try:
        return pick(_collect(collector, inputs), collector, node)
    finally:
        collector.close()


def _collect(collector: Collector, inputs: Iterable[NodeInput]) -> list[Node]:
    """Every input into `collector`; its nodes (UsageError when there is none)."""
    from envdoctor.errors import UsageError

    for item in inputs:
        collector.add(item)
    nodes = collector.nodes()
    if not nodes:
        raise UsageError("no node to report on")
    return nodes


def environment_summary(snapshot: Snapshot) -> dict[str, Any]:
    """The short description of the environment that every output format shows."""
    return snapshot.summary()
