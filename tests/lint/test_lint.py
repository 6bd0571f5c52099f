from __future__ import annotations

import json
from pathlib import Path

import pytest

from envdoctor.cli import main
from envdoctor.errors import UsageError
from envdoctor.lint import lint_file, parse_file
from envdoctor.rules._registry import all_rules
from tests.plan.fakekb import FakeKB, FakeRelease

BAD_ENV = """\
name: tf
channels:
  - defaults
  - conda-forge
dependencies:
  - python=3.12
  - numpy>=2
  - pip
  - pip:
    - tensorflow==2.13.*
    - numpy==2.1
"""

GOOD_ENV = """\
name: tf
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - pip
  - pip:
    - tensorflow==2.15.*
    - numpy<2
"""


def _lint(tmp_path: Path, name: str, text: str, platform: str = "linux-x86_64"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    findings, _ = lint_file(path, FakeKB(), platform=platform)
    first: dict[str, object] = {}
    for finding in findings:
        first.setdefault(finding.code, finding)  # the most severe one of each code
    return first, str(path)


def test_file_rules_are_registered_with_file_scope() -> None:
    codes = [r.code for r in all_rules(scope="file")]
    assert codes == ["ED501", "ED502", "ED503", "ED504", "ED505", "ED506", "ED507", "ED508"]
    assert not any(r.code.startswith("ED5") for r in all_rules())  # check does not run them


def test_environment_yml_findings_with_line_numbers(tmp_path: Path) -> None:
    found, path = _lint(tmp_path, "environment.yml", BAD_ENV)
    assert found["ED501"].evidence == [f"{path}:6: - python=3.12", f"{path}:10: - tensorflow==2.13.*"]
    assert "Python 3.8–3.11" in found["ED501"].message
    assert found["ED501"].fix == "use python=3.11 or tensorflow>=2.16"
    assert found["ED503"].evidence[0] == f"{path}:7: - numpy>=2"
    assert found["ED503"].cause == "numpy-abi"
    assert found["ED506"].evidence == [f"{path}:3: - defaults", f"{path}:4: - conda-forge"]
    assert found["ED507"].evidence == [f"{path}:7: - numpy>=2", f"{path}:11: - numpy==2.1"]
    assert "ED505" not in found  # tensorflow==2.13.* is pinned


def test_good_environment_is_clean(tmp_path: Path) -> None:
    found, _ = _lint(tmp_path, "environment.yml", GOOD_ENV)
    assert found == {}


def test_requirements_removed_unpinned_and_bad_line(tmp_path: Path) -> None:
    text = "# comment\ntensorflow-gpu\nprotobuf>=4 \\\n  --hash=sha256:00\nnumpy>>2\n"
    found, path = _lint(tmp_path, "requirements.txt", text)
    assert found["ED502"].fix == "replace 'tensorflow-gpu' with 'tensorflow[and-cuda]'"
    assert found["ED502"].evidence == [f"{path}:2: tensorflow-gpu"]
    assert found["ED505"].severity.value == "warning"
    assert found["ED508"].evidence[0].startswith(f"{path}:5:")


def test_windows_gpu(tmp_path: Path) -> None:
    found, path = _lint(tmp_path, "requirements.txt", "tensorflow[and-cuda]==2.15.*\n", "windows-x86_64")
    assert found["ED504"].evidence == [f"{path}:1: tensorflow[and-cuda]==2.15.*"]
    found, _ = _lint(tmp_path, "requirements.txt", "tensorflow[and-cuda]==2.15.*\n")
    assert "ED504" not in found
    found, _ = _lint(tmp_path, "requirements.txt", "tensorflow==2.10.*\n", "windows-x86_64")
    assert "ED504" not in found


def test_protobuf_cap_for_old_tensorflow(tmp_path: Path) -> None:
    kb = FakeKB()
    kb.data["tensorflow"].append(FakeRelease("2.9.3", {"linux-x86_64": ("3.9", "3.10")}))
    path = tmp_path / "requirements.txt"
    path.write_text("tensorflow==2.9.3\nprotobuf>=4\n")
    findings, _ = lint_file(path, kb)
    caps = [f for f in findings if f.code == "ED503"]
    assert [f.cause for f in caps] == ["protobuf-mismatch", "numpy-abi"] or {f.cause for f in caps} == {
        "protobuf-mismatch",
        "numpy-abi",
    }
    protobuf = next(f for f in caps if f.cause == "protobuf-mismatch")
    assert protobuf.severity.value == "error" and protobuf.evidence[0] == f"{path}:2: protobuf>=4"


def test_pyproject_and_pylock(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "x"\nrequires-python = ">=3.12"\n'
        'dependencies = [\n  "tensorflow==2.13.1",\n  "numpy>=2",\n]\n'
    )
    found, path = _lint(tmp_path, "pyproject.toml", pyproject)
    assert found["ED501"].evidence == [f'{path}:3: requires-python = ">=3.12"', f'{path}:5: "tensorflow==2.13.1",']
    assert found["ED503"].evidence[0] == f'{path}:6: "numpy>=2",'
    pylock = (
        'lock-version = "1.0"\nrequires-python = "==3.11.*"\n\n[[packages]]\nname = "numpy"\n'
        'version = "2.1.3"\n\n[[packages]]\nname = "tensorflow"\nversion = "2.15.1"\n'
    )
    found, path = _lint(tmp_path, "pylock.toml", pylock)
    assert found["ED503"].evidence == [f'{path}:5: name = "numpy"', f'{path}:9: name = "tensorflow"']
    assert "ED505" not in found


def test_unreadable_files_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "environment.yml"
    bad.write_text("dependencies: [\n")
    with pytest.raises(UsageError):
        parse_file(bad)
    with pytest.raises(UsageError):
        parse_file(tmp_path / "missing.txt")
    with pytest.raises(UsageError):
        parse_file(tmp_path / "data.json")


def test_cli_lint_json_schema_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import envdoctor.knowledge as knowledge

    monkeypatch.setattr(knowledge.KnowledgeBase, "load", classmethod(lambda cls, *a, **k: FakeKB()))
    env = tmp_path / "environment.yml"
    env.write_text(BAD_ENV)
    assert main(["lint", str(env), "--platform", "linux-x86_64", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1 and data["file"] == str(env)
    first = data["findings"][0]
    assert set(first) == {
        "code",
        "rule",
        "cause",
        "severity",
        "message",
        "evidence",
        "fix",
        "hints",
        "subject",
        "remedy",
        "about",
        "caused_by",
        "location",
    }
    assert first["location"]["path"] == str(env) and first["location"]["line"] >= 1
    good = tmp_path / "good" / "environment.yml"
    good.parent.mkdir()
    good.write_text(GOOD_ENV)
    assert main(["lint", str(good), "--platform", "linux-x86_64"]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["lint", str(tmp_path / "nope.yml")]) == 2
    bad = tmp_path / "broken.yml"
    bad.write_text("a: [\n")
    assert main(["lint", str(bad)]) == 2
    assert "not valid YAML" in capsys.readouterr().err
