"""Findings -> fix plan: typed remedies merged and ordered, no command text parsed. Pure."""

from __future__ import annotations

from envdoctor import remedies
from envdoctor.actions.fixplan import make_plan
from envdoctor.model import Finding, Remedy, Severity
from envdoctor.owner import PIP_VENV, UV_VENV, Owner
from envdoctor.render import formats
from envdoctor.render.views.fix import plan_document

PY = "/envs/a/bin/python"
UV = Owner(UV_VENV, PY, "/envs/a", ("/envs/a/lib/python3.11/site-packages",), uv="/opt/uv")
PIP = Owner(PIP_VENV, PY, "/envs/a", ("/envs/a/lib/python3.11/site-packages",), has_pip=True)


def finding(
    code: str, remedy: Remedy | None, subject: str | None = None, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(
        code=code,
        rule="r" + code,
        severity=severity,
        message=f"m{code}",
        fix=remedies.render(remedy),
        remedy=remedy,
        subject=subject,
    )


def install(*specs: str, owner: Owner = UV, options: tuple[str, ...] = ()) -> Remedy:
    return Remedy([remedies.install(owner, specs, options=options)])


def replace(remove: list[str], specs: list[str], owner: Owner = UV) -> Remedy:
    return Remedy([remedies.uninstall(owner, remove), remedies.install(owner, specs)])


def test_installs_merge_and_uninstalls_come_first() -> None:
    plan = make_plan(
        [
            finding("ED102", install("numpy<2"), "numpy"),
            finding("ED103", install("protobuf<3.20,>=3.9.2"), "protobuf"),
            finding("ED110", replace(["tensorflow", "tensorflow-cpu"], ["tensorflow-cpu==2.10.1"]), "tensorflow"),
            finding("ED111", install("numpy>=1.23.5"), "numpy"),
        ],
        PY,
    )
    assert [s.kind for s in plan.steps] == ["uv-uninstall", "uv-install"]
    uninstall, step = plan.steps
    assert uninstall.packages == ["tensorflow", "tensorflow-cpu"]
    assert uninstall.argv == ["/opt/uv", "pip", "uninstall", "--python", PY, "tensorflow", "tensorflow-cpu"]
    assert step.packages == ["numpy<2,>=1.23.5", "protobuf<3.20,>=3.9.2", "tensorflow-cpu==2.10.1"]
    assert step.argv[:5] == ["/opt/uv", "pip", "install", "--python", PY]
    assert set(step.codes) == {"ED102", "ED103", "ED110", "ED111"}
    # what is printed is what runs
    assert step.command == "/opt/uv pip install --python /envs/a/bin/python 'numpy<2,>=1.23.5' " + (
        "'protobuf<3.20,>=3.9.2' tensorflow-cpu==2.10.1"
    )


def test_a_venv_with_pip_gets_pip_commands() -> None:
    plan = make_plan([finding("ED102", install("numpy<2", owner=PIP), "numpy")], PY)
    (step,) = plan.steps
    assert step.argv == [PY, "-m", "pip", "install", "numpy<2"]


def test_duplicate_remedies_become_one_step() -> None:
    plan = make_plan([finding("ED102", install("numpy<2"), "numpy"), finding("ED120", install("numpy<2"), "numpy")], PY)
    assert len(plan.steps) == 1
    assert plan.steps[0].codes == ["ED102", "ED120"]


def test_options_that_differ_are_not_merged_and_index_arguments_are_added() -> None:
    plan = make_plan(
        [
            finding("ED1", install("tensorflow==2.15.1", options=("force-reinstall", "no-deps"))),
            finding("ED2", install("numpy<2")),
        ],
        PY,
        index=["--find-links", "/wheels", "--no-index"],
    )
    installs = [s for s in plan.steps if s.step.action == "install"]
    assert len(installs) == 2
    forced = next(s for s in installs if "tensorflow==2.15.1" in s.packages)
    assert "--reinstall" in forced.argv and "--no-deps" in forced.argv
    assert forced.argv[-4:] == ["--find-links", "/wheels", "--no-index", "tensorflow==2.15.1"]
    assert "--find-links /wheels --no-index" in forced.command


def test_shell_steps_come_first_and_manual_ones_are_never_run() -> None:
    plan = make_plan(
        [
            finding("ED202", Remedy([remedies.unset_env(UV, ["PYTHONPATH"], reason="foreign packages")])),
            finding("ED203", Remedy([remedies.manual("delete the .pth line")])),
            finding("ED102", install("numpy<2"), "numpy"),
            finding("ED204", None),
        ],
        PY,
    )
    assert [s.step.action for s in plan.steps] == ["unset-env", "install", "manual"]
    assert [s.step.action for s in plan.actionable] == ["install"]
    assert [s.command for s in plan.shell_steps] == ["unset PYTHONPATH"]
    assert [f.code for f in plan.no_fix] == ["ED204"]
    text = formats.render(plan_document(plan), "text")
    assert "1. in your shell: unset PYTHONPATH" in text
    assert "manual: delete the .pth line" in text
    assert "no automatic fix: ED204" in text


def test_consequences_bring_no_step_and_are_listed_under_their_root() -> None:
    root = finding("ED105", replace(["tensorflow", "tensorflow-cpu"], ["tensorflow==2.15.1"]), "tensorflow")
    follows = finding("ED101", install("keras<2.15"), "keras")
    follows.caused_by = root.key
    plan = make_plan([root, follows], PY)
    assert all("keras<2.15" not in s.packages for s in plan.steps)
    assert plan.consequences == {"ED105:tensorflow": [follows]}
    assert "clears ED101 mED101" in formats.render(plan_document(plan), "text")


def test_conda_steps_keep_their_tool_and_prefix() -> None:
    conda = Owner("conda", "/envs/c/bin/python", "/envs/c", conda="/opt/conda/bin/conda", conda_flavour="conda")
    plan = make_plan(
        [
            finding("ED210", Remedy([remedies.install(conda, ["numpy==1.26"], manager="conda")]), "numpy"),
            finding("ED211", Remedy([remedies.install(conda, ["protobuf==3.19"], manager="conda")]), "protobuf"),
            finding("ED212", Remedy([remedies.uninstall(conda, ["numpy"], manager="uv")]), "numpy"),
        ],
        PY,
    )
    assert [s.kind for s in plan.steps] == ["uv-uninstall", "conda-install"]
    assert plan.steps[1].argv == [
        "/opt/conda/bin/conda",
        "install",
        "--yes",
        "--prefix",
        "/envs/c",
        "numpy==1.26",
        "protobuf==3.19",
    ]


def test_different_markers_are_not_merged() -> None:
    plan = make_plan(
        [finding("ED1", install('numpy<2; python_version<"3.12"')), finding("ED2", install("numpy<3"))], PY
    )
    (step,) = plan.steps
    assert step.packages == ['numpy<2; python_version < "3.12"', "numpy<3"]


def test_contradictory_requests_are_left_to_the_resolver() -> None:
    plan = make_plan(
        [
            finding("ED105", replace(["tensorflow", "tensorflow-cpu"], ["tensorflow==2.15.1"])),
            finding("ED101", install("tensorboard<2.15,>=2.15"), "tensorboard"),
            finding("ED102", install("keras>=2.15"), "keras"),
            finding("ED103", install("keras<2.15"), "keras"),
        ],
        PY,
    )
    step = plan.steps[-1]
    assert step.packages == ["tensorflow==2.15.1"]
    assert "tensorboard: no version satisfies" in step.note
    assert "keras: no version satisfies keras>=2.15 and keras<2.15" in step.note
