"""ED102 numpy-abi."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run, text


def test_tf_210_with_numpy_2_fires_although_metadata_admits_it() -> None:
    snap = snapshot(
        [
            dist("tensorflow-cpu", "2.10.1", requires=["numpy>=1.20", "h5py>=2.9.0"]),
            dist("numpy", "2.0.2"),
            dist("h5py", "3.11.0", requires=["numpy>=1.17.3"], numpy_build="2"),
        ]
    )
    f = one("ED102", snap)
    assert f.severity is Severity.ERROR and f.cause == "numpy-abi"
    assert "NumPy 2.0.2 is installed, but tensorflow-cpu 2.10.1 was built against NumPy 1.x" in f.message
    assert "h5py" not in f.message  # its binary says NumPy 2
    assert any("built against NumPy 1.x (source: https://github.com/tensorflow" in e for e in f.evidence)
    assert any(e.startswith("numpy: numpy 2.0.2 (installed by pip") for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python 'numpy<2,>=1.20'"
    assert any("pip check` reports nothing" in h and "numpy>=1.20" in h for h in f.hints)
    # the hint keeps the variant: tensorflow-cpu, never a second TensorFlow distribution
    assert any("'tensorflow-cpu>=2.18'" in h for h in f.hints)
    assert not any("'tensorflow>=" in h for h in f.hints)
    # ED101 stays silent on the same pair
    assert run("ED101", snap) == []


def test_binary_evidence_for_a_non_framework_and_torch_without_numpy_requirement() -> None:
    snap = snapshot(
        [
            dist("torch", "2.2.2"),
            dist("numpy", "2.1.0"),
            dist(
                "ml-dtypes",
                "0.3.2",
                requires=["numpy>1.20"],
                numpy_build="1",
                numpy_build_path="/env/lib/python3.11/site-packages/ml_dtypes/_ml_dtypes_ext.so",
            ),
        ]
    )
    f = one("ED102", snap)
    assert "ml-dtypes 0.3.2, torch 2.2.2 were built against NumPy 1.x" in f.message
    assert any(
        e.startswith("/env/lib/python3.11/site-packages/ml_dtypes/_ml_dtypes_ext.so: compiled against NumPy 1.x")
        for e in f.evidence
    )
    assert any("torch 2.2.2 was built against NumPy 1.x" in e for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python 'numpy<2,>1.20'"
    assert "'torch>=2.3'" in text(f)


def test_binary_numpy_2_overrides_release_facts() -> None:
    snap = snapshot([dist("torch", "2.2.2", numpy_build="2"), dist("numpy", "2.1.0")])
    assert run("ED102", snap) == []


def test_passing_numpy_1_or_new_framework() -> None:
    assert run("ED102", snapshot([dist("tensorflow", "2.10.1"), dist("numpy", "1.26.4")])) == []
    assert run("ED102", snapshot([dist("tensorflow", "2.18.0"), dist("numpy", "2.1.3")])) == []
    assert run("ED102", snapshot([dist("tensorflow", "2.10.1")])) == []


def test_conda_numpy_gets_a_conda_fix() -> None:
    from envdoctor.model import CondaRecord

    snap = snapshot(
        [dist("tensorflow", "2.12.0"), dist("numpy", "2.0.0", installer="conda")],
        records=[CondaRecord("numpy", "2.0.0")],
    )
    f = one("ED102", snap)
    assert f.fix == "conda install --yes --prefix /env 'numpy<2'"


def test_torch_windows_wheels_stayed_on_numpy_1_until_241() -> None:
    from envdoctor.model import Machine

    windows = Machine(os="windows", arch="x86_64", cpu_flags=["avx", "avx2"])
    torch_231 = [dist("torch", "2.3.1"), dist("numpy", "2.1.0")]
    f = one("ED102", snapshot(torch_231, machine=windows, sys_platform="win32"))
    assert any("torch 2.3.1 was built against NumPy 1.x" in e and "131668" in e for e in f.evidence)
    assert any("torch>=2.4.1" in h for h in f.hints)
    # The same release on Linux was built against NumPy 2: nothing to report.
    assert run("ED102", snapshot(torch_231)) == []
    assert run("ED102", snapshot([dist("torch", "2.4.1"), dist("numpy", "2.1.0")], machine=windows)) == []
