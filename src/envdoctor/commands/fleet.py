"""envdoctor fleet: every node of a cluster side by side (a Ray cluster, or snapshots collected by
any launcher), with the findings grouped across nodes and the versions that differ between them."""

from __future__ import annotations

import argparse

from envdoctor import doctor, exitcodes
from envdoctor.commands._common import add_selection_arguments, validate_selection
from envdoctor.errors import UsageError
from envdoctor.output import write_output

EPILOG = """\
sources:
  ray                  connect to a running Ray cluster and snapshot every alive node
  DIR | FILE ...       snapshot files (`envdoctor snapshot -o snaps/NODE.json` on each node),
                       folders of them, or a file written by --save
exit codes: 0 every node clean and alike; 1 an error finding, a skewed key version, a fleet not
ready for distributed training, or a node that did not answer; 2 usage error / no node answered
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("sources", nargs="+", metavar="ray | DIR | FILE", help="where the snapshots come from")
    ray = parser.add_argument_group("with `fleet ray`")
    ray.add_argument(
        "--address", metavar="ADDR", help="the cluster: ray://HOST:10001, HOST:6379 (default $RAY_ADDRESS, else auto)"
    )
    ray.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="how long each node may take (default 60); later: unreachable",
    )
    ray.add_argument("--resource", metavar="NAME", help="only the nodes that offer this Ray resource (e.g. GPU)")
    ray.add_argument(
        "--runtime-env", metavar="JSON|FILE", help="the job's runtime_env, to see the environment its workers get"
    )
    out = parser.add_argument_group("report")
    out.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    out.add_argument(
        "--save", metavar="FILE", help="also keep every collected snapshot in FILE (read back by `fleet FILE`)"
    )
    out.add_argument(
        "--pick", metavar="NODE", help="print that node's snapshot instead of the report (for `check --snapshot -`)"
    )
    out.add_argument(
        "--allow-skew",
        action="append",
        default=[],
        metavar="WHAT",
        help="a known difference that does not fail the run: a row (nvidia-nccl-cu12) or a category "
        "(framework, numpy, protobuf, cuda-wheel, cuda-library, driver, python, glibc); repeatable",
    )
    out.add_argument(
        "--jobs", type=int, metavar="N", help="processes that diagnose distinct environments (default: the CPUs, <= 8)"
    )
    add_selection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    ray_mode = args.sources[0] == "ray"
    if ray_mode and len(args.sources) > 1:
        raise UsageError("`fleet ray` takes no other sources (a folder named ray: ./ray)")
    if not ray_mode and (args.address or args.resource or args.runtime_env):
        raise UsageError("--address, --resource and --runtime-env go with `fleet ray`")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.pick and args.save:
        raise UsageError("give --pick or --save, not both")
    if args.pick and args.format not in ("text", "json"):  # --pick writes the snapshot itself: JSON
        raise UsageError("--pick prints a snapshot, which is JSON")
    if args.selection.select or args.selection.ignore or args.severity_overrides:
        validate_selection(args, scope="environment")

    notes: list[str] = []
    if ray_mode:
        # lazy: kept out of `fleet --help` (62 ms, 65 modules: cython_runtime, yaml) and completion (41 ms)
        from envdoctor.fleet.ray_cluster import collect, default_address, load_runtime_env

        address = args.address or default_address()
        inputs = collect(
            address,
            timeout=args.timeout,
            resource=args.resource,
            runtime_env=load_runtime_env(args.runtime_env),
            notes=notes,
        )
        origin = f"the Ray cluster at {address}"
    else:
        # lazy: kept out of `fleet --help` (23 ms, 24 modules) and completion (7.5 ms)
        from envdoctor.fleet.inputs import iter_files

        inputs = iter_files(args.sources)
        origin = ", ".join(args.sources) if len(args.sources) <= 3 else f"{len(args.sources)} paths"
    if args.pick:
        write_output(doctor.fleet_snapshot(inputs, args.pick), args.output)
        return exitcodes.OK
    report = doctor.fleet(
        inputs,
        origin=origin,
        selection=args.selection,
        severity=args.severity_overrides,
        allow_skew=args.allow_skew,
        notes=notes,
        # Ray's client runs threads: no fork there (a Ray fleet is diagnosed in this process)
        workers=1 if ray_mode else args.jobs,
        save=args.save,
    )
    from envdoctor.render import formats  # lazy: kept out of `fleet --help` (15 ms, 15 modules)

    # lazy: kept out of `fleet --help` (161 ms, 111 modules: packaging) and completion (94 ms)
    from envdoctor.render.views.fleet import fleet_document

    formats.show(fleet_document(report), args.format, output=args.output)
    return report.exit_code
