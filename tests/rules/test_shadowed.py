"""ED204 shadowed-distribution."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

USER = "/home/me/.local/lib/python3.11/site-packages"
SITE = "/env/lib/python3.11/site-packages"


def test_user_copy_of_numpy_wins_over_the_environments() -> None:
    winner = dist("numpy", "1.24.4", location=USER)
    loser = dist("numpy", "1.26.4", shadowed_by=winner.metadata_path)
    f = one("ED204", snapshot([winner, loser]))
    assert f.severity is Severity.ERROR and f.cause == "env-leakage"
    assert f.message == f"numpy 1.24.4 from {USER} shadows the environment's own numpy 1.26.4"
    assert f.evidence[0].startswith(f"wins: numpy 1.24.4 (installed by pip, in {USER})")
    assert f.evidence[1].startswith(f"hidden: numpy 1.26.4 (installed by pip, in {SITE})")
    # never an uninstall of the copy outside the environment: the sys.path entry is the cause
    assert f.fix is None and f.remedy is not None
    assert [s.action for s in f.remedy.steps] == ["manual"] and USER in f.remedy.steps[0].reason


def test_two_metadata_folders_in_one_site_packages() -> None:
    winner = dist("wrapt", "1.14.1")
    loser = dist("wrapt", "1.16.0", shadowed_by=winner.metadata_path)
    f = one("ED204", snapshot([winner, loser]))
    assert f.severity is Severity.WARNING
    assert f.fix == (
        f"rm -rf {SITE}/wrapt-1.16.0.dist-info && "
        "uv pip install --python /env/bin/python --reinstall --no-deps wrapt==1.14.1"
    )


def test_the_environments_copy_winning_is_info() -> None:
    winner = dist("numpy", "1.26.4")
    loser = dist("numpy", "1.24.4", location=USER, shadowed_by=winner.metadata_path)
    assert one("ED204", snapshot([winner, loser])).severity is Severity.INFO


def test_import_name_provided_by_two_distributions() -> None:
    snap = snapshot(
        [
            dist("opencv-python", "4.9.0.80", top_level=["cv2"]),
            dist("opencv-contrib-python", "4.8.1.78", top_level=["cv2"]),
            dist("protobuf", "4.25.3", top_level=["google"]),
            dist("googleapis-common-protos", "1.63.0", top_level=["google"]),
        ]
    )
    f = one("ED204", snap)
    assert f.subject == "cv2" and f.cause is None
    assert f.fix == (
        "uv pip uninstall --python /env/bin/python opencv-contrib-python opencv-python && "
        "uv pip install --python /env/bin/python opencv-contrib-python==4.8.1.78"
    )


def test_passing() -> None:
    snap = snapshot(
        [
            dist("numpy", "1.26.4", top_level=["numpy"]),
            dist("tensorflow", "2.15.0", top_level=["tensorflow"]),
            dist("tensorflow-intel", "2.15.0", top_level=["tensorflow"]),
        ]
    )
    assert run("ED204", snap) == []


def test_a_package_split_into_several_distributions_is_not_a_clash() -> None:
    # mlflow requires mlflow-skinny and mlflow-tracing, which all write into `mlflow/`.
    snap = snapshot(
        [
            dist("mlflow", "3.1.0", top_level=["mlflow"], requires=["mlflow-skinny==3.1.0", "mlflow-tracing==3.1.0"]),
            dist("mlflow-skinny", "3.1.0", top_level=["mlflow"]),
            dist("mlflow-tracing", "3.1.0", top_level=["mlflow"]),
        ]
    )
    assert [f for f in run("ED204", snap) if f.subject == "mlflow"] == []
