"""Round 32 (issue 11, from blind72's misses): an import name asked for as a distribution (cv2,
opencv), an Ubuntu release named by its codename, piwheels' index as the sign of a Raspberry Pi,
conda's `opencv` beside pip's `opencv-python`, and a pre-release Python with no wheel, each with a
near miss (tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, fired, matched, raw_decision


def test_an_import_name_asked_for_as_a_distribution_is_package_removed() -> None:
    log = (
        "ERROR: Could not find a version that satisfies the requirement cv2 (from versions: none)\n"
        "ERROR: No matching distribution found for cv2\n"
    )
    assert_reasoned(log, "package-removed")
    assert matched(log, "removed/import-name-is-no-distribution")
    # the distribution's own name failing is not this signature's, nor a longer name starting with it
    assert not matched(log.replace("cv2", "opencv-python"), "removed/import-name-is-no-distribution")
    assert not matched(log.replace("cv2", "cv2tools"), "removed/import-name-is-no-distribution")


def test_an_ubuntu_codename_names_its_glibc() -> None:
    log = (
        "I'm installing on an Ubuntu Jammy system.\n"
        "ERROR: Could not find a version that satisfies the requirement mistralrs==0.4.0 (from versions: 0.1.0)\n"
        "There is a built distribution: mistralrs-0.4.0-cp310-cp310-manylinux_2_39_x86_64.whl\n"
        "Uploaded Jan 22, 2025 CPython 3.10 manylinux: glibc 2.39+ x86-64\n"
    )
    assert_reasoned(log, "glibc-too-old")
    # Noble (24.04) has glibc 2.39: that wheel fits it
    assert_not_concluded(log.replace("Jammy", "Noble"), "glibc-too-old")


PIWHEELS = (
    "pip install onnxruntime-genai --pre\n"
    "Looking in indexes: https://pypi.org/simple, https://www.piwheels.org/simple\n"
    "ERROR: Could not find a version that satisfies the requirement onnxruntime-genai (from versions: none)\n"
    "ERROR: No matching distribution found for onnxruntime-genai\n"
)


def test_piwheels_index_is_a_raspberry_pi() -> None:
    assert_reasoned(PIWHEELS, "platform-unsupported")


def test_without_piwheels_nothing_names_the_machine() -> None:
    plain = PIWHEELS.replace(", https://www.piwheels.org/simple", "")
    assert_not_concluded(plain, "platform-unsupported")


def test_condas_opencv_beside_pips_opencv_python_is_mixed() -> None:
    log = (
        "opencv                    4.1.1            py37ha799480_1    conda-forge\n"
        "opencv-python             4.1.1.26                 pypi_0    pypi\n"
    )
    got = assert_reasoned(log, "mixed-pip-conda")
    fixes = [v.fix for v in raw_decision(log).verdicts if v.rule == "installs/one-package-two-installers"]
    assert fixes == ["pip uninstall opencv-python, then conda install --force-reinstall opencv"]
    assert got.cause in ("mixed-pip-conda", "unknown")
    # both from conda: one installer
    both_conda = log.replace("pypi_0    pypi", "py37_0    conda-forge")
    assert not fired(both_conda, "installs/one-package-two-installers")


PRERELEASE = (
    "> pip install pywin32\n"
    "ERROR: Could not find a version that satisfies the requirement pywin32 (from versions: none)\n"
    "ERROR: No matching distribution found for pywin32\n"
    "Python 3.12.0a6\n"
)


def test_a_prerelease_python_has_no_wheels_yet() -> None:
    assert_reasoned(PRERELEASE, "python-unsupported")


def test_a_released_python_says_nothing_by_itself() -> None:
    assert_not_concluded(PRERELEASE.replace("3.12.0a6", "3.11.4"), "python-unsupported")
