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
