"""`envdoctor kb`: what the knowledge base covers, a package's releases, one release in full, the
compatibility matrices, and what `kb refresh` / `kb html` did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from envdoctor.output import document_header
from envdoctor.render.document import (
    Block,
    Bullets,
    Cell,
    Column,
    Document,
    Facts,
    JsonData,
    Para,
    Section,
    Span,
    Table,
    command,
    line,
)

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase, Release

_SHORT = {
    "linux-x86_64": "linux",
    "linux-aarch64": "linux-arm",
    "macos-arm64": "mac-arm",
    "macos-x86_64": "mac-x86",
    "windows-x86_64": "win",
}


def release_record(kb: KnowledgeBase, rel: Release) -> dict[str, Any]:
    """The JSON shape of one release, with the curated facts merged in."""
    record = rel.to_dict()
    build = kb.build(rel.package, rel.version)
    if build is not None:
        record["cuda"] = build.cuda
        record["cudnn"] = build.cudnn
        record["build_source"] = build.source or record["build_source"]
    abi = kb.numpy_abi(rel.package, rel.version)
    record["numpy_abi"] = abi[0] if abi else None
    record["extra_constraints"] = [
        {"requirement": c.requirement, "cause": c.cause, "reason": c.reason, "source": c.source}
        for c in kb.extra_constraints(rel.package, rel.version)
    ]
    driver = kb.min_driver(build.cuda) if build is not None and build.cuda else None
    record["min_driver"] = (
        {
            "toolkit_driver": driver.toolkit_driver,
            "minor_compat_driver": driver.minor_compat_driver,
            "source": driver.source,
        }
        if driver
        else None
    )
    removed = kb.removed(rel.package)
    record["removed"] = (
        {"since": removed.since, "replacement": removed.replacement, "reason": removed.reason} if removed else None
    )
    return record


def python_span(pythons: list[str]) -> str:
    """["3.9", "3.10", "3.11"] -> "3.9-3.11" (gaps listed: "2.7, 3.5-3.7")."""
    if not pythons:
        return "-"
    keys = [tuple(int(x) for x in p.split(".")) for p in pythons]
    runs: list[list[tuple[int, ...]]] = []
    for key in keys:
        if runs and runs[-1][-1][0] == key[0] and runs[-1][-1][1] + 1 == key[1]:
            runs[-1].append(key)
        else:
            runs.append([key])
    parts = []
    for run_ in runs:
        first = ".".join(map(str, run_[0]))
        last = ".".join(map(str, run_[-1]))
        parts.append(first if first == last else f"{first}-{last}")
    return ", ".join(parts)


def _platforms_cell(rec: Mapping[str, Any]) -> str:
    if rec.get("pure"):
        return "any (pure)"
    cells = []
    for platform, pys in rec["pythons"].items():
        if pys:
            stub = rec["stubs"].get(platform)
            cells.append(_SHORT[platform] + (f"->{stub}" if stub else ""))
    return " ".join(cells) or "-"


def _notes(rec: Mapping[str, Any]) -> str:
    notes = []
    if rec["yanked"]:
        notes.append("yanked" + (f": {rec['yanked_reason']}" if rec.get("yanked_reason") else ""))
    if rec["sdist_only"]:
        notes.append("sdist only")
    if rec.get("removed"):
        notes.append(f"removed -> {rec['removed']['replacement']}")
    return "; ".join(notes)


def overview_document(kb: KnowledgeBase) -> Document:
    rows: list[dict[str, Any]] = []
    for name in kb.packages():
        rels = kb.releases(name)
        rows.append(
            {
                "package": name,
                "releases": len(rels),
                "oldest": rels[0].version if rels else None,
                "newest": rels[-1].version if rels else None,
            }
        )
    source = str(kb.releases_path) if kb.releases_path else None
    table = Table(
        [Column("package"), Column("releases", align="right"), Column("oldest"), Column("newest")],
        [[Span(r["package"], "code"), str(r["releases"]), r["oldest"] or "-", r["newest"] or "-"] for r in rows],
    )
    return Document(
        "kb",
        line("envdoctor kb: the compatibility knowledge base"),
        [
            Facts(
                [("release data", line(Span(source or "none", "literal"))), ("generated", line(kb.generated or "?"))]
            ),
            table,
            Para(
                line(
                    command("envdoctor kb show PACKAGE [VERSION]", "code"),
                    " for details; ",
                    command("envdoctor kb refresh", "code"),
                    " to update.",
                ),
                "dim",
            ),
        ],
        data=JsonData({**document_header(), "generated": kb.generated, "source": source, "packages": rows}),
    )


def releases_document(name: str, records: Sequence[Mapping[str, Any]], shown: Sequence[Mapping[str, Any]]) -> Document:
    """Every release of `name` (JSON: all of them; the table: `shown`, newest first)."""
    rows = []
    for rec in reversed(list(shown)):
        all_pys = sorted(
            {p for pys in rec["pythons"].values() for p in pys}, key=lambda s: tuple(map(int, s.split(".")))
        )
        rows.append(
            [
                Span(rec["version"], "code"),
                python_span(all_pys),
                _platforms_cell(rec),
                rec["cuda"] or "-",
                rec["cudnn"] or "-",
                rec["numpy_abi"] or "-",
                (rec["upload_time"] or "")[:10],
                _notes(rec),
            ]
        )
    names = ("version", "python", "platforms", "cuda", "cudnn", "numpy", "uploaded")
    columns = [*(Column(n) for n in names), Column("notes", wrap=True)]
    blocks: list[Block] = [Table(columns, rows)]
    hidden = len(records) - len(shown)
    if hidden:
        blocks.append(Para(line(f"({hidden} yanked or sdist-only releases hidden; --all shows them)"), "dim"))
    return Document(
        "kb",
        line(f"{name}: {len(shown)} releases (python: every Python with a wheel on some platform)"),
        blocks,
        data=JsonData({**document_header(), "package": name, "releases": list(records)}),
    )


def release_document(name: str, version: str, rec: Mapping[str, Any]) -> Document:
    """One release in full: wheels per platform, the build, the requirements, curated constraints."""
    head = [("uploaded", line(rec["upload_time"] or "?", Span("  (YANKED)", "error") if rec["yanked"] else None))]
    head.append(("requires-python", line(rec["requires_python"] or "-")))
    wheels = []
    for platform, pys in rec["pythons"].items():
        stub = rec["stubs"].get(platform)
        wheels.append(
            (platform, line(", ".join(pys) if pys else "-", f"   (stub wheel: installs {stub})" if stub else ""))
        )
    wheel_blocks: list[Block] = [Facts(wheels)]
    if rec["sdist_only"]:
        wheel_blocks.append(Para(line("(no wheels: source distribution only)"), "dim"))
    build: list[tuple[str, Any]] = [("CUDA", line(rec["cuda"] or "-")), ("cuDNN", line(rec["cudnn"] or "-"))]
    if rec["compute_capabilities"]:
        build.append(("compute capabilities", line(", ".join(rec["compute_capabilities"]))))
    if rec["build_source"]:
        build.append(("source", line(Span(rec["build_source"], "literal"))))
    if rec["min_driver"]:
        driver = rec["min_driver"]
        build.append(
            (
                "NVIDIA driver",
                line(
                    f">= {driver['toolkit_driver'] or '?'} (toolkit), "
                    f">= {driver['minor_compat_driver'] or '-'} (minor-version compatibility)"
                ),
            )
        )
    if rec["numpy_abi"]:
        build.append(("NumPy", line(f"built against NumPy {rec['numpy_abi']}.x")))
    base = [r for r in rec["requires"] if "extra ==" not in r.replace("extra==", "extra ==")]
    blocks: list[Block] = [
        Facts(head),
        Section(line("Pythons per platform (from wheel tags)"), wheel_blocks),
        Section(line("Build"), [Facts(build)]),
        Section(
            line(f"Requires-Dist ({rec['metadata_file'] or 'no wheel'})"),
            [Bullets([line(Span(r, "literal")) for r in base] or [line("-")])],
        ),
    ]
    for extra, reqs in rec["extras"].items():
        blocks.append(
            Section(line(f"Extra [{extra}]"), [Bullets([line(Span(r, "literal")) for r in reqs] or [line("-")])])
        )
    if rec["extra_constraints"]:
        items = [
            line(Span(c["requirement"], "literal"), f"  ({c['cause']}): {c['reason']} [{c['source']}]")
            for c in rec["extra_constraints"]
        ]
        blocks.append(Section(line("Known constraints the metadata does not state"), [Bullets(items)]))
    if rec["removed"]:
        removed = rec["removed"]
        blocks.append(Para(line(f"Removed package: use {removed['replacement']} ({removed['reason']})"), "warning"))
    return Document(
        "kb",
        line(f"{name} {version}"),
        blocks,
        data=JsonData({**document_header(), "package": name, "releases": [dict(rec)]}),
    )


def html_document(written: str, stats: Any, size_goal: int, index_uri: str) -> Document:
    def size(n: int) -> str:
        return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"

    goal = "within" if stats.total <= size_goal else "OVER"
    text = (
        f"wrote {written}/: {len(stats.files)} files, {size(stats.total)} ({goal} the {size(size_goal)} goal); "
        f"{stats.states} selector states, {stats.answers} distinct answers, in {stats.seconds:.1f}s"
    )
    data = {
        **document_header(),
        "written": written,
        "files": stats.files,
        "bytes": stats.total,
        "size_goal_bytes": size_goal,
        "states": stats.states,
        "answers": stats.answers,
        "seconds": round(stats.seconds, 2),
    }
    return Document(
        "kb",
        line(text),
        [Para(line("open ", Span(index_uri, "literal")))],
        data=JsonData(data),
    )


def refresh_document(summary: Mapping[str, Any]) -> Document:
    text = (
        f"wrote {summary['written']}: {summary['releases']} releases of {summary['packages']} packages in "
        f"{summary['seconds']:.1f}s ({summary['reused']} unchanged, {summary['wheels_read']} wheels read, "
        f"{summary['wheels_from_cache']} from cache, {summary['megabytes']:.1f} MB)"
    )
    errors = [line(f"could not read {err}") for err in summary["errors"]]
    return Document(
        "kb",
        line(text),
        [Bullets(errors, style="error")] if errors else [],
        data=JsonData({**document_header(), **summary}),
    )


def matrix_document(kb: KnowledgeBase, framework: str, platforms: Sequence[str]) -> Document:
    """`kb show FRAMEWORK --matrix`: releases x Python per platform, x CUDA / cuDNN, the drivers,
    the NumPy ABI and the caps the metadata lacks (the explorer's matrices)."""
    # lazy: explorer.matrices costs 197.1 ms, 86 modules: packaging; only matrix_document() needs it
    from envdoctor.explorer import matrices

    # lazy: explorer.terminal costs 207.7 ms, 87 modules: packaging; only matrix_document() needs it
    from envdoctor.explorer.terminal import matrices_json

    symbol = {matrices.WHEEL: ("●", "ok"), matrices.STUB: ("↪", "info"), matrices.MISSING: ("·", "dim")}
    label = matrices.label(framework)
    wheel = matrices.wheels(kb, framework)
    blocks: list[Block] = []
    for platform in platforms:
        rows: list[list[Any]] = []
        for i, (version, yanked, _) in enumerate(wheel.rows):
            cells: list[Any] = [Span(version + (" (yanked)" if yanked else ""), "code")]
            for py in wheel.pythons:
                kind, _stub = wheel.cell(i, platform, py)
                mark, style = symbol.get(kind, ("·", "dim"))
                cells.append(Span(mark, style))
            rows.append(cells)
        columns = [Column(wheel.package), *(Column(py, align="center") for py in wheel.pythons)]
        blocks.append(
            Table(
                columns,
                rows,
                title=f"{label}: {wheel.package} releases × Python on {platform}",
                caption="● wheel  ↪ stub wheel that installs another package  · none  (source: the wheels on PyPI)",
            )
        )
        stubs = sorted(
            {
                stub
                for i in range(len(wheel.rows))
                for py in wheel.pythons
                for kind, stub in [wheel.cell(i, platform, py)]
                if stub
            }
        )
        if stubs:
            blocks.append(Para(line(f"  ↪ installs: {', '.join(stubs)}")))
    builds: list[list[Cell]] = [
        [
            b.package,
            b.version,
            b.cuda or "-",
            b.cudnn or "-",
            b.toolkit_driver or "-",
            b.minor_compat_driver or "-",
            b.windows_toolkit_driver or "-",
            Span(matrices.first_url(b.source) or matrices.pypi_files(b.package, b.version), "literal"),
        ]
        for b in matrices.builds(kb, framework)
    ]
    names = ("package", "version", "CUDA", "cuDNN", "toolkit driver", "minor-compat", "Windows toolkit")
    blocks.append(
        Table(
            [*(Column(n) for n in names), Column("source", wrap=True)],
            builds,
            title=f"{label}: releases × CUDA / cuDNN",
        )
    )
    driver_table = matrices.drivers(kb, framework)
    drivers: list[list[Any]] = []
    for row in driver_table.rows:
        used = ", ".join(row.used_by[:4]) + (f" (+{len(row.used_by) - 4})" if len(row.used_by) > 4 else "")
        drivers.append(
            [row.cuda + (f" {row.release}" if row.release else ""), row.linux or "-", row.windows or "N/A", used]
        )
    for major, linux, windows, _ in driver_table.minor_compat:
        drivers.append([f"{major}.x minor-version compat", linux or "-", windows or "-", f"any {major}.x build"])
    blocks.append(
        Table(
            [Column("CUDA"), Column("Linux x86_64"), Column("Windows x86_64"), Column("used by", wrap=True)],
            drivers,
            title=f"{label}: CUDA → NVIDIA driver",
            caption=matrices.first_url(driver_table.source) or "",
        )
    )
    abi, caps = matrices.numpy(kb, framework)
    numpy_rows: list[list[Cell]] = [
        [
            r.versions,
            f"built against NumPy {r.abi}.x",
            ", ".join(r.platforms) or "all",
            Span(matrices.first_url(r.source), "literal"),
        ]
        for r in abi
    ]
    numpy_rows += [
        [c.versions, f"needs {c.requirement}", "all", Span(matrices.first_url(c.source), "literal")] for c in caps
    ]
    blocks.append(
        Table(
            [Column("releases"), Column("fact"), Column("platforms"), Column("source", wrap=True)],
            numpy_rows,
            title=f"{label}: NumPy ABI and the caps metadata lacks",
        )
    )
    return Document(
        "kb",
        line(f"{label} compatibility matrices"),
        blocks,
        data=JsonData({**document_header(), **matrices_json(kb, framework)}),
    )
