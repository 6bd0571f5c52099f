"""Strings from an environment or a log reach the terminal inert: no C0 / C1 control, no escape
sequence (title set, `ESC c`, screen clear, DCS, cursor moves, 8-bit CSI), no bidi override,
whatever the verb and format; JSON stays JSON with the same data; report's Markdown renders (with
GitHub's own cmark-gfm) to no HTML, link, heading or list that the data asked for."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.adversarial.readers_env import cli_env, run_cli, site_packages, venv
from tests.factories import make_conda_record, make_dist

# Every kind of hostile sequence at once: OSC title set, full reset (ESC c), screen clear and
# cursor home, DCS ... ST, 8-bit CSI, conceal, backspaces and CR over text, BEL, RLO bidi override.
HOSTILE = (
    "\x1b]0;pwned\x07\x1bc\x1b[2J\x1b[H\x1bP1$r\x1b\\\x9b2J\x1b[8mhidden\x1b[0m\x08\x08\rOK: all good\x07"
    "\u202eevil\u202c\x00\x7f"
)
# Markdown / HTML that must render as text.
INJECT = "<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) https://evil.example/x # h"
OWN_SGR = re.compile(r"\x1b\[(?:0|1|2|31|32|33|36)(?:;(?:0|1|2|31|32|33|36))*m")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def assert_inert(raw: bytes, *, colour: bool = False) -> str:
    """`raw` as a terminal would receive it: only tab, newline and (with colour) envdoctor's own SGR."""
    text = raw.decode("utf-8")
    if colour:
        text = OWN_SGR.sub("", text)
    found = UNSAFE.findall(text)
    assert not found, f"control characters reached the terminal: {sorted(set(found))!r}"
    return text


def _hostile_snapshot(tmp_path: Path) -> tuple[Path, dict]:
    prefix = venv(tmp_path, "3.12")
    site = site_packages(prefix)
    make_dist(site, "numpy", "2.0.0")
    make_dist(site, "tensorflow-cpu", "2.10.1", requires=["numpy<1.24"])
    make_conda_record(prefix, "tensorflow-cpu", "2.10.1", depends=["numpy <1.24"])
    result = run_cli("snapshot", "--prefix", str(prefix), env=cli_env(tmp_path))
    snap = json.loads(result.stdout)
    evil = json.loads(json.dumps(snap["distributions"][0]))
    evil.update(name="evil" + HOSTILE + INJECT, display_name="Evil" + HOSTILE + INJECT, version="1.0" + HOSTILE)
    evil["requires"] = ["numpy>=9"]
    snap["distributions"].append(evil)  # ED101 and ED108 name it
    for d in snap["distributions"]:
        d["display_name"] = d["display_name"] + HOSTILE + INJECT
        d["metadata_path"] = d["metadata_path"] + "/" + INJECT + HOSTILE
        d["location"] = d["location"] + HOSTILE
        d["installer"] = "pip" + HOSTILE
    for r in snap["conda"]["records"]:
        r["name"] = r["name"] + HOSTILE
        r["channel"] = INJECT + HOSTILE
    snap["interpreter"]["executable"] += HOSTILE + INJECT
    snap["interpreter"]["prefix"] += "```\n</details># heading" + HOSTILE
    snap["machine"]["cpu_model"] = INJECT + HOSTILE
    snap["target"] = INJECT + HOSTILE
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(snap))
    return path, snap


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Path]:
    tmp = tmp_path_factory.mktemp("hostile-out")
    path, snap = _hostile_snapshot(tmp)
    return path, snap, tmp


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "github"])
@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_check_output_is_inert(hostile: tuple[Path, dict, Path], fmt: str, colour: bool) -> None:
    path, _, tmp = hostile
    env = cli_env(tmp)
    if colour:
        env.pop("NO_COLOR")
        env["FORCE_COLOR"] = "1"
    result = run_cli("check", "--snapshot", str(path), "--format", fmt, env=env)
    assert result.returncode == 1, result.stderr
    text = assert_inert(result.stdout, colour=colour)
    assert_inert(result.stderr)
    if fmt == "text":
        assert "\\u001b]0;pwned" in text  # shown, escaped
        assert not any(line.startswith("OK: all good") for line in text.splitlines())  # no forged verdict


