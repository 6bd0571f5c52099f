"""The environment-source seam (envdoctor.probe.sources): every source gives a Snapshot or one
SourceError, the command line offers exactly the registered sources, and a new source added with
`register` alone (a toy reading a `pip freeze` file) is checked, reported and snapshotted by the
real verbs with no other change."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from envdoctor import cli, doctor
from envdoctor.errors import SourceError, UsageError
from envdoctor.model import Distribution, Interpreter, Machine, Snapshot
from envdoctor.names import canonicalize_name
from envdoctor.probe import sources
from envdoctor.probe.sources import (
    InterpreterSource,
    KernelSource,
    Reading,
    ReadOptions,
    Ready,
    SnapshotFile,
    SourceKind,
    read_snapshot,
    source_for,
)
from envdoctor.probe.target import Target, prefix_target, python_target
from tests.factories import make_dist


class FreezeFile:
    """The toy source: a `pip freeze` file (`name==version` lines; `# python X.Y` says which
    Python), as a snapshot of an environment whose interpreter is not here."""

    def __init__(self, path: str) -> None:
        self.path = path

    @property
    def description(self) -> str:
        return f"--freeze {self.path}"

    def open(self, options: ReadOptions) -> Reading:
        try:
            lines = Path(self.path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SourceError(f"cannot read {self.path}: {exc.strerror}") from None
        python = next((line.split()[-1] for line in lines if line.startswith("# python")), "")
        dists = []
        for line in lines:
            name, sep, version = line.strip().partition("==")
            if sep and not line.startswith("#"):
                dists.append(Distribution(name=canonicalize_name(name), version=version, display_name=name))
        interpreter = Interpreter(
            executable="",
            version=python,
            sys_platform="linux",
            machine="x86_64",
            abi_tag="cp" + python.replace(".", ""),
            probed=False,
        )
        snapshot = Snapshot(
            interpreter=interpreter,
            distributions=dists,
            machine=options.machine or Machine(os="linux", arch="x86_64"),
            target=self.description,
        )
        return Ready(snapshot)


@pytest.fixture
def freeze_source() -> Iterator[None]:
    sources.register(
        SourceKind(
            "--freeze", "FILE", "a pip freeze file (the toy source)", lambda value, env: FreezeFile(value), False
        )
    )
    try:
        yield
    finally:
        sources.unregister("--freeze")


@pytest.fixture
def freeze_file(tmp_path: Path) -> Path:
    path = tmp_path / "requirements-frozen.txt"
    path.write_text("# python 3.11\ntensorflow==2.15.0\nnumpy==2.1.0\nprotobuf==4.25.3\n", encoding="utf-8")
    return path


def test_a_registered_source_is_checked_by_the_real_cli(
    freeze_source: None, freeze_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["check", "--freeze", str(freeze_file), "--format", "json", "--isolated"])
    document = json.loads(capsys.readouterr().out)
    assert document["environment"]["target"] == f"--freeze {freeze_file}"
    assert document["environment"]["distributions"] == 3
    codes = {f["code"] for f in document["findings"]}
    assert "ED102" in codes  # NumPy 2 under a TensorFlow built against NumPy 1
    assert code == 1  # errors found, from the one exit-code policy


def test_a_registered_source_is_reported_and_snapshotted_too(
    freeze_source: None, freeze_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap.json"
    assert cli.main(["snapshot", "--freeze", str(freeze_file), "-o", str(out), "--isolated"]) == 0
    data = json.loads(out.read_text())
    assert {d["name"] for d in data["distributions"]} == {"tensorflow", "numpy", "protobuf"}
    assert cli.main(["report", "--freeze", str(freeze_file), "--format", "json", "--isolated"]) == 0
    assert "ED102" in {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    # ...and the snapshot it wrote diagnoses identically through the snapshot-file source
    capsys.readouterr()
    cli.main(["check", "--snapshot", str(out), "--format", "json", "--isolated"])
    again = json.loads(capsys.readouterr().out)
    assert "ED102" in {f["code"] for f in again["findings"]}


def test_a_source_that_cannot_run_is_not_offered_to_the_verbs_that_need_one(
    freeze_source: None, freeze_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for verb in ("verify", "fix", "restore"):
        assert cli.main([verb, "--freeze", str(freeze_file)]) == 2
        assert "unrecognized arguments: --freeze" in capsys.readouterr().err


def test_the_command_line_offers_exactly_the_registered_sources(freeze_source: None) -> None:
    parser = cli.build_parser(["check", "verify"])
    actions = {verb: sub for verb, sub in parser._subparsers._group_actions[0].choices.items()}  # type: ignore[union-attr]
    check_options = {o for a in actions["check"]._actions for o in a.option_strings}
    verify_options = {o for a in actions["verify"]._actions for o in a.option_strings}
    assert {"--python", "--prefix", "--kernel", "--snapshot", "--freeze"} <= check_options
    assert {"--python", "--prefix", "--kernel"} <= verify_options
    assert not {"--snapshot", "--freeze"} & verify_options


# ---- the built-in sources, on real files and interpreters -----------------------------------------


def _venv(tmp_path: Path) -> Path:
    """A real venv of the Python running the tests, with one distribution."""
    import venv

    prefix = tmp_path / "env"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(prefix)
    site = next((prefix / "lib").glob("python*/site-packages"))
    make_dist(site, "numpy", "1.26.4")
    return prefix


def test_python_and_prefix_and_the_active_environment_read_the_same_venv(tmp_path: Path) -> None:
    prefix = _venv(tmp_path)
    python = str(prefix / "bin" / "python")
    by_python = read_snapshot(InterpreterSource(python_target(python)))
    by_prefix = read_snapshot(InterpreterSource(prefix_target(str(prefix))))
    active = read_snapshot(source_for({}, {"VIRTUAL_ENV": str(prefix), "PATH": os.environ.get("PATH", "")}))
    for snap in (by_python, by_prefix, active):
        assert snap.interpreter.probed
        assert os.path.realpath(snap.interpreter.prefix) == os.path.realpath(prefix)
        assert [d.name for d in snap.distributions if d.name == "numpy"] == ["numpy"]
        assert snap.interpreter.install_dirs  # purelib / platlib, from the probe
    assert active.target == f"active: $VIRTUAL_ENV={prefix}"


def test_a_prefix_whose_interpreter_cannot_run_is_read_from_its_files(tmp_path: Path) -> None:
    prefix = tmp_path / "dead"
    site = prefix / "lib" / "python3.11" / "site-packages"
    make_dist(site, "numpy", "1.26.4")
    (prefix / "bin").mkdir(parents=True)
    python = prefix / "bin" / "python"
    python.write_text("#!/nonexistent/interpreter\n")
    python.chmod(0o755)
    source = InterpreterSource(prefix_target(str(prefix)))
    with source.open(ReadOptions(timeout=10)) as reading:
        snap = reading.snapshot()
        assert reading.inspected(snap)
        assert reading.cache_identity == str(python)
    assert not snap.interpreter.probed
    assert [d.name for d in snap.distributions] == ["numpy"]
    assert any("read from the prefix's files" in k.reason for k in snap.skipped)


def test_every_bad_name_is_one_source_error(tmp_path: Path) -> None:
    (tmp_path / "notjson.json").write_text("{")
    bad: list[Callable[[], object]] = [
        lambda: prefix_target(str(tmp_path / "missing")),
        lambda: python_target(str(tmp_path / "no-python-here")),
        lambda: read_snapshot(SnapshotFile(str(tmp_path / "absent.json"))),
        lambda: read_snapshot(SnapshotFile(str(tmp_path / "notjson.json"))),
        lambda: read_snapshot(KernelSource("no-such-kernel", {"JUPYTER_PATH": str(tmp_path), "HOME": str(tmp_path)})),
        lambda: source_for({}, {"PATH": str(tmp_path)}),
        lambda: InterpreterSource(Target(None, str(tmp_path), "--prefix x")).target(),
        lambda: source_for({"python": sys.executable, "prefix": str(tmp_path)}),
    ]
    for attempt in bad:
        with pytest.raises(SourceError) as caught:
            attempt()
        assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2
        assert "\n" not in str(caught.value)


def test_a_snapshot_file_and_standard_input_give_the_snapshot_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = _venv(tmp_path)
    taken = read_snapshot(InterpreterSource(prefix_target(str(prefix))))
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(taken.to_dict()))
    assert read_snapshot(SnapshotFile(str(path))).to_dict() == taken.to_dict()
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    assert read_snapshot(SnapshotFile("-")).to_dict() == taken.to_dict()


def test_a_kernel_whose_interpreter_is_gone_is_its_session_facts(tmp_path: Path) -> None:
    kernels = tmp_path / "share" / "jupyter" / "kernels" / "gone"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {"argv": [str(tmp_path / "nowhere" / "bin" / "python"), "-m", "ipykernel_launcher"], "language": "python"}
        )
    )
    env: Mapping[str, str] = {"JUPYTER_PATH": str(tmp_path / "share" / "jupyter"), "HOME": str(tmp_path), "PATH": ""}
    source = KernelSource("gone", env)
    with source.open(ReadOptions()) as reading:
        assert reading.cache_identity is None  # never cached: nothing live to fingerprint
        snap = reading.snapshot()
    assert snap.session.kernel == "gone" and not snap.interpreter.probed
    with pytest.raises(SourceError, match="does not exist"):
        source.target()
    report = doctor.check(source, options=ReadOptions())
    assert {"ED231", "ED232", "ED233"} & {f.code for f in report.findings}
