"""envdoctor report: a shareable record of the environment and machine, with check's findings."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

from envdoctor.commands._common import add_output_argument, add_target_arguments, load_snapshot_for
from envdoctor.output import write_output
from envdoctor.safetext import md_code, md_fence

if TYPE_CHECKING:
    from envdoctor.model import Snapshot

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


# set by the shell that ran envdoctor: they describe the reported environment only when they name it
ACTIVATION_VARIABLES = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_SHLVL")


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    add_output_argument(parser)
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep the home folder and the user name (default: replaced by ~ and <user>)",
    )


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


def run(args: argparse.Namespace) -> int:
    from envdoctor.doctor import diagnose, environment_summary
    from envdoctor.render.findings import findings_json, findings_markdown

    snapshot = load_snapshot_for(args)
    dropped = own_environment(snapshot)
    report = diagnose(snapshot)
    findings = report.findings
    if not args.no_redact:  # the diagnosis saw the real paths; what is shown does not
        from envdoctor.model import Finding, Snapshot, from_dict
        from envdoctor.render.redact import identities, redact_data

        people = identities([snapshot.interpreter.user_site])
        snapshot = Snapshot.from_dict(redact_data(snapshot.to_dict(), people))
        findings = [from_dict(Finding, redact_data(f.to_dict(), people)) for f in findings]
    env = environment_summary(snapshot)
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
    return 0
