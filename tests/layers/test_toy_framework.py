"""The one place to touch for a framework (docs/internals.md): a toy fourth framework, "toyflow",
is described by one `Framework` descriptor, registered here at run time, and seen by the real
CLI / API with no other change: `kb refresh` builds its release data from a (local) index,
`kb show` answers for it, `check` finds its NumPy-ABI clash in a real venv, `plan` pins it
(and the cap its curated facts ask for), `verify` imports a real toyflow installed by uv.

Its curated facts (NumPy ABI per release, the numpy cap) live where a real framework's do, in
curated.json: here a copy of the shipped data folder with toyflow's entries added."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from envdoctor import api, frameworks, knowledge
from envdoctor.actions.uvtool import uv_binary
from envdoctor.cli import main
from envdoctor.frameworks import Conda, Framework, PlanBuild, PlanQuestion, Variant
from envdoctor.frameworks._buildinfo import literal_assignments
from tests.actions.fakes import build_wheel, make_venv, site_packages
from tests.factories import make_dist
from tests.knowledge.conftest import IndexServer, make_wheel

SOURCE = "https://toyflow.example/releases (toyflow 2.0: built against NumPy 2)"
NUMPY1 = b"\x7fnot-elf\x00numpy.core._multiarray_umath\x00_import_array\x00"  # what NumPy 1 headers leave

# the in-target part of verify (Python 3.6+, stdlib only): the toy's version, backend and one sum
VERIFY = """
def verify_framework(rec, module, h):
    rec.emit(step="info", version=module.__version__, build={"backend": module.BACKEND, "cuda": None},
             built_with_cuda=False, devices=[{"name": "toy:0", "type": "CPU"}])
    h.compute(rec, "CPU:0", lambda: module.add(20, 34))
"""


class ToyFlow(Framework):
    def read_build_info(
        self, package: str, members: Mapping[str, str], requires: Sequence[str], wheel: str, metadata_file: str
    ) -> dict[str, object]:
        text = members.get("toyflow/_build.py")
        if text is None:
            return {}
        facts = literal_assignments(text)
        return {"cuda": facts.get("cuda"), "cudnn": facts.get("cudnn"), "build_source": f"toyflow/_build.py of {wheel}"}

    def plan_build(self, question: PlanQuestion) -> PlanBuild:
        out = PlanBuild()
        if question.gpu and question.os == "linux":
            out.extras.append("cuda")
            out.detail.append(f"GPU through toyflow[cuda] (CUDA {question.cuda})")
        return out


TOYFLOW = ToyFlow(
    key="toyflow",
    label="ToyFlow",
    distribution="toyflow",
    variants=(Variant("toyflow", request=True), Variant("toyflow-cpu", request=True, cpu_only=True)),
    aliases=("toy-flow",),
    conda=Conda(request="toyflow", records=("libtoyflow",), aliases=("toyflow-cpu",)),
    focus=("numpy",),
    kb_packages={"toyflow": "1.0"},
    numpy_binaries=("_toyflow_core",),
    build_members=("toyflow/_build.py",),
    verify_code=VERIFY,
    verify_keys=("backend",),
)

CURATED = {
    "numpy_abi": [
        {"package": "toyflow", "versions": "<2.0", "abi": "1", "source": SOURCE},
        {"package": "toyflow", "versions": ">=2.0", "abi": "2", "source": SOURCE},
    ],
    "extra_constraints": [
        {
            "package": "toyflow",
            "versions": "<2.0",
            "requirement": "numpy<2",
            "cause": "numpy-abi",
            "reason": "built against NumPy 1.x",
            "source": SOURCE,
        }
    ],
}

# what the local index serves: version -> (Requires-Dist, CUDA in its build file)
RELEASES = {"1.4.0": (["numpy>=1.21"], "11.8"), "2.1.0": (["numpy>=2"], "12.4")}
PYTHONS = ("cp311", "cp312")


@pytest.fixture
def toyflow() -> Iterator[Framework]:
    with frameworks.registered(TOYFLOW) as fw:
        yield fw


@pytest.fixture
def toy_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped data folder plus toyflow's curated facts; a user cache of its own."""
    data = tmp_path / "kb-data"
    data.mkdir()
    curated = json.loads((knowledge.DATA_DIR / knowledge.CURATED_FILE).read_text(encoding="utf-8"))
    for section, entries in CURATED.items():
        curated[section] = [*curated.get(section, []), *entries]
    (data / knowledge.CURATED_FILE).write_text(json.dumps(curated), encoding="utf-8")
    shutil.copy(knowledge.DATA_DIR / knowledge.RELEASES_FILE, data / knowledge.RELEASES_FILE)
    monkeypatch.setattr(knowledge, "DATA_DIR", data)
    monkeypatch.setenv("ENVDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ENVDOCTOR_NO_CACHE", "1")
    return data


