"""Round 6 (issue 11): reasoning steps read from blind10's misses, on minimal logs in the tools' wording.

Each: a concluding case and a near miss (the same facts short of the step). `assert_reasoned` checks
the rules' raw conclusion and what calibration ships for it (tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_reasoned, raw_decision

# ---- libprotobuf's C++ version check (protobuf-tf-19370) -------------------------------------
PROTOBUF_CPP = (
    "[libprotobuf FATAL google/protobuf/stubs/common.cc:61] This program requires version 3.5.0 of the "
    "Protocol Buffer runtime library, but the installed version is 2.6.1.  Please update your library.\n"
    "terminate called after throwing an instance of 'google::protobuf::FatalException'\n"
    "Aborted (core dumped)\n"
)


def test_libprotobufs_own_version_check_is_a_protobuf_mismatch() -> None:
    got = assert_reasoned(PROTOBUF_CPP, "protobuf-mismatch")
    assert "3.5.0" in " ".join(e.text for e in raw_decision(PROTOBUF_CPP).evidence["protobuf-mismatch"])
    assert got is not None


def test_a_protoc_version_alone_is_not_a_protobuf_mismatch() -> None:
    near = "$ protoc --version\nlibprotoc 3.5.1\n$ pip list\nprotobuf (3.5.2.post1)\n"
    assert raw_decision(near).cause != "protobuf-mismatch"
    assert "protobuf-mismatch" not in raw_decision(near).scores


# ---- XLA's PJRT plugin checks (depver-jax-24901, depver-desc-1534) ----------------------------
PJRT_MISMATCH = (
    "RuntimeError: Unable to initialize backend 'cuda': INVALID_ARGUMENT: Mismatched PJRT plugin PJRT API "
    "version (0.54) and framework PJRT API version 0.51). (you may need to uninstall the failing plugin "
    "package, or set JAX_PLATFORMS=cpu to skip this backend.)\n"
)
PJRT_ARGS = (
    "RuntimeError: Unable to initialize backend 'cuda': INVALID_ARGUMENT: Unexpected PJRT_Client_Create_Args "
    "size: expected 88, got 72. The plugin is likely built with a later version than the framework.\n"
)


def test_xlas_pjrt_api_check_is_a_plugin_of_another_release() -> None:
    assert_reasoned(PJRT_MISMATCH, "dependency-version-mismatch")
    assert_reasoned(PJRT_ARGS, "dependency-version-mismatch")


def test_a_cuda_backend_that_fails_otherwise_is_not_a_plugin_mismatch() -> None:
    near = (
        "RuntimeError: Unable to initialize backend 'cuda': FAILED_PRECONDITION: No visible GPU devices. "
        "(set JAX_PLATFORMS='' to automatically choose an available backend)\n"
    )
    assert raw_decision(near).cause != "dependency-version-mismatch"


# ---- the plugin's version against jaxlib's (depver-desc-1534) ---------------------------------
CONDA_LIST = (
    "$ conda list | grep jax\n"
    "jax                       0.4.38                   pypi_0    pypi\n"
    "jax-cuda12-pjrt           {plugin}                    pypi_0    pypi\n"
    "jax-cuda12-plugin         {plugin}                    pypi_0    pypi\n"
    "jaxlib                    0.4.38                   pypi_0    pypi\n"
)
BACKEND_FAILS = "RuntimeError: Unable to initialize backend 'cuda': INTERNAL: something went wrong\n"


def _rules(text: str) -> set[str]:
    return {v.rule for v in raw_decision(text).verdicts if v.weight > 0}


def test_a_jax_plugin_newer_than_jax_is_out_of_step() -> None:
    log = CONDA_LIST.format(plugin="0.5.0") + BACKEND_FAILS
    assert "packages/jax-plugin-out-of-step" in _rules(log)
    assert_reasoned(log, "dependency-version-mismatch")
    older = CONDA_LIST.format(plugin="0.4.30") + BACKEND_FAILS  # older than jaxlib: out of step too
    assert "packages/jax-plugin-out-of-step" in _rules(older)


def test_a_jax_plugin_of_jaxlibs_release_is_not_out_of_step() -> None:
    assert "packages/jax-plugin-out-of-step" not in _rules(CONDA_LIST.format(plugin="0.4.38") + BACKEND_FAILS)
    # no error: a listing alone is no failure
    assert "packages/jax-plugin-out-of-step" not in _rules(CONDA_LIST.format(plugin="0.5.0"))


# ---- uv's resolver: no version of a release for this Python (pyver-uv-9597) --------------------
UV_VERBOSE = (
    "$ uv pip install --verbose torch=={torch} --index-url https://download.pytorch.org/whl/cu121\n"
    "DEBUG uv 0.5.2 (195f4b634 2024-11-14)\n"
    "DEBUG Using Python 3.13.0 environment at .venv\n"
    "DEBUG Solving with installed Python version: 3.13.0\n"
    "DEBUG Adding direct dependency: torch>={torch}, <{torch}+\n"
    "DEBUG Searching for a compatible version of torch (>={torch}, <{torch}+)\n"
    "DEBUG No compatible version found for: torch\n"
)


def test_uv_finding_no_version_of_a_release_without_wheels_for_the_python_is_python_unsupported() -> None:
    # torch 2.3.0 has wheels for CPython 3.8-3.12 only (knowledge base)
    log = UV_VERBOSE.format(torch="2.3.0")
    assert any(
        r.source == "uv" and r.name == "torch" and r.spec == "==2.3.0" for r in raw_decision(log).logfacts.requests
    )
    assert_reasoned(log, "python-unsupported")


def test_uv_finding_no_version_of_a_release_with_wheels_for_the_python_is_not_python_unsupported() -> None:
    # torch 2.6.0 has cp313 wheels: the Python is not why
    assert raw_decision(UV_VERBOSE.format(torch="2.6.0")).cause != "python-unsupported"
