"""Findings -> fix plan: parsing, dedupe, merge, order, uv conversion, manual steps. Pure."""

from __future__ import annotations

from envdoctor.actions.fixplan import make_plan, render_text, split_commands
from envdoctor.model import Finding, Severity

PY = "/envs/a/bin/python"


def finding(code: str, fix: str | None, subject: str | None = None, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code=code, rule="r" + code, severity=severity, message=f"m{code}", fix=fix, subject=subject)


def test_split_commands_honours_quotes_and_separators() -> None:
    assert split_commands("a 'b && c' && d; e") == [["a", "b && c"], ["d"], ["e"]]


def test_installs_merge_and_uninstalls_come_first() -> None:
    plan = make_plan(
        [
            finding("ED102", f"{PY} -m pip install 'numpy<2'", "numpy"),
            finding("ED103", f"{PY} -m pip install 'protobuf<3.20,>=3.9.2'", "protobuf"),
            finding(
                "ED110",
                f"{PY} -m pip uninstall -y tensorflow tensorflow-cpu && {PY} -m pip install tensorflow-cpu==2.10.1",
                "tensorflow",
            ),
            finding("ED111", f"{PY} -m pip install 'numpy>=1.23.5'", "numpy"),
        ],
        PY,
    )
    kinds = [s.kind for s in plan.steps]
    assert kinds == ["pip-uninstall", "pip-install"]
    uninstall, install = plan.steps
    assert uninstall.packages == ["tensorflow", "tensorflow-cpu"]
    assert uninstall.argv == ["uv", "pip", "uninstall", "--python", PY, "tensorflow", "tensorflow-cpu"]
    assert install.packages == ["numpy<2,>=1.23.5", "protobuf<3.20,>=3.9.2", "tensorflow-cpu==2.10.1"]
    assert install.argv[:5] == ["uv", "pip", "install", "--python", PY]
    assert set(install.codes) == {"ED102", "ED103", "ED110", "ED111"}


def test_duplicate_fixes_become_one_step() -> None:
    fix = f"{PY} -m pip install 'numpy<2'"
    plan = make_plan([finding("ED102", fix, "numpy"), finding("ED120", fix, "numpy")], PY)
    assert len(plan.steps) == 1
    assert plan.steps[0].codes == ["ED102", "ED120"]


def test_options_that_differ_are_not_merged_and_translate_to_uv() -> None:
    plan = make_plan(
        [
            finding("ED1", f"{PY} -m pip install --force-reinstall --no-deps tensorflow==2.15.1"),
            finding("ED2", f"{PY} -m pip install 'numpy<2'"),
        ],
        PY,
        extra_install_args=["--find-links", "/wheels", "--no-index"],
    )
    installs = [s for s in plan.steps if s.kind == "pip-install"]
    assert len(installs) == 2
    forced = next(s for s in installs if "tensorflow==2.15.1" in s.packages)
    assert "--reinstall" in forced.argv and "--no-deps" in forced.argv
    assert forced.argv[-4:] == ["--find-links", "/wheels", "--no-index", "tensorflow==2.15.1"]


def test_user_site_copies_are_removed_with_pip_itself() -> None:
    plan = make_plan([finding("ED201", f"{PY} -m pip uninstall -y numpy", "numpy")], PY, outside=["numpy"])
    (step,) = plan.steps
    assert step.runner == "pip"
    assert step.argv == [PY, "-m", "pip", "uninstall", "-y", "numpy"]


def test_pip_user_installs_stay_pip() -> None:
    plan = make_plan([finding("ED1", f"{PY} -m pip install --user 'numpy<2'")], PY)
    (step,) = plan.steps
    assert step.runner == "pip" and step.argv[:4] == [PY, "-m", "pip", "install"]


def test_unknown_commands_and_other_interpreters_are_manual() -> None:
    plan = make_plan(
        [
            finding("ED201", "export PYTHONNOUSERSITE=1"),
            finding("ED202", "/other/env/bin/python -m pip install numpy"),
            finding("ED203", f"{PY} -m pip install --weird-option numpy"),
            finding("ED204", None),
        ],
        PY,
    )
    assert [s.kind for s in plan.steps] == ["manual", "manual", "manual"]
    assert not plan.actionable
    assert [f.code for f in plan.no_fix] == ["ED204"]
    text = render_text(plan)
    assert "manual: export PYTHONNOUSERSITE=1" in text
    assert "no automatic fix: ED204" in text


def test_conda_steps_keep_their_tool_and_prefix() -> None:
    plan = make_plan(
        [
            finding("ED210", "conda install -p /envs/c numpy=1.26", "numpy"),
            finding("ED211", "conda install -p /envs/c protobuf=3.19", "protobuf"),
            finding("ED212", f"{PY} -m pip uninstall -y numpy", "numpy"),
        ],
        PY,
    )
    assert [s.kind for s in plan.steps] == ["pip-uninstall", "conda-install"]
    conda = plan.steps[1]
    assert conda.argv == ["conda", "install", "--yes", "--prefix", "/envs/c", "numpy=1.26", "protobuf=3.19"]


def test_different_markers_are_not_merged() -> None:
    plan = make_plan(
        [
            finding("ED1", f"{PY} -m pip install 'numpy<2; python_version<\"3.12\"'"),
            finding("ED2", f"{PY} -m pip install 'numpy<3'"),
        ],
        PY,
    )
    installs = [s for s in plan.steps if s.kind == "pip-install"]
    assert len(installs) == 2


def test_contradictory_requests_are_left_to_the_resolver() -> None:
    plan = make_plan(
        [
            finding(
                "ED105",
                f"{PY} -m pip uninstall -y tensorflow tensorflow-cpu && {PY} -m pip install tensorflow==2.15.1",
            ),
            finding("ED101", f"{PY} -m pip install 'tensorboard<2.15,>=2.15'", "tensorboard"),
            finding("ED102", f"{PY} -m pip install 'keras>=2.15'", "keras"),
            finding("ED103", f"{PY} -m pip install 'keras<2.15'", "keras"),
        ],
        PY,
    )
    install = plan.steps[-1]
    assert install.packages == ["tensorflow==2.15.1"]
    assert "tensorboard: no version satisfies" in install.note
    assert "keras: no version satisfies keras>=2.15 and keras<2.15" in install.note