def _publish(server: IndexServer) -> None:
    files = server.root / "files"
    files.mkdir(exist_ok=True)
    entries = []
    for version, (requires, cuda) in RELEASES.items():
        metadata = f"Metadata-Version: 2.1\nName: toyflow\nVersion: {version}\nRequires-Python: >=3.9\n"
        metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
        metadata += 'Provides-Extra: cuda\nRequires-Dist: nvidia-cuda-runtime-cu12; extra == "cuda"\n'
        for py in PYTHONS:
            name = f"toyflow-{version}-{py}-{py}-manylinux_2_17_x86_64.whl"
            members = {
                f"toyflow-{version}.dist-info/METADATA": metadata.encode(),
                "toyflow/_build.py": f'cuda = "{cuda}"\ncudnn = "9"\n'.encode(),
            }
            make_wheel(files / name, members, filler=50_000)
            blob = (files / name).read_bytes()
            entries.append(
                {
                    "filename": name,
                    "hashes": {"sha256": hashlib.sha256(blob).hexdigest()},
                    "requires-python": ">=3.9",
                    "size": len(blob),
                    "upload-time": "2026-01-01T00:00:00.000000Z",
                    "url": f"{server.url}/files/{name}",
                    "yanked": False,
                }
            )
    page = {"meta": {"api-version": "1.1"}, "name": "toyflow", "versions": list(RELEASES), "files": entries}
    server.pages["toyflow"] = json.dumps(page).encode()


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    """The exit code and the JSON document a verb printed."""
    code = main(args)
    captured = capsys.readouterr()
    assert captured.out, captured.err
    return code, json.loads(captured.out)


@pytest.fixture
def refreshed(toyflow: Framework, toy_kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`envdoctor kb refresh --package toyflow` from a local index into the user cache: the KB
    build covers toyflow because its descriptor's `kb_packages` says so."""
    server = IndexServer(root=tmp_path / "www")
    server.root.mkdir()
    server.start()
    try:
        _publish(server)
        args = ["kb", "refresh", "--package", "toyflow", "--index-url", f"{server.url}/simple/", "-q"]
        code, summary = _json([*args, "--format", "json"], capsys)
    finally:
        server.stop()
    assert code == 0 and summary["errors"] == [], summary
    assert summary["releases"] == 2
    return Path(str(summary["written"]))


def test_kb_refresh_without_the_descriptor_refuses_the_package(
    toy_kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "refresh", "--package", "toyflow", "--index-url", "http://127.0.0.1:9/simple/", "-q"]) == 2
    assert "not a covered package: toyflow" in capsys.readouterr().err


