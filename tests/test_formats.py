"""The output seam: one Document per verb, one formatter per format (envdoctor.render.formats).

Real documents from the real views; the CLI through `main` (in-process) and subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from envdoctor import cli
from envdoctor.cli import main
from envdoctor.model import Finding, Severity, Skipped
from envdoctor.render import formats
from envdoctor.render.document import Document, Findings, JsonData, OutputFormat, Table, plain
from envdoctor.render.views.check import check_document

HOME = os.path.expanduser("~")
ENV = {
    "target": "--prefix /env",
    "python": "3.11.7",
    "kind": "venv",
    "prefix": f"{HOME}/venvs/tf",
    "platform": "linux-x86_64",
    "distributions": 3,
    "frameworks": ["tensorflow 2.15.0"],
}
LONG = "tensorflow 2.15.0 was built against NumPy 1.x (source: " + "https://example.org/notes " * 30 + ")"


def _findings() -> list[Finding]:
    root = Finding(
        "ED202",
        "pythonpath-set",
        Severity.WARNING,
        "PYTHONPATH is set",
        evidence=[f"PYTHONPATH={HOME}/lib"],
        fix=f"unset PYTHONPATH && {HOME}/venvs/tf/bin/python -c 1",
        subject="PYTHONPATH",
    )
    follows = Finding(
        "ED102",
        "numpy-abi",
        Severity.ERROR,
        "NumPy 2 under TensorFlow 2.15",
        cause="numpy-abi",
        evidence=[LONG],
        fix=root.fix,
        hints=["Follows from ED202: PYTHONPATH is set. Its fix clears this too.", "an own hint"],
        subject="numpy",
        caused_by=root.key,
    )
    return [follows, root]


def _document() -> Document:
    return check_document(_findings(), [Skipped("metadata of x", "not valid UTF-8")], ENV)


def test_every_builtin_format_renders_every_verbs_document_kind() -> None:
    assert [f.value for f in OutputFormat] == ["text", "json", "markdown", "github", "html"]
    assert set(formats.BUILTIN) == {f.value for f in OutputFormat}
    for verb in cli.COMMANDS:
        for fmt in cli.formats_for(verb):
            assert fmt in formats.BUILTIN, (verb, fmt)  # VERB_FORMATS offers only formats that exist
    document = _document()
    for fmt in OutputFormat:
        assert formats.render(document, fmt.value).strip()


def test_text_wraps_evidence_under_its_label_on_a_terminal_and_never_when_piped() -> None:
    document = _document()
    wide = formats.render(document, "text", formats.RenderOptions(width=None))
    (evidence,) = [line for line in wide.splitlines() if "evidence: tensorflow" in line]
    assert evidence.endswith(")") and len(evidence) > 700  # one line, whole
    narrow = formats.render(document, "text", formats.RenderOptions(width=72))
    lines = narrow.splitlines()
    start = next(i for i, line in enumerate(lines) if "evidence: tensorflow" in line)
    column = lines[start].index("tensorflow")
    following = lines[start + 1 : start + 6]
    assert all(line[:column].strip() == "" and line[column:].strip() for line in following), following
    assert all(len(line) <= 72 for line in lines if "unset PYTHONPATH" not in line)
    # the command is never wrapped (nor cut): whole on its line, for the terminal to wrap
    (fix,) = [line for line in lines if "fix: unset PYTHONPATH" in line]
    assert fix.endswith(f"{HOME}/venvs/tf/bin/python -c 1")


def test_home_is_shortened_in_paths_but_never_in_a_command() -> None:
    text = formats.render(_document(), "text")
    assert "at ~/venvs/tf · linux-x86_64" in text  # the environment's prefix
    assert "evidence: PYTHONPATH=~/lib" in text
    assert f"fix: unset PYTHONPATH && {HOME}/venvs/tf/bin/python -c 1" in text  # what the user pastes


def test_consequences_stand_under_their_root_cause() -> None:
    text = formats.render(_document(), "text")
    lines = text.splitlines()
    root = next(i for i, line in enumerate(lines) if "ED202 PYTHONPATH is set" in line)
    child = next(i for i, line in enumerate(lines) if "ED102 NumPy 2 under TensorFlow 2.15" in line)
    assert child > root and lines[child].lstrip().startswith("\u21b3 ED102")
    assert "Errors (" not in text  # the error follows from a warning: grouped under it
    assert text.count("fix: unset PYTHONPATH") == 1  # the root's fix, once
    assert "an own hint" in text and "Follows from ED202" not in text
    markdown = formats.render(_document(), "markdown")
    assert "  - \u21b3 **ED102** NumPy 2 under TensorFlow 2.15" in markdown


def test_colour_uses_the_basic_codes_the_output_gate_lets_through() -> None:
    from envdoctor.safetext import terminal_safe

    text = formats.render(_document(), "text", formats.RenderOptions(color=True, width=100))
    assert "\x1b[" in text
    assert terminal_safe(text, colour=True) == text  # nothing for the gate to neutralise
    plain_text = formats.render(_document(), "text", formats.RenderOptions(color=False, width=100))
    assert "\x1b" not in plain_text


def test_strings_from_an_environment_are_inert_in_every_format() -> None:
    evil = "x\x1b]0;pwned\x07\u202e<img src=x>[a](javascript:b)\n# heading"
    finding = Finding("ED101", "unmet-requirement", Severity.ERROR, evil, evidence=[evil], fix="echo ok")
    document = check_document([finding], [], {**ENV, "target": evil})
    for fmt in ("text", "markdown", "html", "github"):
        out = formats.render(document, fmt, formats.RenderOptions(color=True, width=80))
        assert "\x07" not in out and "\u202e" not in out and "\x1b]" not in out, fmt
    assert "<img" not in formats.render(document, "html") and "&lt;img" in formats.render(document, "html")
    assert "\n# heading" not in formats.render(document, "markdown")
    assert json.loads(formats.render(document, "json"))["findings"][0]["message"] == evil


def test_json_is_the_documents_data_and_one_per_line_lists() -> None:
    data = {"schema": 1, "nodes": [{"name": f"n{i}", "x": [1, 2]} for i in range(3)], "other": [1, 2]}
    document = Document("fleet", (), data=JsonData(data, one_per_line=("nodes",)))
    text = formats.render(document, "json")
    assert json.loads(text) == data
    assert '    {"name": "n1", "x": [1, 2]},' in text.splitlines()
    with pytest.raises(TypeError):
        formats.render(Document("x", ()), "json")


def test_github_annotations_are_the_documents_findings() -> None:
    out = formats.render(_document(), "github")
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("::error title=ED102 numpy-abi::NumPy 2")
    assert "%0Afix: unset PYTHONPATH" in lines[0]


class CsvFormatter:
    """The tests' toy format: every table of a document, as CSV."""

    def render(self, document: Document, options: formats.RenderOptions) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for block in document.walk():
            if isinstance(block, Table):
                writer.writerow([c.name for c in block.columns])
                for row in block.rows:
                    writer.writerow([plain(cell if isinstance(cell, tuple) else (cell,)) for cell in row])
            elif isinstance(block, Findings):
                writer.writerow(["code", "severity", "message"])
                writer.writerows([f.code, f.severity.value, f.message] for f in block.findings)
        return out.getvalue()


@pytest.fixture
def csv_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A new output format: its formatter registered and the verbs that offer it, nothing else."""
    formats.register("csv", CsvFormatter())
    monkeypatch.setitem(cli.VERB_FORMATS, "kb", (*cli.FORMATS, "csv"))
    monkeypatch.setitem(cli.VERB_FORMATS, "lint", (*cli.VERB_FORMATS["lint"], "csv"))
    yield
    formats.unregister("csv")


def test_a_new_format_reaches_the_verbs_with_no_other_change(
    csv_format: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "show", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["package", "releases", "oldest", "newest"]
    assert any(row[0] == "tensorflow" and int(row[1]) > 50 for row in rows[1:])
    env = tmp_path / "requirements.txt"
    env.write_text("tensorflow-gpu\n")
    assert main(["lint", str(env), "--platform", "linux-x86_64", "--format", "csv"]) == 1
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["code", "severity", "message"] and any(r[0] == "ED502" for r in rows[1:])
    # a verb that does not offer it refuses it, as any unknown format
    assert main(["verify", "--format", "csv"]) == 2
    assert re.search(r"invalid choice: 'csv'", capsys.readouterr().err)
