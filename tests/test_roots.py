"""Root causes first: consequences grouped under their root, whose remedy is the whole plan."""

from __future__ import annotations

from envdoctor.actions.fixplan import make_plan
from envdoctor.doctor import diagnose
from envdoctor.model import Finding
from envdoctor.render import formats
from envdoctor.render.views.fix import plan_document
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb

SITE = "/env/lib/python3.11/site-packages"
OTHER = "/other/env/lib/python3.11/site-packages"


def by_code(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_a_leaked_pythonpath_is_the_only_step_and_nothing_in_the_target_is_touched() -> None:
    """The issue's case: a healthy TF 2.21 venv (numpy 2) checked with PYTHONPATH pointing at
    another environment's tensorflow-cpu 2.15 and numpy 1.24."""
    foreign_numpy = dist("numpy", "1.24.3", location=OTHER, installer="pip")
    foreign_tf = dist(
        "tensorflow-cpu",
        "2.15.0",
        location=OTHER,
        requires=["numpy<2.0.0,>=1.23.5", "keras<2.16,>=2.15.0"],
    )
    snap = snapshot(
        [
            foreign_tf,
            foreign_numpy,
            dist("tensorflow", "2.21.0", requires=["numpy>=1.26.0", "keras>=3.12.0"]),
            dist("numpy", "2.4.6", shadowed_by=foreign_numpy.metadata_path),
            dist("keras", "3.12.0"),
            dist("pip", "24.0"),
        ],
        is_venv=True,
        env={"PYTHONPATH": OTHER},
        sys_path=["/env/lib/python311.zip", OTHER, SITE],
    )
    findings = diagnose(snap, make_kb()).findings
    codes = by_code(findings)
    assert "ED202" in codes
    root = codes["ED202"][0]
    assert root.caused_by is None and root.fix == "unset PYTHONPATH"
    followers = [f for f in findings if f.caused_by == root.key]
    assert {f.code for f in followers} >= {"ED105", "ED204"}
    for f in followers:
        assert f.fix == "unset PYTHONPATH" and f.hints[0].startswith("Follows from ED202")
    assert any(h.startswith("Its fix also clears: ") and "ED105" in h for h in root.hints)
    plan = make_plan(findings, "/env/bin/python")
    # step 1 is the shell's; no install or uninstall acts on the target (or on the foreign copies)
    assert [s.command for s in plan.steps] == ["unset PYTHONPATH"]
    assert not plan.actionable
    text = formats.render(plan_document(plan), "text")
    assert text.splitlines()[1].startswith("  1. in your shell: unset PYTHONPATH")
    assert "clears ED105" in text


def test_two_tensorflow_distributions_one_replace_clears_their_requirement_findings() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=["keras<2.16,>=2.15.0", "numpy<2.0.0,>=1.23.5"]),
            dist("tensorflow-cpu", "2.14.1", requires=["keras<2.15,>=2.14.0", "numpy<2.0.0,>=1.23.5"]),
            dist("keras", "2.15.0"),
            dist("numpy", "1.26.4"),
            dist("pip", "24.0"),
        ],
        is_venv=True,
    )
    findings = diagnose(snap, make_kb()).findings
    codes = by_code(findings)
    root = codes["ED105"][0]
    assert root.fix == (
        "/env/bin/python -m pip uninstall -y tensorflow tensorflow-cpu && "
        "/env/bin/python -m pip install tensorflow==2.15.0"
    )
    (keras,) = codes["ED107"]  # keras 2.15 does not fit tensorflow-cpu 2.14, the one the fix removes
    assert keras.caused_by == root.key and keras.fix == root.fix
    plan = make_plan(findings, "/env/bin/python")
    assert [s.command for s in plan.steps] == [
        "/env/bin/python -m pip uninstall -y tensorflow tensorflow-cpu",
        "/env/bin/python -m pip install tensorflow==2.15.0",
    ]
    assert not plan.no_fix
    assert plan.consequences[root.key] == [keras]


def test_a_site_packages_built_for_another_python_is_one_reinstall() -> None:
    tag = "cp310-cp310-manylinux_2_17_x86_64"
    snap = snapshot(
        [
            dist("numpy", "1.26.4", wheel_tags=[tag]),
            dist("pandas", "2.1.4", wheel_tags=[tag], requires=["numpy>=1.23.2"], requires_python=">=3.9"),
            dist("pip", "24.0"),
        ],
        is_venv=True,
    )
    findings = diagnose(snap, make_kb()).findings
    (root,) = [f for f in findings if f.code == "ED104"]
    assert root.subject == "python" and set(root.about) == {"numpy", "pandas"}
    assert root.fix == "/env/bin/python -m pip install --force-reinstall --no-deps numpy==1.26.4 pandas==2.1.4"


def test_findings_about_other_packages_keep_their_own_remedy() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=["protobuf<5,>=3.20.3"]),
            dist("protobuf", "5.27.0"),
            dist("rich", "13.0.0", location="/home/me/.local/lib/python3.11/site-packages"),
        ],
        user_site="/home/me/.local/lib/python3.11/site-packages",
        user_site_enabled=True,
    )
    findings = diagnose(snap, make_kb()).findings
    protobuf = next(f for f in findings if f.subject == "protobuf")
    assert protobuf.caused_by is None and "protobuf<5" in (protobuf.fix or "")


def test_pip_over_conda_gives_condas_version_back_and_that_clears_the_numpy_findings() -> None:
    from envdoctor.model import CondaRecord

    site = "/env/lib/python3.11/site-packages"
    snap = snapshot(
        [
            dist("numpy", "2.0.1", installer="uv"),
            dist(
                "pandas",
                "2.1.4",
                installer="conda",
                requires=["numpy>=1.23.2"],
                numpy_build="1",
                numpy_build_path=f"{site}/pandas/_libs/lib.so",
            ),
            dist("pip", "24.0", installer="conda"),
        ],
        records=[
            CondaRecord(
                "numpy",
                "1.26.4",
                channel="file:///chan/linux-64",
                subdir="linux-64",
                python_dists=["numpy-1.26.4.dist-info"],
            ),
            CondaRecord(
                "pandas",
                "2.1.4",
                channel="file:///chan/linux-64",
                subdir="linux-64",
                depends=["numpy >=1.23.2,<2"],
                python_dists=["pandas-2.1.4.dist-info"],
            ),
            CondaRecord(
                "pip", "24.0", channel="file:///chan/noarch", subdir="noarch", python_dists=["pip-24.0.dist-info"]
            ),
        ],
        tools={"rattler": "/opt/envdoctor/bin/python"},
    )
    findings = diagnose(snap, make_kb()).findings
    codes = by_code(findings)
    root = codes["ED211"][0]
    assert root.fix == (
        "/env/bin/python -m pip uninstall -y numpy && /opt/envdoctor/bin/python -m envdoctor.actions.rattlerfix "
        "install --prefix /env --channel file:///chan --force-reinstall numpy==1.26.4"
    )
    for code in ("ED102", "ED212"):
        assert all(f.caused_by == root.key for f in codes[code]), code
    plan = make_plan(findings, "/env/bin/python")
    assert [s.command for s in plan.steps] == root.fix.split(" && ")
