"""One exit-code policy (envdoctor.exitcodes): each verb returns its result's exit_code, and no
command writes an exit code of its own."""

from __future__ import annotations

import ast
from pathlib import Path

from envdoctor import exitcodes
from envdoctor.actions.verify import FrameworkResult, VerifyReport
from envdoctor.doctor import Report
from envdoctor.errors import EnvdoctorError, ResolutionUnavailable, SourceError, UsageError
from envdoctor.model import Finding, Severity

COMMANDS = Path(__file__).resolve().parents[1] / "src" / "envdoctor" / "commands"


def _finding(severity: Severity) -> Finding:
    return Finding(code="ED101", rule="r", severity=severity, message="m")


def test_check_reports_exit_by_their_findings_and_what_was_read() -> None:
    assert Report(None, [_finding(Severity.WARNING), _finding(Severity.INFO)]).exit_code == exitcodes.OK
    assert Report(None, [_finding(Severity.ERROR)]).exit_code == exitcodes.FAILED
    assert Report(None, [], inspected=False).exit_code == exitcodes.USAGE
    assert Report(None, [_finding(Severity.ERROR)]).counts == {"error": 1, "warning": 0, "info": 0}


def test_verify_exits_by_whether_every_framework_works() -> None:
    report = VerifyReport(python="p", python_version="3.11", prefix="/x")
    assert report.exit_code == exitcodes.OK
    report.frameworks.append(FrameworkResult(framework="torch", distributions=["torch==2.3.0"], ok=False))
    assert report.exit_code == exitcodes.FAILED


def test_errors_and_signals() -> None:
    assert (EnvdoctorError.exit_code, UsageError.exit_code, SourceError.exit_code) == (1, 2, 2)
    assert ResolutionUnavailable.exit_code == exitcodes.UNRESOLVED == 3
    assert exitcodes.signalled(2) == 130 and exitcodes.of_child(-15) == 143 and exitcodes.of_child(4) == 4


def test_no_command_writes_an_exit_code_of_its_own() -> None:
    """A literal `return 1` or `128 + n` in a command would be a second policy."""
    found = []
    for path in sorted(COMMANDS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and type(node.value.value) is int:
                found.append(f"{path.name}:{node.lineno}: return {node.value.value}")
            if isinstance(node, ast.IfExp) and all(
                isinstance(v, ast.Constant) and type(v.value) is int for v in (node.body, node.orelse)
            ):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and node.left.value == 128:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert found == []
