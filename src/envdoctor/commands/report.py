"""envdoctor report: a shareable record of the environment and machine, with check's findings."""

from __future__ import annotations

import argparse
import json

from envdoctor.commands._common import add_output_argument, add_target_arguments, read_options, source_from_args
from envdoctor.output import write_output
from envdoctor.safetext import md_code, md_fence

_OTHER_KEY_PACKAGES = (
    "numpy",
    "protobuf",
    "h5py",
    "ml-dtypes",
    "typing-extensions",
    "tensorboard",
    "scipy",
    "pandas",
)


def key_packages() -> list[str]:
    """The distributions a report lists first: each framework's (the names users ask for, its Keras,
    its compiled part), then the dependencies that break them most."""
    from envdoctor.frameworks import all_frameworks

    names: list[str] = []
    for fw in all_frameworks():
        names += [v.name for v in fw.all_variants if v.request]
        if fw.keras is not None:
            names += [fw.keras.legacy, fw.keras.package]
        if fw.binary:
            names.append(fw.binary)
    return list(dict.fromkeys([*names, *_OTHER_KEY_PACKAGES]))


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    add_output_argument(parser)
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep the home folder and the user name (default: replaced by ~ and <user>)",
    )


def run(args: argparse.Namespace) -> int:
    from envdoctor import doctor
    from envdoctor.render.findings import findings_json, findings_markdown

    shared = doctor.report(source_from_args(args), redact=not args.no_redact, options=read_options(args))
    snapshot, report, dropped = shared.snapshot, shared.report, shared.dropped
    findings = report.findings
    env = report.environment
    installed = {d.name: d for d in snapshot.distributions if d.shadowed_by is None}
    key = [(n, installed[n].version, installed[n].installer or "?") for n in key_packages() if n in installed]
    nvidia = sorted((d.name, d.version, d.installer or "?") for d in installed.values() if d.name.startswith("nvidia-"))
    if args.format == "json":
        text = findings_json(findings, report.skipped, environment=env, snapshot=snapshot.to_dict())
    else:
        machine = snapshot.machine
        facts = [(k, str(v)) for k, v in env.items() if v not in (None, "", [])]
        facts += [
            ("os", f"{machine.os_release or machine.os} {machine.arch}"),
            ("libc", f"{machine.libc} {machine.libc_version or ''}".strip()),
            ("cpu", f"{machine.cpu_model} ({' '.join(machine.cpu_flags)})"),
        ]
        if machine.gpu.cuda_driver_version:
            facts.append(("driver CUDA", machine.gpu.cuda_driver_version))
        text = findings_markdown(findings, report.skipped, title="envdoctor report", facts=facts)
        rows = key + nvidia
        if rows:
            table = ["### Key packages", "", "| package | version | installer |", "|---|---|---|"]
            table += [" | ".join(["", *(md_code(c, in_table=True) for c in row), ""]).strip() for row in rows]
            text += "\n" + "\n".join(table) + "\n"
        if dropped:
            text += (
                f"\n_Left out: {', '.join(dropped)} of the shell that ran envdoctor, which named another "
                "environment than this one._\n"
            )
        # ensure_ascii: no raw control or bidi character in the block; the fence outlasts any inside.
        document = json.dumps(snapshot.to_dict(), indent=1, ensure_ascii=True)
        opening, closing = md_fence(document, "json")
        text += (
            "\n<details><summary>snapshot (JSON, for <code>envdoctor check --snapshot</code>)</summary>\n\n"
            f"{opening}\n{document}\n{closing}\n</details>\n"
        )
    write_output(text, args.output)
    return shared.exit_code