def test_check_json_keeps_the_data_exactly(hostile: tuple[Path, dict, Path]) -> None:
    path, snap, tmp = hostile
    result = run_cli("check", "--snapshot", str(path), "--format", "json", env=cli_env(tmp))
    doc = json.loads(assert_inert(result.stdout))
    names = {d["display_name"] for d in snap["distributions"]}
    assert any(name in " ".join(f["message"] for f in doc["findings"]) for name in names)


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_report_output_is_inert(hostile: tuple[Path, dict, Path], fmt: str) -> None:
    path, snap, tmp = hostile
    result = run_cli("report", "--snapshot", str(path), "--format", fmt, env=cli_env(tmp))
    text = assert_inert(result.stdout)
    if fmt == "json":
        assert (
            json.loads(text)["snapshot"]["distributions"][0]["display_name"] == snap["distributions"][0]["display_name"]
        )


def test_report_markdown_renders_no_injected_markup(hostile: tuple[Path, dict, Path]) -> None:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    path, snap, tmp = hostile
    result = run_cli("report", "--snapshot", str(path), "--format", "markdown", env=cli_env(tmp))
    markdown = assert_inert(result.stdout)
    # UNSAFE: raw HTML is kept, so anything that got through would show.
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    for tag in ("<script", "<img", "<a ", "<h1", "<iframe", "<style"):
        assert tag not in rendered, tag
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", rendered)
    assert all(not ("pwned" in h or "heading" in h) for _, h in headings), headings
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # the text itself is still there
    # The embedded snapshot is one code block, and it is the snapshot.
    blocks = re.findall(r'<pre lang="json"><code>(.*?)</code></pre>', rendered, re.S)
    if not blocks:
        blocks = re.findall(r'<pre><code class="language-json">(.*?)</code></pre>', rendered, re.S)
    assert len(blocks) == 1
    assert json.loads(html.unescape(blocks[0]))["target"] == snap["target"]
    assert rendered.count("<details>") == 1 and rendered.count("</details>") == 1


def test_metadata_on_disk_with_escapes_is_inert_in_check(tmp_path: Path) -> None:
    prefix = venv(tmp_path, "3.12")
    meta = make_dist(site_packages(prefix), "evil", "1.0", requires=["numpy>=9"])
    (meta / "METADATA").write_bytes(
        b"Metadata-Version: 2.1\nName: evil\x1b]0;pwned\x07\x1bc\xc2\x9b2J\n"
        b"Version: 1.0\x1b[8m\nRequires-Dist: numpy>=9\n"
    )
    for fmt in ("text", "markdown", "json"):
        result = run_cli("check", "--prefix", str(prefix), "--no-cache", "--format", fmt, env=cli_env(tmp_path))
        assert_inert(result.stdout)


def test_explain_output_is_inert(tmp_path: Path) -> None:
    log = (
        "Traceback (most recent call last):\n"
        f'  File "/x/{HOSTILE}.py", line 1, in <module>\n'
        f"ImportError: numpy.core.multiarray failed to import{HOSTILE}\n"
        f"\x1bP+q544e\x1b\\\x90dcs\x9c{HOSTILE}\n"
    ).encode() + b"\x9b6n\xff\xfe raw 8-bit bytes\n"
    for fmt in ("text", "markdown", "json"):
        result = run_cli("explain", "--format", fmt, "-", env=cli_env(tmp_path), stdin=log)
        text = assert_inert(result.stdout)
        if fmt == "json":
            json.loads(text)
    env = cli_env(tmp_path)
    env.pop("NO_COLOR")
    env["FORCE_COLOR"] = "1"
    assert_inert(run_cli("explain", "-", env=env, stdin=log).stdout, colour=True)


def test_run_explains_on_stderr_inert(tmp_path: Path) -> None:
    script = f"printf 'ImportError: numpy.core.multiarray failed to import{HOSTILE}\\n' >&2; exit 1"
    result = run_cli("run", "--no-env", "--", "sh", "-c", script.replace("\x00", ""), env=cli_env(tmp_path))
    assert result.returncode == 1
    explanation = result.stderr.decode("utf-8").split("envdoctor: `", 1)[1].encode("utf-8")
    assert_inert(explanation)


def test_error_lines_are_inert(tmp_path: Path) -> None:
    missing = tmp_path / ("snap" + HOSTILE.replace("\x00", "").replace("/", "") + ".json")
    result = run_cli("check", "--snapshot", str(missing), env=cli_env(tmp_path))
    assert result.returncode == 2
    text = assert_inert(result.stderr)
    assert "pwned" in text and ("\\u001b" in text or "\\x1b" in text)  # shown, escaped


def test_lint_output_is_inert(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"tensorflow-gpu==2.12.0  # {HOSTILE}\nnumpy{HOSTILE}==1.0\n", encoding="utf-8")
    for fmt in ("text", "json", "markdown"):
        assert_inert(run_cli("lint", str(requirements), "--format", fmt, env=cli_env(tmp_path)).stdout)
