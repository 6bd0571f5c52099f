"""The documented JSON schema names every field the snapshot and findings carry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from envdoctor import model

DOC = (Path(__file__).resolve().parents[1] / "docs" / "json-schema.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "cls",
    [
        model.Snapshot,
        model.Interpreter,
        model.Distribution,
        model.CondaRecord,
        model.Conda,
        model.Machine,
        model.GpuFacts,
        model.GpuDevice,
        model.CudaLibrary,
        model.Finding,
        model.Session,
        model.PathCommand,
        model.SeenInterpreter,
        model.NamedEnvironment,
        model.Jupyter,
        model.KernelSpecFacts,
    ],
    ids=lambda c: c.__name__,
)
def test_every_field_is_documented(cls: type) -> None:
    missing = [f.name for f in dataclasses.fields(cls) if f'"{f.name}"' not in DOC]
    assert not missing, f"docs/json-schema.md does not name {cls.__name__} fields {missing}"


def test_docs_causes_md_is_generated_from_the_package_table() -> None:
    from envdoctor.render import formats
    from envdoctor.render.views.explain import causes_document

    docs = Path(__file__).resolve().parents[1] / "docs" / "causes.md"
    assert docs.read_text(encoding="utf-8") == formats.render(causes_document(), "markdown"), (
        "docs/causes.md is stale: envdoctor explain --list-causes --format markdown > docs/causes.md"
    )


def test_the_package_table_holds_every_id_of_the_project_table() -> None:
    """The project's cause table (../shared/causes.md, beside the checkout) may lag the package's,
    never lead it. Without it (a plain clone), the package table must still hold the founding ids."""
    import re

    from envdoctor.explain.causes import CAUSES

    shared = Path(__file__).resolve().parents[2] / "shared" / "causes.md"
    founding = {
        "python-unsupported",
        "platform-unsupported",
        "package-removed",
        "numpy-abi",
        "numpy-api-removed",
        "protobuf-mismatch",
        "cuda-libs-missing",
        "cuda-version-mismatch",
        "driver-too-old",
        "no-gpu-visible",
        "cpu-instructions",
        "msvc-runtime-missing",
        "windows-long-paths",
        "env-leakage",
        "mixed-pip-conda",
        "solver-conflict",
        "keras-version-mismatch",
        "glibc-too-old",
        "dependency-version-mismatch",
        "network-or-index",
        "unknown",
    }
    ids = (
        set(re.findall(r"^\| ([a-z][a-z0-9-]+) \|", shared.read_text(encoding="utf-8"), re.M))
        if shared.exists()
        else founding
    )
    assert ids - {"id"} <= set(CAUSES) | {"unknown"}


def _internals_names() -> tuple[set[str], set[str]]:
    """(paths, dotted envdoctor names) docs/internals.md writes in backticks."""
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "internals.md").read_text(encoding="utf-8")
    spans = re.findall(r"`([^`\n]+)`", text)
    paths = {s for s in spans if re.fullmatch(r"(src|tests|docs|bench|scripts)/[\w./\-]+(::\w+)?", s)}
    dotted = set()
    for span in spans:
        dotted.update(re.findall(r"\benvdoctor(?:\.\w+)+", span))
    return paths, dotted


def test_internals_names_only_what_exists() -> None:
    import importlib

    root = Path(__file__).resolve().parents[1]
    paths, dotted = _internals_names()
    assert len(paths) > 20 and len(dotted) > 10  # the scan reads the page
    missing = []
    for name in sorted(paths):
        path, _, test = name.partition("::")
        if not (root / path).exists() or (test and f"def {test}(" not in (root / path).read_text(encoding="utf-8")):
            missing.append(name)
    for name in sorted(dotted):
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                found: object = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attribute in parts[cut:]:
                    found = getattr(found, attribute)
            except AttributeError:
                missing.append(name)
            break
        else:
            missing.append(name)
    assert not missing, f"docs/internals.md names what does not exist: {missing}"
