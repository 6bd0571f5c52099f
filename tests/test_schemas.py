"""Every JSON document envdoctor prints validates against its JSON Schema under docs/schemas/.

The documents are real outputs of the CLI (subprocesses) on environments built on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schemas"
BASE = "https://envdoctor.dev/schemas/"


def registry() -> Registry:  # type: ignore[type-arg]
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((BASE + path.name, Resource.from_contents(contents)))
    return Registry().with_resources(resources)


REGISTRY = registry()


def validate(document: Any, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, registry=REGISTRY)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def envdoctor(*args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "envdoctor", *args, "--output-format", "json", "--isolated"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "UV_HTTP_RETRIES": "0"},
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1, 3), done.stderr
    return json.loads(done.stdout)


def test_every_schema_is_valid_and_named_by_its_id() -> None:
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert "common.schema.json" in names and len(names) >= 7
    for name in names:
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == BASE + name


def test_check_report_and_snapshot(broken_venv: Path, tmp_path: Path) -> None:
    check = envdoctor("check", "--prefix", str(broken_venv))
    assert check["findings"]
    validate(check, "check")
    validate(envdoctor("report", "--prefix", str(broken_venv)), "report")
    snapshot = envdoctor("snapshot", "--prefix", str(broken_venv))
    validate(snapshot, "snapshot")
    # a wrong document fails: the schemas are not vacuous
    check["findings"][0]["severity"] = "fatal"
    with pytest.raises(AssertionError):
        validate(check, "check")
    del snapshot["interpreter"]["executable"]
    with pytest.raises(AssertionError):
        validate(snapshot, "snapshot")


def test_lint_one_file_and_several(tmp_path: Path) -> None:
    env = tmp_path / "environment.yml"
    env.write_text("name: x\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - tensorflow==2.13.0\n")
    req = tmp_path / "requirements.txt"
    req.write_text("tensorflow-gpu\nnumpy>=2\n")
    one = envdoctor("lint", str(env), "--platform", "linux-x86_64")
    validate(one, "lint")
    validate(envdoctor("lint", str(env), str(req), "--platform", "linux-x86_64"), "lint")


@pytest.mark.parametrize(
    "args",
    [
        ["tensorflow==2.15.*", "--python-version", "3.11", "--cpu", "--no-resolve"],
        ["tensorflow==2.13.*", "--python-version", "3.12", "--cpu", "--no-resolve"],
        ["six", "--python-version", "3.11", "--cpu", "--index-url", "http://127.0.0.1:9/simple", "--refresh"],
    ],
    ids=["feasible", "infeasible", "unresolved"],
)
def test_plan(args: list[str]) -> None:
    validate(envdoctor("plan", *args, "--platform", "linux-x86_64"), "plan")


@pytest.mark.network
def test_resolved_plan() -> None:
    plan = envdoctor("plan", "tensorflow-cpu", "--python-version", "3.11", "--cpu", "--platform", "linux-x86_64")
    assert plan["status"] == "feasible" and len(plan["packages"]) > 10
    validate(plan, "plan")


def test_fleet(broken_venv: Path, tmp_path: Path) -> None:
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    for name, args in (("n1", ["--prefix", str(broken_venv)]), ("n2", ["--python", sys.executable])):
        (snaps / f"{name}.json").write_text(json.dumps(envdoctor("snapshot", *args)))
    (snaps / "n3.json").write_text("{not json")
    validate(envdoctor("fleet", str(snaps)), "fleet")
