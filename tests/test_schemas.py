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
    common = ["--output-format", "json", "--isolated"]
    # `kb ACTION ...`: the verb's options go before the action
    argv = ["kb", *common, *args[1:]] if args[0] == "kb" else [*args, *common]
    done = subprocess.run(
        [sys.executable, "-m", "envdoctor", *argv],
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


def test_explain_and_the_catalogues() -> None:
    log = Path(__file__).resolve().parent / "corpus" / "tuning" / "glibc-tf-1324.log"
    explained = envdoctor("explain", str(log))
    assert explained["cause"] == "glibc-too-old"
    validate(explained, "explain")
    unknown = envdoctor("explain", str(Path(__file__)))  # not a log: unknown, with no evidence
    validate(unknown, "explain")
    validate(envdoctor("check", "--list-rules"), "catalogues")
    validate(envdoctor("explain", "--list-causes"), "catalogues")
    validate(envdoctor("completion", "bash"), "completion")
    explained["confidence"] = 2
    with pytest.raises(AssertionError):
        validate(explained, "explain")


def test_kb_documents(tmp_path: Path) -> None:
    validate(envdoctor("kb", "show"), "kb")
    releases = envdoctor("kb", "show", "tensorflow")
    validate(releases, "kb")
    validate(envdoctor("kb", "show", "tensorflow", "2.15.0"), "kb")
    validate(envdoctor("kb", "show", "torch", "--matrix"), "kb")
    validate(envdoctor("kb", "html", "-o", str(tmp_path / "site")), "kb")
    del releases["releases"][0]["pythons"]
    with pytest.raises(AssertionError):
        validate(releases, "kb")


def test_kernels(tmp_path: Path) -> None:
    validate(envdoctor("kernels", "--jupyter", sys.executable, "--search-path", "envdoctor"), "kernels")


def test_verify_fix_restore_and_create(tmp_path: Path) -> None:
    """A real venv where the fake TensorFlow fails under NumPy 2: verify, fix (plan, then --apply from
    local wheels), the restore point it left (--list, --dry-run, restore), and create."""
    from tests.actions.fakes import make_venv as uv_venv
    from tests.actions.fakes import uv_install, wheel_folder

    wheels = wheel_folder(tmp_path / "wheels")
    python = uv_venv(tmp_path / "env")
    uv_install(python, wheels, "tensorflow==2.15.0", "numpy==2.0.0")
    verified = envdoctor("verify", "--python", str(python), "--timeout", "60")
    assert not verified["ok"] and verified["frameworks"][0]["explanation"]
    validate(verified, "verify")
    local = ["--find-links", str(wheels), "--no-index"]
    planned = envdoctor("fix", "--python", str(python), *local)
    assert planned["plan"]["steps"] and not planned["applied"]
    validate(planned, "fix")
    applied = envdoctor("fix", "--python", str(python), "--apply", "--yes", "--verify-timeout", "60", *local)
    assert applied["applied"] and applied["restore_point"] and applied["verify_after"]
    validate(applied, "fix")
    listed = envdoctor("restore", "--python", str(python), "--list")
    assert listed["points"]
    validate(listed, "restore")
    validate(envdoctor("restore", "--python", str(python), "--dry-run", *local), "restore")
    restored = envdoctor("restore", "--python", str(python), "--yes", *local)
    assert restored["ok"]
    validate(restored, "restore")
    created = envdoctor(
        "create", "numpy==1.26.4", "--no-plan", "--python", sys.executable, "--prefix", str(tmp_path / "new"), *local
    )
    assert created["ok"] and created["verify"] is not None
    validate(created, "create")
    applied["runs"][0]["ok"] = "yes"
    with pytest.raises(AssertionError):
        validate(applied, "fix")
