"""ED101 unmet-requirement."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run, text

TF_215 = ["numpy<2.0.0,>=1.23.5", "ml-dtypes~=0.2.0", "typing-extensions>=3.6.6", "wrapt<1.15,>=1.11.0"]


def test_framework_dependency_at_the_wrong_version_is_an_error() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=TF_215),
            dist("numpy", "1.26.4"),
            dist("ml-dtypes", "0.4.0", installer="uv"),
            dist("typing-extensions", "4.12.2"),
            dist("wrapt", "1.14.1"),
        ]
    )
    f = one("ED101", snap)
    assert f.severity is Severity.ERROR
    assert f.cause == "dependency-version-mismatch"
    assert f.subject == "ml-dtypes"
    assert "tensorflow 2.15.0 requires ml-dtypes~=0.2.0" in f.message
    assert "ml-dtypes 0.4.0 is installed" in f.message
    assert any("'ml-dtypes~=0.2.0'" in e and "tensorflow-2.15.0.dist-info/METADATA" in e for e in f.evidence)
    assert any("installed by uv" in e and "/env/lib/python3.11/site-packages" in e for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python 'ml-dtypes~=0.2.0'"


def test_missing_requirement_and_combined_fix_keeps_other_requirers() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=TF_215),
            dist("ml-dtypes", "0.2.0"),
            dist("typing-extensions", "4.12.2"),
            dist("wrapt", "1.14.1"),
            dist("scipy", "1.11.4", requires=["numpy<1.28.0,>=1.21.6"]),
        ]
    )
    f = one("ED101", snap)
    assert f.subject == "numpy"
    assert f.message.startswith("numpy is not installed, but tensorflow 2.15.0 requires numpy<2.0.0,>=1.23.5")
    assert "scipy 1.11.4 requires numpy<1.28.0,>=1.21.6" in f.message
    assert "installed: no numpy" in f.evidence
    assert f.fix == "uv pip install --python /env/bin/python 'numpy<1.28.0,>=1.23.5'"
    assert f.severity is Severity.ERROR


def test_non_framework_requirement_is_a_warning_and_conda_fix_when_conda_owns_it() -> None:
    from envdoctor.model import CondaRecord

    snap = snapshot(
        [
            dist("pandas", "2.2.2", requires=["python-dateutil>=2.8.2"]),
            dist("python-dateutil", "2.8.1", installer="conda"),
        ],
        records=[CondaRecord("python-dateutil", "2.8.1")],
    )
    f = one("ED101", snap)
    assert f.severity is Severity.WARNING
    assert f.fix == "conda install --yes --prefix /env 'python-dateutil>=2.8.2'"
    assert "installed by conda" in text(f)


def test_numpy_major_break_gets_numpy_abi_cause() -> None:
    snap = snapshot([dist("scipy", "1.11.4", requires=["numpy<1.28.0,>=1.21.6"]), dist("numpy", "2.0.1")])
    f = one("ED101", snap)
    assert f.cause == "numpy-abi"
    assert f.severity is Severity.WARNING


def test_markers_and_extras_follow_pip_check() -> None:
    snap = snapshot(
        [
            dist(
                "tensorflow",
                "2.15.0",
                requires=[
                    'tensorflow-io-gcs-filesystem>=0.23.1; python_version < "3.12"',
                    'tensorflow-intel==2.15.0; platform_system == "Windows"',
                    'nvidia-cudnn-cu12==8.9.4.25; extra == "and-cuda"',
                    'pytest; extra == "test" and python_version >= "3.8"',
                    "not a valid requirement !!!",
                ],
            ),
            dist("tensorflow-io-gcs-filesystem", "0.37.0"),
        ]
    )
    assert run("ED101", snap) == []
    # under Python 3.12 the first marker is false; under Windows the second one would be true
    snap = snapshot(
        [dist("tensorflow", "2.15.0", requires=['tensorflow-intel==2.15.0; platform_system == "Windows"'])],
        sys_platform="win32",
    )
    f = one("ED101", snap)
    assert "tensorflow-intel" in f.message


def test_passing_environment() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=TF_215),
            dist("numpy", "1.26.4"),
            dist("ml-dtypes", "0.2.0"),
            dist("typing-extensions", "4.12.2"),
            dist("wrapt", "1.14.1"),
            dist("rc-user", "1.0", requires=["numpy>=1.27.0rc1"]),
        ]
    )
    # pre-releases are allowed as pip check allows them; 1.26.4 < 1.27.0rc1 though
    found = run("ED101", snap)
    assert [f.subject for f in found] == ["numpy"]
    snap.distributions.pop()
    assert run("ED101", snap) == []


def test_protobuf_and_keras_of_frameworks_are_left_to_their_rules() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=["protobuf<5.0.0dev,>=3.20.3", "keras<2.16,>=2.15.0"]),
            dist("protobuf", "5.27.0"),
            dist("keras", "3.3.3"),
            dist("grpc-thing", "1.0", requires=["protobuf<5"]),
        ]
    )
    f = one("ED101", snap)
    assert "grpc-thing" in f.message and "tensorflow" not in f.message
    assert f.cause == "protobuf-mismatch"


def test_several_missing_requirements_of_one_requirer_are_one_finding() -> None:
    nvidia = [
        'nvidia-cublas-cu12==12.1.3.1; platform_system == "Linux" and platform_machine == "x86_64"',
        'nvidia-cudnn-cu12==8.9.2.26; platform_system == "Linux" and platform_machine == "x86_64"',
        'triton==2.2.0; platform_system == "Linux" and platform_machine == "x86_64" and python_version < "3.12"',
    ]
    snap = snapshot([dist("torch", "2.2.2", requires=["filelock", *nvidia]), dist("filelock", "3.13.1")])
    f = one("ED101", snap)
    assert f.severity is Severity.ERROR and f.subject == "torch"
    assert f.message == (
        "torch 2.2.2 requires 3 distributions that are not installed: nvidia-cublas-cu12==12.1.3.1, "
        "nvidia-cudnn-cu12==8.9.2.26, triton==2.2.0"
    )
    assert "installed: none of them" in f.evidence
    assert f.fix == (
        "uv pip install --python /env/bin/python nvidia-cublas-cu12==12.1.3.1 nvidia-cudnn-cu12==8.9.2.26 triton==2.2.0"
    )
    # on macOS the markers leave nothing to install
    assert run("ED101", snapshot([dist("torch", "2.2.2", requires=nvidia)], sys_platform="darwin", machine=None)) == []


def test_disjoint_requirements_get_no_fix_command_but_say_who_conflicts() -> None:
    # Two TensorFlow releases over each other: their tensorboard ranges cannot both hold.
    snap = snapshot(
        [
            dist("tensorflow", "2.15.1", requires=["tensorboard<2.16,>=2.15"]),
            dist("tensorflow-cpu", "2.14.0", requires=["tensorboard<2.15,>=2.14"]),
            dist("tensorboard", "2.18.0"),
        ]
    )
    (finding,) = [f for f in run("ED101", snap) if f.subject == "tensorboard"]
    assert finding.fix is None
    assert any("No version of tensorboard satisfies every installed requirer" in h for h in finding.hints)
