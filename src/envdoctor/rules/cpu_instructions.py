"""ED301: TensorFlow (or jaxlib) on an x86-64 CPU without AVX."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import binary_family
from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe
from envdoctor.rules._registry import rule
from envdoctor.versions import parse_version

# Official x86-64 wheels built with AVX since these releases.


@rule(
    "ED301",
    "cpu-instructions",
    title="The CPU lacks instructions the framework binary needs",
    severity=Severity.ERROR,
    cause="cpu-instructions",
)
def cpu_instructions(ctx: Context) -> Iterator[Finding]:
    """What:
    TensorFlow >= 1.6 (or jaxlib) is installed on an x86-64 machine whose CPU flags (from
    /proc/cpuinfo) do not include AVX. Only checked when the architecture is x86-64 and the CPU
    flags are known.

    Why:
    The official x86-64 wheels are compiled with AVX: `import tensorflow` dies with "Illegal
    instruction (core dumped)" and no traceback; jaxlib refuses to load ("This version of jaxlib
    was built using AVX instructions, which your CPU and/or operating system do not support").
    Old CPUs (pre-2011, some Atom / Celeron / Pentium) and VMs that hide AVX are affected.

    Example:
    tensorflow 2.15.0 on an "Intel(R) Celeron(R) CPU J1900" (flags: sse4_2, no avx).

    Fix:
    No pip command fixes it: expose AVX to the VM (e.g. QEMU/KVM `-cpu host`, VirtualBox with
    hardware virtualisation), use a machine with AVX, or build TensorFlow from source without
    AVX (`bazel build --copt=-march=native ...`).
    """
    machine = ctx.machine
    arch = (machine.arch or ctx.interpreter.machine or "").lower()
    if arch not in ("x86_64", "amd64", "x64") or not machine.cpu_flags:
        return
    flags = {f.lower() for f in machine.cpu_flags}
    if "avx" in flags:
        return
    for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
        framework = binary_family(dist.name)
        if framework is None or not framework.avx_since:
            continue
        have, since = parse_version(dist.version), parse_version(framework.avx_since)
        if have is None or since is None or have < since:
            continue
        yield cpu_instructions.finding(
            f"{dist.name} {dist.version} needs AVX, which this CPU "
            f"({machine.cpu_model or 'unknown model'}) does not report",
            evidence=[
                f"{dist.name}: {describe(dist)}",
                f"CPU: {machine.cpu_model or 'unknown'}; flags: {', '.join(sorted(flags))} (no avx)",
                f"arch: {arch}",
            ],
            fix=None,
            hints=[
                "In a VM, pass the host CPU's features through (QEMU/KVM: -cpu host; VirtualBox: "
                "enable hardware virtualisation and AVX passthrough).",
                "Otherwise use a machine with AVX, or a TensorFlow built from source without AVX.",
            ],
            subject=dist.name,
        )
