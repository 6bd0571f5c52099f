"""`envdoctor plan SPEC...`: a compatible, fully pinned environment, or a proof that none exists.

Exit codes: 0 a plan was found; 1 nothing fits (the proof is printed); 2 usage error.
"""

from __future__ import annotations

import argparse

from envdoctor.errors import UsageError

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
    parser.add_argument(
        "-f",
        "--file",
        action="append",
        default=[],
        metavar="FILE",
        help="add the dependencies of a conda environment.yml (repeatable)",
    )
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
    parser.add_argument("--python", metavar="X.Y", help="target Python (default: newest that fits)")
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
    parser.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR_OR_URL",
        help="extra wheel locations for uv (repeatable)",
    )
    parser.add_argument("--no-index", action="store_true", help="do not use PyPI (only --find-links)")
    parser.add_argument("--index-url", metavar="URL", help="package index instead of PyPI")
    parser.add_argument("--offline", action="store_true", help="resolve from uv's cache only")
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


def run(args: argparse.Namespace) -> int:
    from envdoctor.output import emit
    from envdoctor.plan import (
        OutputFiles,
        ResolveOptions,
        make_plan,
        read_spec_files,
        target_for_machine,
    )
    from envdoctor.plan.render import render

    wanted = read_spec_files(args.specs, args.requirement, args.file)
    if not wanted.pip and not wanted.conda:
        raise UsageError("nothing to plan: give a SPEC (e.g. tensorflow), -r FILE or -f FILE")
    if args.conda_framework and args.manager != "conda":
        raise UsageError("--conda-framework needs --manager conda")
    python = _check_python(args.python) or wanted.python
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
    options = ResolveOptions(
        find_links=tuple(args.find_links),
        no_index=args.no_index,
        index_url=args.index_url,
        offline=args.offline,
        cache_first=not args.refresh,
        channels=channels,
    )
    files = OutputFiles(
        environment_yml=args.write_env,
        requirements_txt=args.write_requirements,
        pylock_toml=args.write_lock,
        env_name=args.name or wanted.name,
    )
    plan = make_plan(
        wanted.pip,
        target,
        options=options,
        files=files,
        conda_specs=wanted.conda,
        resolve=not args.no_resolve,
    )
    emit(render(plan, args.format))
    return 0 if plan.feasible else 1
