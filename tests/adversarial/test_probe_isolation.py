"""The probe never runs the target's code: no .pth `import` line, no sitecustomize, no module from
PYTHONPATH or the current folder, on every pyenv Python; yet sys.path is computed as the real
interpreter computes it. A probe that does not answer is killed with everything it started."""

from __future__ import annotations

import ast
import os
import subprocess
import time
from pathlib import Path

import pytest

from envdoctor.probe.launch import ISOLATED_FLAGS, LEGACY_FLAGS, ProbeRun
from tests.adversarial.readers_env import (
    ALL_PYTHONS,
    cli_env,
    fake_python,
    pid_alive,
    run_cli,
    site_packages,
    venv,
)
from tests.factories import make_dist
from tests.test_probe import pyenv_python

SIDE_EFFECT = "import os; open({marker!r}, 'a').write('ran\\n')"


def _hostile_site(site: Path, marks: Path, egg_root: Path) -> None:
    """A site-packages folder whose .pth files, sitecustomize and usercustomize all leave a mark
    when run; one .pth is setuptools' easy-install.pth, which moves its eggs to sys.path's front."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "extra_dir").mkdir(exist_ok=True)
    (site / "aaa.pth").write_text("# a comment\nextra_dir\n\n" + SIDE_EFFECT.format(marker=str(marks / "pth")) + "\n")
    egg = egg_root / "old.egg"
    egg.mkdir(parents=True, exist_ok=True)
    (site / "easy-install.pth").write_text(
        "import sys; sys.__plen = len(sys.path)\n"
        f"{egg}\n"
        "import sys; new = sys.path[sys.__plen:]; del sys.path[sys.__plen:]; "
        "p = getattr(sys, '__egginsert', 0); sys.path[p:p] = new; sys.__egginsert = p + len(new)\n"
    )
    (site / "zzz-missing.pth").write_text("does_not_exist\n")
    for module in ("sitecustomize", "usercustomize"):
        (site / f"{module}.py").write_text(SIDE_EFFECT.format(marker=str(marks / module)) + "\n")


def _shadowing_folder(folder: Path, marks: Path) -> Path:
    """A folder of modules named like the stdlib ones the probe imports, each leaving a mark."""
    folder.mkdir(parents=True, exist_ok=True)
    for module in ("json", "re", "platform", "struct", "site", "sysconfig", "stat", "imp", "locale"):
        (folder / f"{module}.py").write_text(SIDE_EFFECT.format(marker=str(marks / f"shadow-{module}")) + "\n")
    return folder


@pytest.mark.parametrize("version", ALL_PYTHONS)
def test_pth_files_are_read_as_data_and_sys_path_matches_the_real_one(tmp_path: Path, version: str) -> None:
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (pyenv)")
    marks = tmp_path / "marks"
    marks.mkdir()
    userbase = tmp_path / "userbase"
    minor = ".".join(version.split(".")[:2])
    user_site = userbase / "lib" / f"python{minor}" / "site-packages"
    _hostile_site(user_site, marks, tmp_path / "eggs")
    cwd = _shadowing_folder(tmp_path / "cwd", marks)
    pythonpath = _shadowing_folder(tmp_path / "pp", marks)
    env = {**os.environ, "PYTHONUSERBASE": str(userbase), "PYTHONPATH": f"{pythonpath}{os.pathsep}rel"}
    env.pop("PYTHONNOUSERSITE", None)
    (cwd / "rel").mkdir()

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        run = ProbeRun.start(python, 60, scan=True)
        facts, _ = run.wait_raw()
        scanned = run.scan()
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    assert list(marks.iterdir()) == [], "the probe ran code of the environment"
    assert scanned is not None and isinstance(scanned["records"], list)
    assert run.flags == (LEGACY_FLAGS if version == "2.7" else ISOLATED_FLAGS)

    # The real interpreter, started as the user starts it, runs all of it (without the shadowing
    # modules, which would break its own start: the folder stays on PYTHONPATH)...
    for module in [*pythonpath.glob("*.py"), *cwd.glob("*.py")]:
        module.unlink()
    real = subprocess.run(
        [python, "-c", "import os, sys; print(repr([p for p in sys.path if p not in ('', os.getcwd())]))"],
        cwd=cwd,  # the `-c` entry (this folder) is dropped, as the probe drops its own
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert (marks / "pth").exists() and (marks / "sitecustomize").exists()
    # ... and computes the same sys.path: PYTHONPATH, user site, .pth path lines, eggs first.
    expected = ast.literal_eval(real.stdout.strip().splitlines()[-1])
    assert facts["sys_path"] == expected, "\n".join(["probe:", *facts["sys_path"], "real:", *expected])
    assert str(pythonpath) in facts["sys_path"] and str(cwd / "rel") in facts["sys_path"]
    assert str(user_site / "extra_dir") in facts["sys_path"]
    assert facts["sys_path"].index(str(tmp_path / "eggs" / "old.egg")) < facts["sys_path"].index(str(user_site))


VERBS = [
    ["check"],
    ["check", "--no-cache", "--format", "json"],
    ["snapshot"],
    ["report"],
    ["fix"],
    ["restore", "--list"],
]


@pytest.fixture(scope="module")
def hostile_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(prefix, marks): a Python 3.12 venv whose site-packages leaves a mark for any code run."""
    tmp = tmp_path_factory.mktemp("hostile")
    prefix = venv(tmp, "3.12")
    marks = tmp / "marks"
    marks.mkdir()
    site = site_packages(prefix)
    _hostile_site(site, marks, tmp / "eggs")
    make_dist(site, "numpy", "2.0.0")
    make_dist(site, "tensorflow-cpu", "2.10.1", requires=["numpy<1.24"])
    return prefix, marks


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: " ".join(v))
def test_no_verb_runs_the_targets_code(hostile_venv: tuple[Path, Path], tmp_path: Path, verb: list[str]) -> None:
    prefix, marks = hostile_venv
    cwd = _shadowing_folder(tmp_path / "cwd", marks)
    pythonpath = _shadowing_folder(tmp_path / "pp", marks)
    env = cli_env(tmp_path, PYTHONPATH=str(pythonpath), ENVDOCTOR_STATE_DIR=str(tmp_path / "state"))
    result = run_cli(*verb, "--python", str(prefix / "bin" / "python"), env=env, cwd=cwd)
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err, err
    assert sorted(p.name for p in marks.iterdir()) == [], f"{' '.join(verb)} ran the environment's code"


