"""What create builds, from specs / plan JSON / requirements / environment.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from envdoctor.actions.envfile import from_file, from_plan_dict, from_specs, is_pinned
from envdoctor.errors import EnvdoctorError, UsageError


def test_is_pinned() -> None:
    assert is_pinned(["numpy==1.26.4", "tensorflow[and-cuda]==2.15.1"])
    assert not is_pinned(["numpy<2"])
    assert not is_pinned(["numpy==1.*"])
    assert not is_pinned([])


def test_plan_json_pip_and_conda_parts() -> None:
    spec = from_plan_dict(
        {
            "feasible": True,
            "python": "3.11",
            "manager": "conda",
            "packages": [
                {"name": "tensorflow", "version": "2.15.1", "source": "pip", "extras": ["and-cuda"]},
                {"name": "numpy", "version": "1.26.4"},
            ],
            "conda": [
                {"name": "python", "version": "3.11.9"},
                {"name": "cudatoolkit", "version": "11.8.0", "build": "h1"},
            ],
        },
        source="plan.json",
    )
    assert spec.pip == ["tensorflow[and-cuda]==2.15.1", "numpy==1.26.4"] and spec.pinned
    assert spec.conda == ["cudatoolkit 11.8.0 h1"]
    assert spec.manager == "conda" and spec.python == "3.11"
    with pytest.raises(EnvdoctorError):
        from_plan_dict({"feasible": False, "proof": ["no build"]}, source="p")


def test_files(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("numpy==1.26.4\ntensorflow==2.15.1\n")
    spec = from_file(str(req), as_plan=True)
    assert spec.pinned and spec.requirements_file == str(req.absolute())
    yml = tmp_path / "environment.yml"
    yml.write_text("dependencies:\n  - python=3.10\n  - numpy=1.26\n  - pip:\n    - tensorflow-cpu==2.10.1\n")
    spec = from_file(str(yml), as_plan=False)
    assert spec.manager == "conda" and spec.conda == ["numpy=1.26"] and spec.pip == ["tensorflow-cpu==2.10.1"]
    assert spec.python == "3.10"
    bad = tmp_path / "plan.json"
    bad.write_text("[1, 2")
    with pytest.raises(UsageError):
        from_file(str(bad), as_plan=True)
    with pytest.raises(UsageError):
        from_file(str(tmp_path / "missing.yml"), as_plan=False)


def test_specs_without_plan() -> None:
    spec = from_specs(["numpy<2"], python="3.11", use_plan=False, manager="pip")
    assert spec.pip == ["numpy<2"] and not spec.pinned
    with pytest.raises(UsageError):
        from_specs(["--bogus"], python=None, use_plan=False, manager="pip")
