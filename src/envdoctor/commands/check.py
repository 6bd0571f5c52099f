"""envdoctor check: every problem in an environment, with evidence and the exact fix."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any

from envdoctor.commands._common import add_selection_arguments, add_target_arguments, load_snapshot_for
from envdoctor.render import formats

if TYPE_CHECKING:
    from envdoctor.model import Finding, Skipped, Snapshot


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit codes: 0 no error-severity finding; 1 errors found; 2 usage error / nothing inspected"
    add_target_arguments(parser)
    parser.add_argument("--list-rules", action="store_true", help="list every rule with its docs and exit")
    add_selection_arguments(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run every rule even if this environment is unchanged since a cached check (also ENVDOCTOR_NO_CACHE=1)",
    )


def run(args: argparse.Namespace) -> int:
    from envdoctor.errors import UsageError

    if args.list_rules:
        from envdoctor.render.views.check import rules_document
        from envdoctor.rules import all_rules

        formats.show(rules_document(all_rules(scope=None)), args.format)
        return 0
    if args.selection.select or args.selection.ignore or args.severity_overrides:
        from envdoctor.commands._common import validate_selection

        validate_selection(args, scope="environment")
    if args.snapshot:
        snapshot = load_snapshot_for(args)
        return _show(args, *_diagnose(args, snapshot), probed=True)
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    import time

    deadline = time.monotonic() + args.timeout  # --timeout bounds the whole verb, not only the probe
    from envdoctor.commands._common import kernel_or_target
    from envdoctor.probe.launch import ProbeRun, probe_timeout

    target, session = kernel_or_target(args)
    if session is not None and target.python is None:  # a kernel whose interpreter is gone
        from envdoctor.probe.session import missing_kernel_snapshot

        return _show(args, *_diagnose(args, missing_kernel_snapshot(target, session)), probed=True)
    # The probe sends its facts first, then scans the metadata on the target's own core; a `stat`
    # fingerprint taken from the facts decides meanwhile whether the cache answers.
    probe = ProbeRun.start(target.python, probe_timeout(args.timeout)) if target.python else None
    formats.prepare(args.format)  # rich for text (~50 ms of imports), while the probe runs on the other core
    # While the probe runs in the target interpreter: only what a cached answer needs too, unless
    # a quick `stat` of the last sys.path already shows a change (then the rules load meanwhile).
    from envdoctor import checkcache
    from envdoctor.probe.collect import assemble, gather, load_machine
    from envdoctor.probe.distributions import metadata_signature

    remembered_as = target.python or target.prefix or target.description
    use_cache = not args.no_cache and not os.environ.get("ENVDOCTOR_NO_CACHE")
    stamps = checkcache.Stamps()
    hint = (
        checkcache.probably_changed(remembered_as, lambda sys_path: metadata_signature(sys_path, stamps))
        if use_cache
        else None
    )
    if hint is None or hint.changed:
        _import_rules()

    machine = load_machine(args.machine) if args.machine else None
    gathered = gather(
        target, timeout=max(0.0, deadline - time.monotonic()), machine=machine, probe=probe, session=session
    )
    gathered.stamps = stamps
    if hint is not None and hint.signature is not None and hint.sys_path == gathered.interpreter.sys_path:
        gathered.metadata_signature = hint.signature  # taken moments ago over the same sys.path
    options = json.dumps([args.selection.key(), sorted(args.severity_overrides.items())])
    key = checkcache.key(gathered.fingerprint_parts(), options, stamps) if use_cache else None
    if key:
        checkcache.remember(remembered_as, gathered.interpreter.sys_path, gathered.metadata_signature)
    cached = _from_cache(checkcache, key) if key else None
    if cached is not None:
        if gathered.probe is not None:
            gathered.probe.close()
        findings, skipped, environment = cached
        return _show(args, findings, skipped, {**environment, "target": target.description}, probed=True)
    _import_rules()  # while the probe still scans, on the other core
    snapshot = assemble(gathered, deadline=deadline, use_cache=use_cache)
    findings, skipped, env = _diagnose(args, snapshot)
    if key:
        checkcache.store(
            key,
            {
                "findings": [f.to_dict() for f in findings],
                "skipped": [{"what": k.what, "reason": k.reason} for k in skipped],
                "environment": env,
            },
            racy=stamps.racy,
        )
    return _show(args, findings, skipped, env, probed=snapshot.interpreter.probed or bool(snapshot.distributions))


def _from_cache(checkcache: Any, key: str) -> tuple[list[Finding], list[Skipped], dict[str, Any]] | None:
    """The cached answer for `key`; an entry of the wrong shape is discarded (and written anew)."""
    from envdoctor.model import Finding, Skipped, from_dict

    cached = checkcache.load(key)
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
        checkcache.discard(key)
        return None
    return findings, skipped, environment


def _import_rules() -> None:
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.rules import all_rules

    all_rules()
    KnowledgeBase.load()


def _diagnose(args: argparse.Namespace, snapshot: Snapshot) -> tuple[list[Finding], list[Skipped], dict[str, Any]]:
    from envdoctor.doctor import diagnose
    from envdoctor.rules import all_rules

    rules = args.selection.apply(all_rules())
    report = diagnose(snapshot, rules=rules, severity=args.severity_overrides)
    return report.findings, report.skipped, snapshot.summary()


def _show(
    args: argparse.Namespace, findings: list[Finding], skipped: list[Skipped], env: dict[str, Any], *, probed: bool
) -> int:
    from envdoctor.render.views.check import check_document

    formats.show(check_document(findings, skipped, env), args.format)
    if not probed:
        return 2  # nothing could be inspected
    return 1 if any(f.severity.value == "error" for f in findings) else 0