def test_verify_runs_the_target_only_to_import_a_framework(tmp_path: Path) -> None:
    """verify's own probing is isolated; importing an installed framework is what it is for (the
    README says so): with none installed, nothing of the environment runs."""
    prefix = venv(tmp_path, "3.12")
    marks = tmp_path / "marks"
    marks.mkdir()
    site = site_packages(prefix)
    _hostile_site(site, marks, tmp_path / "eggs")
    make_dist(site, "numpy", "2.0.0")
    cwd = _shadowing_folder(tmp_path / "cwd", marks)
    result = run_cli("verify", "--python", str(prefix / "bin" / "python"), env=cli_env(tmp_path), cwd=cwd)
    assert b"Traceback" not in result.stderr
    assert sorted(p.name for p in marks.iterdir()) == []


def test_tailoring_probes_of_explain_and_run_are_isolated(hostile_venv: tuple[Path, Path], tmp_path: Path) -> None:
    prefix, marks = hostile_venv
    cwd = _shadowing_folder(tmp_path / "cwd", marks)
    env = cli_env(tmp_path)
    python = str(prefix / "bin" / "python")
    log = "ImportError: numpy.core.multiarray failed to import\n"
    run_cli("explain", "--python", python, "-", env=env, cwd=cwd, stdin=log)
    run_cli("run", "--python", python, "--", "sh", "-c", f"printf '{log}' >&2; exit 1", env=env, cwd=cwd)
    assert sorted(p.name for p in marks.iterdir()) == []


def test_a_probe_that_hangs_is_killed_with_everything_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    prefix = fake_python(tmp_path, f"sleep 300 & echo $! > {pidfile}\nexec sleep 300")
    make_dist(prefix / "lib" / "python3.11" / "site-packages", "numpy", "1.26.4")
    probe_tmp = tmp_path / "probe-tmp"
    probe_tmp.mkdir()
    env = cli_env(tmp_path, TMPDIR=str(probe_tmp))
    started = time.monotonic()
    result = run_cli("check", "--prefix", str(prefix), "--timeout", "2", env=env, timeout=60)
    assert time.monotonic() - started < 60
    assert b"did not answer" in result.stdout
    deadline = time.monotonic() + 5
    child = int(pidfile.read_text())
    while pid_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(child), "the probe's child was left running"
    assert list(probe_tmp.iterdir()) == [], "the probe's working folder was left behind"


def test_the_probe_starts_in_a_new_empty_folder(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    prefix = fake_python(tmp_path, f'pwd > {seen}; ls -A >> {seen}; echo "$@" | head -c 0; exit 1')
    user_cwd = tmp_path / "project"
    user_cwd.mkdir()
    (user_cwd / "json.py").write_text("")
    run_cli("check", "--prefix", str(prefix), env=cli_env(tmp_path), cwd=user_cwd)
    where, *listing = seen.read_text().splitlines()
    assert where != str(user_cwd) and "envdoctor-probe-" in where
    assert listing == []
    assert not Path(where).exists()


def test_the_interpreter_gets_isolation_flags(tmp_path: Path) -> None:
    argv = tmp_path / "argv"
    script = f'for a in "$@"; do printf "%s\\n" "$a" | head -c 40 >> {argv}; echo >> {argv}; done; exit 1'
    prefix = fake_python(tmp_path, script)
    run_cli("check", "--prefix", str(prefix), env=cli_env(tmp_path))
    first = [line for line in argv.read_text().splitlines() if line][:3]
    assert first == ["-I", "-S", "-c"]


@pytest.mark.parametrize("version", [v for v in ALL_PYTHONS if v != "2.7"])
def test_install_paths_in_a_venv_are_the_venvs(tmp_path: Path, version: str) -> None:
    """sysconfig read in the probe after site set the venv's prefix: where pip / uv install."""
    prefix = venv(tmp_path, version)
    python = str(prefix / "bin" / "python")
    run = ProbeRun.start(python, 60, scan=False)
    facts = run.wait()
    real = subprocess.run(
        [python, "-c", "import sysconfig; p = sysconfig.get_paths(); print(p['purelib']); print(p['platlib'])"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert [facts["purelib"], facts["platlib"]] == real
    assert facts["prefix"] == str(prefix) and facts["is_venv"] is True
