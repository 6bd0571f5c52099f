"""`envdoctor plan SPEC...`: a compatible, fully pinned environment, or a proof that none exists.

Exit codes: 0 a plan was found; 1 nothing fits (the proof is printed); 2 usage error; 3 could not
resolve (the index was unreachable or a resolver failed: its message and what to try are printed).
"""

from __future__ import annotations

import argparse
from contextlib import nullcontext

from envdoctor import progress
from envdoctor.actions.uvtool import add_index_arguments, index_options
from envdoctor.commands._common import add_file_argument
from envdoctor.errors import UsageError
from envdoctor.output import deprecated
from envdoctor.render import formats

DESCRIPTION = """\
Choose the newest framework release (TensorFlow, PyTorch, JAX) that fits the Python, platform,
GPU driver and your other pins, add the caps the knowledge base knows (TensorFlow <= 2.17 ->
numpy<2, ...), then resolve the complete set with uv (and py-rattler for --manager conda).
Defaults come from this machine; --python / --platform / --driver plan for another one.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        help="requirements: tensorflow, 'tensorflow==2.15.*', 'torch>=2.4', 'jax[cuda12]', numpy<2 ...",
    )
    parser.add_argument(
        "-r",
        "--requirement",
        action="append",
        default=[],
        metavar="FILE",
        help="add the requirements of a requirements.txt (repeatable)",
    )
    add_file_argument(parser, repeat=True, help="add the dependencies of a conda environment.yml (repeatable)")
    gpu = parser.add_mutually_exclusive_group()
    gpu.add_argument(
        "--gpu",
        dest="gpu",
        action="store_const",
        const=True,
        default=None,
        help="plan the GPU (CUDA) build; default: when this machine has an NVIDIA driver",
    )
    gpu.add_argument("--cpu", dest="gpu", action="store_const", const=False, help="plan the CPU build")
    python = parser.add_mutually_exclusive_group()
    python.add_argument("--python-version", metavar="X.Y", help="target Python version (default: the newest that fits)")
    python.add_argument(
        "--python",
        metavar="PATH|NAME",
        help="plan for this interpreter's Python version (a path or a command on PATH)",
    )
    parser.add_argument(
        "--platform",
        metavar="KEY",
        help="linux-x86_64 | linux-aarch64 | macos-arm64 | macos-x86_64 | windows-x86_64 (default: this machine)",
    )
    parser.add_argument(
        "--driver", metavar="VERSION", help="NVIDIA driver of the target machine, e.g. 535.104.05 (default: probed)"
    )
    parser.add_argument(
        "--manager",
        choices=("pip", "conda"),
        default="pip",
        help="pip: everything from PyPI via uv; conda: python (+ CUDA for old "
        "TensorFlow) solved with py-rattler, the rest from pip",
    )
    parser.add_argument(
        "--conda-framework",
        action="store_true",
        help="with --manager conda: take the framework from conda-forge builds",
    )
    parser.add_argument(
        "-c",
        "--channel",
        action="append",
        default=[],
        metavar="CHANNEL",
        help="conda channel or local channel folder (default: conda-forge)",
    )
    parser.add_argument("--pre", action="store_true", help="allow pre-releases")
    add_index_arguments(parser)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="revalidate every package against the index (default: uv's cache "
        "first, the index only for what the cache lacks)",
    )
    parser.add_argument(
        "--no-resolve", action="store_true", help="stop after the knowledge-base choice (no uv / conda solve)"
    )
    parser.add_argument("--name", metavar="NAME", help="environment name in environment.yml")
    parser.add_argument("--write-env", metavar="FILE", help="write a conda environment.yml")
    parser.add_argument("--write-requirements", metavar="FILE", help="write requirements.txt with hashes")
    parser.add_argument("--write-lock", metavar="FILE", help="write a PEP 751 pylock.toml")


def _check_python(text: str | None) -> str | None:
    if text is None:
        return None
    parts = text.strip().split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise UsageError(f"--python wants a version like 3.11, not {text!r}")
    return f"{parts[0]}.{parts[1]}"


def _target_version(args: argparse.Namespace) -> str | None:
    """--python-version X.Y, or the version of the interpreter --python names. `--python X.Y` (a
    version) keeps working for one release, with a deprecation line."""
    if args.python_version:
        return str(args.python_version)
    if not args.python:
        return None
    # lazy: kept out of `plan --help` (10 ms, 13 modules)
    from envdoctor.probe.interpreters import looks_like_version, resolve_python_request, version_of

    if looks_like_version(args.python):
        deprecated(
            f"plan --python {args.python}",
            f"--python-version {args.python}",
            "--python names an interpreter, as in uv; a version as a value stops working in the next release",
        )
        return str(args.python)
    found = resolve_python_request(args.python)
    version = version_of(found[0]) if found else None
    if version is None:
        raise UsageError(f"no interpreter found for --python {args.python!r} (for a version: --python-version X.Y)")
    return version


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `plan --help` (104 ms, 73 modules: packaging) and completion (74 ms)
    from envdoctor.plan import (
        OutputFiles,
        ResolveOptions,
        make_plan,
        read_spec_files,
        target_for_machine,
    )

    # lazy: kept out of `plan --help` (12 ms, 3 modules) and completion (11 ms)
    from envdoctor.render.views.plan import plan_document

    wanted = read_spec_files(args.specs, args.requirement, args.file)
    if not wanted.pip and not wanted.conda:
        raise UsageError("nothing to plan: give a SPEC (e.g. tensorflow), -r FILE or -f FILE")
    if args.conda_framework and args.manager != "conda":
        raise UsageError("--conda-framework needs --manager conda")
    python = _check_python(_target_version(args)) or wanted.python
    target = target_for_machine(
        python=python,
        platform=args.platform,
        gpu=args.gpu,
        driver=args.driver,
        manager=args.manager,
        prereleases=args.pre,
        conda_framework=args.conda_framework,
    )
    channels = tuple(args.channel or wanted.channels or ["conda-forge"])
    options = ResolveOptions.from_index(index_options(args), cache_first=not args.refresh, channels=channels)
    files = OutputFiles(
        environment_yml=args.write_env,
        requirements_txt=args.write_requirements,
        pylock_toml=args.write_lock,
        env_name=args.name or wanted.name,
    )
    solver = "uv and py-rattler" if args.manager == "conda" else "uv"
    label = f"planning {' '.join([*wanted.pip, *wanted.conda])[:80]} ({solver})"
    with progress.step(label) if not args.no_resolve else nullcontext() as status:
        plan = make_plan(
            wanted.pip,
            target,
            options=options,
            files=files,
            conda_specs=wanted.conda,
            resolve=not args.no_resolve,
        )
        if status is not None and plan.status != "feasible":
            status.fail("nothing fits" if plan.status == "infeasible" else "could not resolve")
    formats.show(plan_document(plan), args.format)
    return plan.exit_code