def test_the_knowledge_base_answers_for_the_toy(refreshed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = knowledge.KnowledgeBase.load()
    assert kb.releases_path == refreshed
    assert "toyflow" in kb.packages() and "tensorflow" in kb.packages()  # merged with what shipped
    assert [r.version for r in kb.releases_for("toyflow", "3.12", "linux-x86_64")] == ["1.4.0", "2.1.0"]
    assert kb.releases_for("toyflow", "3.13", "linux-x86_64") == []
    assert kb.pythons("toyflow", "2.1.0", "linux-x86_64") == ["3.11", "3.12"]
    build = kb.build("toyflow", "1.4.0")  # read by the descriptor's read_build_info from the wheel
    assert build is not None and build.cuda == "11.8"
    assert [str(r) for r in kb.requirements("toyflow", "2.1.0")] == ["numpy>=2"]
    assert kb.numpy_abi("toyflow", "1.4.0") == ("1", SOURCE)
    assert kb.numpy_abi("toyflow-cpu", "2.1.0") == ("2", SOURCE)  # a variant shares the curated facts
    assert kb.first_numpy2_release("toyflow") == "2.0"
    assert [c.requirement for c in kb.extra_constraints("toyflow", "1.4.0")] == ["numpy<2"]

    code, shown = _json(["kb", "show", "toyflow", "--format", "json"], capsys)
    assert code == 0 and [r["version"] for r in shown["releases"]] == ["1.4.0", "2.1.0"]
    code, matrix = _json(["kb", "show", "toy-flow", "--matrix", "--format", "json"], capsys)
    assert code == 0, matrix
    text = json.dumps(matrix)
    assert "toyflow" in text and "1.4.0" in text and SOURCE in text


@pytest.fixture
def clashing_venv(tmp_path: Path) -> Path:
    """A real venv whose site-packages hold NumPy 2 and toyflow 1.4.0, whose extension was built
    against NumPy 1 (metadata: numpy>=1.21, so pip check is content)."""
    python = make_venv(tmp_path / "clash")
    site = site_packages(python.parent.parent)
    make_dist(site, "numpy", "2.1.3", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"])
    make_dist(
        site,
        "toyflow",
        "1.4.0",
        requires=["numpy>=1.21"],
        wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"],
        files={"toyflow/_toyflow_core.cpython-311-x86_64-linux-gnu.so": NUMPY1},
    )
    return python.parent.parent


def _numpy_abi(venv: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, doc = _json(["check", "--prefix", str(venv), "--format", "json", "--isolated"], capsys)
    found: list[dict[str, Any]] = [f for f in doc["findings"] if f["code"] == "ED102"]
    assert code == 1 and len(found) == 1, doc
    return found[0]


def test_check_finds_the_toys_numpy_abi_clash(
    refreshed: Path, clashing_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    finding = _numpy_abi(clashing_venv, capsys)
    assert "toyflow 1.4.0 was built against NumPy 1.x" in str(finding["message"])
    evidence = "\n".join(finding["evidence"])
    assert "_toyflow_core" in evidence and "compiled against NumPy 1.x" in evidence  # the binary itself
    assert f"toyflow 1.4.0 was built against NumPy 1.x (source: {SOURCE})" in evidence  # the curated facts
    hints = "\n".join(finding["hints"])
    assert "toyflow>=2.0" in hints  # the upgrade to its first NumPy 2 release
    assert "numpy<2" in str(finding["fix"])


def test_without_the_descriptor_check_knows_only_what_the_binary_says(
    toy_kb: Path, clashing_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    finding = _numpy_abi(clashing_venv, capsys)
    assert SOURCE not in "\n".join(finding["evidence"])
    assert "toyflow>=2.0" not in "\n".join(finding["hints"])


def test_plan_pins_the_toy_and_its_cap(refreshed: Path) -> None:
    newest = api.plan(["toy-flow"], python_version="3.12", platform="linux-x86_64", gpu=False, resolve=False)
    assert newest.status == "feasible", newest.proof
    assert newest.choice is not None and newest.choice.requirements == ["toyflow==2.1.0"]
    old = api.plan(["toyflow==1.*"], python_version="3.11", platform="linux-x86_64", gpu=False, resolve=False)
    assert old.choice is not None and old.choice.requirements == ["toyflow==1.4.0"]
    assert "numpy<2" in old.choice.constraints  # from its curated NumPy-ABI constraint
    gpu = api.plan(
        ["toyflow"], python_version="3.12", platform="linux-x86_64", gpu=True, driver="570.86", resolve=False
    )
    assert gpu.choice is not None and gpu.choice.requirements == ["toyflow[cuda]==2.1.0"], gpu.reasons
    too_new = api.plan(["toyflow"], python_version="3.13", platform="linux-x86_64", gpu=False, resolve=False)
    assert too_new.status == "infeasible"


def test_verify_imports_a_real_installed_toy(
    toyflow: Framework, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init = '__version__ = "2.1.0"\nBACKEND = "toy-cpu"\ndef add(a, b):\n    return a + b\n'
    wheel = build_wheel(tmp_path / "wheels", "toyflow", "2.1.0", {"toyflow/__init__.py": init})
    python = make_venv(tmp_path / "env")
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    subprocess.run(
        [uv_binary(), "pip", "install", "-q", "--python", str(python), "--no-index", str(wheel)], check=True, env=env
    )
    code, doc = _json(["verify", "--python", str(python), "--framework", "toyflow", "--format", "json"], capsys)
    assert code == 0, doc
    (result,) = doc["frameworks"]
    assert result["framework"] == "toyflow" and result["version"] == "2.1.0" and result["ok"], result
    assert result["distributions"] == ["toyflow==2.1.0"]
    assert result["build"]["backend"] == "toy-cpu"
    assert [(c["device"], c["value"]) for c in result["computations"]] == [("CPU:0", 54.0)]


def test_lint_reads_the_toy_in_an_environment_file(
    refreshed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "environment.yml"
    env.write_text(
        "name: toy\nchannels: [conda-forge]\ndependencies:\n  - python=3.13\n  - numpy>=2\n  - pip\n"
        "  - pip:\n    - toyflow==1.4.0\n",
        encoding="utf-8",
    )
    code, doc = _json(["lint", str(env), "--format", "json"], capsys)
    codes = {f["code"]: f for f in doc["findings"]}
    assert code == 1, doc
    assert "toyflow 1.4.0 can use (numpy<2)" in codes["ED503"]["message"]  # its curated cap
    assert "ED501" in codes  # no toyflow wheel for Python 3.13


def test_the_registry_names_the_toy_everywhere(toyflow: Framework) -> None:
    assert frameworks.of_request("Toy_Flow") is toyflow and frameworks.of_distribution("toyflow-cpu") is toyflow
    assert frameworks.of_conda("libtoyflow") is toyflow and frameworks.of_conda("toyflow-cpu") is toyflow
    assert frameworks.abi_package("toyflow-cpu") == "toyflow" and frameworks.families()[-1] == "toyflow"
    assert frameworks.user_distribution("toyflow-cpu") == "toyflow-cpu"
