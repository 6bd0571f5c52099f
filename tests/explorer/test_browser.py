"""The explorer in a real browser: click through the selector, follow a deep link, use the
keyboard, and take screenshots at desktop and phone widths (light and dark)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from envdoctor.explorer.selector import variants
from envdoctor.knowledge import KnowledgeBase
from envdoctor.plan import make_plan
from envdoctor.plan.model import Target

from .browser import ARGS, CHROMIUM, distinct_colours, missing
from .conftest import BuiltSite

pytestmark = [pytest.mark.browser, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport=DESKTOP
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture()
def page(browser: Any, site: BuiltSite) -> Iterator[Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    yield page
    page.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests  # nothing from the network


def _open(page: Any, site: BuiltSite, hash_: str = "") -> None:
    page.goto((site.out / "index.html").as_uri() + hash_)
    page.wait_for_selector("html[data-ready]")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(prefer_user_cache=False)


def _expected(kb: KnowledgeBase, spec: str, platform: str, python: str, device: str, driver: str | None) -> Any:
    target = Target(platform=platform, python=python, gpu=device == "gpu", driver=driver)
    return make_plan([spec], target, kb, resolve=False)


def _shown(page: Any) -> dict[str, Any]:
    return {
        "status": page.text_content("#answer-status"),
        "title": page.text_content("#answer-title"),
        "python": page.text_content("#answer-python"),
        "pip": page.text_content("#cmd-pip"),
        "proof": page.locator("#answer-proof li").all_text_contents(),
        "alternatives": page.locator("#answer-alternatives li").all_text_contents(),
        "need": page.text_content("#answer-driver-need") if page.locator("#answer-driver-need").count() else None,
        "hash": page.evaluate("location.hash"),
    }


CLICKS = [
    ("tensorflow-and-cuda", "linux-x86_64", "3.12", "gpu", "550"),
    ("tensorflow", "windows-x86_64", "3.12", "gpu", "560"),
    ("tensorflow-cpu", "macos-arm64", "3.9", "cpu", None),
    ("torch", "linux-aarch64", "3.11", "cpu", None),
    ("torch", "windows-x86_64", "3.13", "gpu", "575"),
    ("jax-cuda12", "linux-x86_64", "3.12", "gpu", "525.60.13"),
    ("jax-cuda13", "linux-x86_64", "3.13", "gpu", "570"),
    ("jax-cpu", "macos-x86_64", "3.14", "cpu", None),
    ("tensorflow", "linux-x86_64", "3.7", "gpu", "418.39"),
]


def test_clicking_through_the_selector_shows_plans_answers(page: Any, site: BuiltSite, kb: KnowledgeBase) -> None:
    _open(page, site)
    for variant_id, platform, python, device, driver in CLICKS:
        page.select_option("#variant", variant_id)
        page.select_option("#platform", platform)
        page.select_option("#python", python)
        if page.is_enabled(f"#device-{device}"):
            page.check(f"#device-{device}")
        if driver:
            page.select_option("#driver", driver)
        spec = next(v.spec for v in variants() if v.id == variant_id)
        plan = _expected(kb, spec, platform, python, device, driver)
        shown = _shown(page)
        where = (variant_id, platform, python, device, driver)
        expected_hash = "#" + "/".join([variant_id, platform, python, device] + ([driver] if driver else []))
        assert shown["hash"] == expected_hash, where
        assert shown["status"] == ("fits" if plan.feasible else "nothing fits"), where
        if plan.feasible:
            assert plan.choice is not None
            pin = plan.choice.pins[0]
            extras = f"[{','.join(pin.extras)}]" if pin.extras else ""
            requirement = f"{pin.name}{extras}=={pin.version}"
            assert shown["title"] == requirement and shown["python"] == plan.python, where
            assert requirement in shown["pip"], where
            if pin.gpu is not None and pin.gpu.driver:
                assert shown["need"] == f">= {pin.gpu.driver}", where
        else:
            assert shown["proof"] == plan.proof and shown["alternatives"] == plan.alternatives, where


def test_deep_link(page: Any, site: BuiltSite, kb: KnowledgeBase) -> None:
    _open(page, site, "#tensorflow/linux-x86_64/3.12/gpu/550")
    assert page.input_value("#variant") == "tensorflow"
    assert page.input_value("#platform") == "linux-x86_64"
    assert page.input_value("#python") == "3.12"
    assert page.is_checked("#device-gpu") and page.input_value("#driver") == "550"
    plan = _expected(kb, "tensorflow", "linux-x86_64", "3.12", "gpu", "550")
    assert plan.choice is not None
    assert page.text_content("#answer-title") == f"tensorflow[and-cuda]=={plan.choice.pins[0].version}"
    # a driver the menu lacks answers as the nearest lower entry, and says so
    page.goto((site.out / "index.html").as_uri() + "#jax-cuda13/linux-x86_64/3.13/gpu/571.2")
    page.wait_for_function("location.hash === '#jax-cuda13/linux-x86_64/3.13/gpu/570'")
    assert "571.2" in page.text_content("#notice") and page.input_value("#driver") == "570"
    assert page.text_content("#answer-status") == "nothing fits"
    # hash changes after load are followed
    page.evaluate("location.hash = '#torch/macos-arm64/3.12/cpu'")
    page.wait_for_function("document.documentElement.dataset.state === 'torch/macos-arm64/3.12/cpu'")
    assert page.input_value("#variant") == "torch" and page.text_content("#answer-status") == "fits"


def test_keyboard(page: Any, site: BuiltSite) -> None:
    _open(page, site, "#tensorflow/linux-x86_64/any/cpu")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "answer"
    page.focus("#python")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("location.hash === '#tensorflow/linux-x86_64/3.15/cpu'")
    assert page.text_content("#answer-status") == "nothing fits"  # no TensorFlow for 3.15 yet
    page.keyboard.press("ArrowDown")
    page.wait_for_function("location.hash === '#tensorflow/linux-x86_64/3.14/cpu'")
    page.evaluate("location.hash = '#tensorflow/linux-x86_64/3.12/cpu'")
    page.wait_for_function("document.documentElement.dataset.state === 'tensorflow/linux-x86_64/3.12/cpu'")
    page.focus("#tab-pip")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-uv" and page.is_visible("#cmd-uv")
    assert not page.is_visible("#cmd-pip")


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [
        ("desktop-light", DESKTOP, "light"),
        ("desktop-dark", DESKTOP, "dark"),
        ("phone-light", PHONE, "light"),
        ("phone-dark", PHONE, "dark"),
    ],
)
def test_screenshots(
    browser: Any, site: BuiltSite, tmp_path: Path, name: str, viewport: dict[str, int], scheme: str
) -> None:
    page = browser.new_page()
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    try:
        _open(page, site, "#tensorflow/linux-x86_64/3.12/gpu/550")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, width)  # readable without scrolling sideways
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(13, 17, 23)"), background
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot))
        assert distinct_colours(shot) > 20, name  # not blank
        page.wait_for_function("document.querySelectorAll('#matrix-body table').length === 4")  # drawn after the answer
    finally:
        page.close()
