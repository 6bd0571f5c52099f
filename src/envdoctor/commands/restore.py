"""envdoctor restore: bring back a restore point recorded by `fix --apply`."""

from __future__ import annotations

import argparse

from envdoctor.output import emit


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Restore points live in <prefix>/.envdoctor/restore/<ID>/ (venvs and conda prefixes), else "
        "in $ENVDOCTOR_STATE_DIR (default ~/.local/state/envdoctor)/restore/. exit codes: 0 restored "
        "(or listed); 1 the restore did not complete; 2 usage error"
    )
    parser.add_argument("id", nargs="?", metavar="ID", help="the restore point (default: the latest)")
    parser.add_argument("--list", action="store_true", help="list the restore points and their state")
    group = parser.add_argument_group("which environment (default: the active one)")
    target = group.add_mutually_exclusive_group()
    target.add_argument("--python", metavar="PATH", help="the interpreter of the environment")
    target.add_argument("--prefix", metavar="DIR", help="a venv or conda prefix")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    from envdoctor.actions.uvtool import add_index_arguments

    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import json

    from envdoctor.actions import restore as points
    from envdoctor.actions.proc import quote
    from envdoctor.actions.target import describe, resolve_python
    from envdoctor.actions.uvtool import index_options

    python = resolve_python(args.python, args.prefix)
    target = describe(python)
    if args.list:
        found = [p.summary() for p in points.list_points(target)]
        if args.format == "json":
            emit(
                json.dumps(
                    {"prefix": target.prefix, "root": str(points.restore_root(target)), "points": found}, indent=2
                )
            )
        else:
            lines = [f"restore points of {target.prefix} ({points.restore_root(target)}):"]
            lines += [
                f"  {p['id']}  {p['status']:<12} {p['distributions']} distributions  {p['reason']}" for p in found
            ] or ["  none"]
            emit("\n".join(lines))
        return 0
    point = points.find_point(target, args.id)
    points.require_target_match(point, target)
    index = index_options(args)
    chosen_index = index if index.args() else None
    if args.dry_run:
        change = points.diff(point, target)
        commands, manual = points.restore_commands(point, target, chosen_index)
        data = {
            "point": point.summary(),
            "changes": change.lines(),
            "commands": [quote(c) for c in commands],
            "manual": manual,
        }
        if args.format == "json":
            emit(json.dumps(data, indent=2))
        else:
            emit(
                "\n".join(
                    [f"restore {point.id} (dry run): {len(data['changes'])} change(s)"]
                    + [f"  {c}" for c in data["changes"]]
                    + [f"  would run: {c}" for c in data["commands"]]
                    + [f"  manual: {c}" for c in manual]
                )
            )
        return 0
    result = points.restore(point, target, index=chosen_index, quiet=args.quiet)
    if args.format == "json":
        emit(json.dumps(result.to_dict(), indent=2))
    else:
        lines = [f"envdoctor restore: {point.id} -> {target.prefix}"]
        lines += [f"  {c}" for c in result.before.lines()] or ["  nothing to change"]
        for done in result.commands:
            lines.append(f"  [{'ok  ' if done.ok else 'FAIL'}] {quote(done.argv)}")
            if not done.ok:
                lines += ["         " + x for x in done.tail(8).splitlines()]
        lines += [f"  manual: {c}" for c in result.manual]
        if result.after.lines():
            lines.append("  still different: " + "; ".join(result.after.lines()))
        lines.append("restore: " + ("done" if result.ok else "INCOMPLETE"))
        emit("\n".join(lines))
    return 0 if result.ok else 1
