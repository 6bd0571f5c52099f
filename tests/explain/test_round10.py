"""Round 10 (issue 11): reasoning steps read from blind26's misses, on minimal logs in the tools'
wording, each with a near miss (the same facts short of the step); and TensorFlow's companion
packages in the knowledge base's wheel tables.

`assert_reasoned` checks the rules' raw conclusion and what calibration ships for it
(tests/explain/expect.py)."""

from __future__ import annotations

from envdoctor.knowledge import KnowledgeBase
from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

NO_WHEEL = (
    "ERROR: Could not find a version that satisfies the requirement {req} (from versions: none)\n"
    "ERROR: No matching distribution found for {req}\n"
)


# ---- the knowledge base's companions (platform-text-225) ------------------------------------------
def test_the_knowledge_base_lists_tensorflow_companions_with_their_narrower_platforms() -> None:
    kb = KnowledgeBase.load()
    assert kb is not None
    for name in ("tensorflow-text", "tensorflow-addons", "tensorflow-io", "tensorflow-decision-forests"):
        assert kb.releases(name), name
    text_2_1 = kb.release("tensorflow-text", "2.1.1")
    assert text_2_1 is not None and "3.6" in text_2_1.pythons("linux-x86_64")
    assert not text_2_1.pythons("windows-x86_64")  # the 2.1 era had no Windows wheel
    forests = kb.releases("tensorflow-decision-forests")
    assert not any(r.pythons("windows-x86_64") for r in forests)  # never built for Windows


def test_a_companion_with_no_windows_wheel_of_its_era_is_the_platform() -> None:
    text = (
        "(env) C:\\Users\\me\\proj>python -m pip install tensorflow-text==2.1.1\n"
        + NO_WHEEL.format(req="tensorflow-text==2.1.1")
        + "tensorflow 2.1.0\nPython 3.6.7\n"
    )
    assert_reasoned(text, "platform-unsupported")
    # the same request on Linux x86_64, where 2.1.1 has Python 3.6 wheels: not the platform
    linux = text.replace("(env) C:\\Users\\me\\proj>", "$ uname -sm\nLinux x86_64\n(env) me@box:/home/me/proj$ ")
    assert_not_concluded(linux, "platform-unsupported")


def test_python_3_6_alone_is_not_why_a_companion_of_its_era_has_no_wheel() -> None:
    # TensorFlow 2.1 runs on this Python 3.6: the frameworks' age rule does not blame the Python
    text = "C:\\Users\\me>pip install tensorflow-text\n" + NO_WHEEL.format(req="tensorflow-text")
    text += "tensorflow 2.1.0\nPython 3.6.7\n"
    got = raw_decision(text)
    assert not (got.cause == "python-unsupported" and got.raw_confidence >= 0.8), (got.cause, got.key)


# ---- the user's words, tools' messages ------------------------------------------------------------
def test_glibc_not_found_in_the_users_words() -> None:
    assert_reasoned("GLIBC 2.17 not found\n\nI am quite new to conda-forge.\n", "glibc-too-old")
    assert_not_concluded("GLIBC 2.17 found, so the system is new enough\n", "glibc-too-old")


def test_windows_error_206_is_the_path_limit() -> None:
    text = (
        "(base) c:\\>conda install -c conda-forge nodejs\nDownloading and Extracting Packages\n"
        "FileNotFoundError(2, 'The filename or extension is too long')\n"
    )
    assert_reasoned(text, "windows-long-paths")
    # WinError 123 is a bad character in a path, not its length
    near = text.replace(
        "The filename or extension is too long", "The filename, directory name, or volume label syntax is incorrect"
    )
    assert_not_concluded(near, "windows-long-paths")


def test_uvs_network_timeout() -> None:
    text = (
        "  × Failed to download `nvidia-cudnn-cu12==9.10.2.21`\n"
        "  ├─▶ Failed to extract archive: nvidia_cudnn_cu12-9.10.2.21-py3-none-manylinux_2_27_x86_64.whl\n"
        "  ╰─▶ Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT "
        "(current value: 30s).\n"
    )
    assert_reasoned(text, "network-or-index")
    near = text.replace(
        "Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT (current value: 30s).",
        "Hash mismatch for `nvidia-cudnn-cu12==9.10.2.21`",
    )
    assert_not_concluded(near, "network-or-index")


def test_an_install_behind_a_proxy_in_the_users_words() -> None:
    text = "pip install fails behind our corporate proxy.\nI added the custom certificate to certifi already.\n"
    assert_reasoned(text, "network-or-index")
    assert_not_concluded(
        text.replace("fails behind our corporate proxy", "fails; I am not behind a proxy"), "network-or-index"
    )


def test_typing_extensions_names_listed_together() -> None:
    text = "ImportError: cannot import name 'deprecated' / 'Doc' from 'typing_extensions'\n"
    assert_reasoned(text, "dependency-version-mismatch")
    assert_not_concluded(
        "ImportError: cannot import name 'deprecated' / 'Doc' from 'mytools'\n", "dependency-version-mismatch"
    )


def test_tensorflows_internal_keras_missing_an_attribute_is_a_keras_candidate() -> None:
    got = raw_decision("AttributeError: module 'tensorflow.python.keras.backend' has no attribute 'get_graph'\n")
    assert got.cause == "keras-version-mismatch"
    other = raw_decision("AttributeError: module 'tensorflow.python.framework.ops' has no attribute 'get_graph'\n")
    assert other.cause != "keras-version-mismatch"
