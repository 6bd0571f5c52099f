"""The page's answers are plan's: at least 200 selector states compared with `make_plan` (and a
few with the real `envdoctor plan` command)."""

from __future__ import annotations

import json
import random
import shlex

import pytest

from envdoctor.explorer.selector import ANY_PYTHON, NO_DRIVER, State, states, variants
from envdoctor.explorer.site import answer_for
from envdoctor.knowledge import KnowledgeBase
from envdoctor.plan import make_plan
from envdoctor.plan.model import Target

from .conftest import BuiltSite, envdoctor

SAMPLE = 240


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(prefer_user_cache=False)


def _sample(kb: KnowledgeBase) -> list[State]:
    every = list(states(kb))
    rng = random.Random(15)
    picked = rng.sample(every, SAMPLE)
    # every variant, platform and device at least once, and the URL example of the issue
    for variant in variants():
        picked.append(next(s for s in every if s.variant == variant))
    picked.append(next(s for s in every if s.key == "tensorflow/linux-x86_64/3.12/gpu/550"))
    return picked


def _target(state: State) -> Target:
    """Written out here, not taken from the explorer: what `plan --platform --python --gpu/--cpu
    --driver` plans for on a machine with no Python installed."""
    return Target(
        platform=state.platform,
        python=None if state.python == ANY_PYTHON else state.python,
        gpu=state.device == "gpu",
        driver=None if state.driver == NO_DRIVER else state.driver,
    )


def test_page_answers_are_plans_answers(site: BuiltSite, kb: KnowledgeBase) -> None:
    sample = _sample(kb)
    assert len(sample) >= 200
    feasible = infeasible = 0
    for state in sample:
        shown = answer_for(site.data, state.key)
        assert shown is not None, state.key
        plan = make_plan([state.variant.spec], _target(state), kb, resolve=False)
        choice = plan.choice
        assert choice is not None
        where = state.key
        assert shown["feasible"] == plan.feasible, where
        assert shown["python"] == plan.python, where
        assert shown["gpu"] == plan.gpu, where
        assert shown["reasons"] == plan.reasons, where
        assert shown["proof"] == plan.proof, where
        assert shown["alternatives"] == plan.alternatives, where
        if not plan.feasible:
            infeasible += 1
            assert shown["framework"] is None and shown["commands"] == {}, where
            continue
        feasible += 1
        pin = choice.pins[0]
        extras = f"[{','.join(pin.extras)}]" if pin.extras else ""
        requirement = f"{pin.name}{extras}=={pin.version}"
        assert shown["framework"]["requirement"] == requirement, where
        assert [c["requirement"] for c in shown["caps"]] == choice.constraints, where
        if pin.gpu is not None:
            assert (shown["cuda"], shown["cudnn"]) == (pin.gpu.cuda, pin.gpu.cudnn), where
            if pin.gpu.driver:
                assert shown["driver"]["need"] == pin.gpu.driver, where
                assert shown["driver"]["need"] in " ".join(plan.reasons), where
        else:
            assert shown["cuda"] is None and shown["driver"] is None, where
        torch_index = "https://download.pytorch.org/whl/"
        index = ["--index-url", torch_index + choice.index_backend] if choice.index_backend else []
        pip = shlex.split(shown["commands"]["pip"][0])
        assert pip == ["python", "-m", "pip", "install", requirement, *choice.constraints, *index], where
        uv_venv, uv_install = (shlex.split(line) for line in shown["commands"]["uv"])
        assert uv_venv == ["uv", "venv", "--python", plan.python], where
        assert uv_install[:3] == ["uv", "pip", "install"] and requirement in uv_install, where
        conda_create = shlex.split(shown["commands"]["conda"][0])
        assert conda_create[:2] == ["conda", "create"] and f"python={plan.python}" in conda_create, where
    assert feasible > 50 and infeasible > 20  # the sample covers both kinds of answer


@pytest.mark.parametrize(
    "key",
    [
        "tensorflow/linux-x86_64/3.12/gpu/550",
        "tensorflow/windows-x86_64/3.12/gpu/550",
        "tensorflow-cpu/macos-arm64/3.8/cpu/none",
        "torch/windows-x86_64/3.11/gpu/560",
        "jax-cuda13/linux-x86_64/3.13/gpu/570",
        "jax-cpu/macos-x86_64/3.12/cpu/none",
    ],
)
def test_page_answers_match_the_plan_command(site: BuiltSite, key: str) -> None:
    shown = answer_for(site.data, key)
    assert shown is not None
    variant, platform, python, device, driver = key.split("/")
    spec = next(v.spec for v in variants() if v.id == variant)
    args = ["plan", spec, "--platform", platform, "--python", python, f"--{device}", "--no-resolve", "--format", "json"]
    if driver != NO_DRIVER:
        args += ["--driver", driver]
    proc = envdoctor(*args)
    assert proc.returncode in (0, 1), proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["feasible"] == shown["feasible"] == (proc.returncode == 0)
    assert (plan["python"], plan["reasons"], plan["proof"], plan["alternatives"]) == (
        shown["python"],
        shown["reasons"],
        shown["proof"],
        shown["alternatives"],
    )


def test_unknown_states_are_not_answered(site: BuiltSite) -> None:
    for key in (
        "tensorflow-cpu/linux-x86_64/3.12/gpu/550",  # a CPU-only variant has no GPU state
        "tensorflow/linux-x86_64/3.12/gpu/551.23",  # not in the driver menu
        "tensorflow/macos-arm64/3.12/gpu/550",  # macOS has no NVIDIA driver
        "tensorflow/linux-x86_64/2.7/cpu",
        "nope/linux-x86_64/3.12/cpu",
        "tensorflow",
    ):
        assert answer_for(site.data, key) is None, key
    assert answer_for(site.data, "tensorflow/linux-x86_64/3.12/cpu") is not None
