"""GitHub Actions annotations: one workflow command per finding of the document.

GitHub's format: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
(`::error file=F,line=L,col=C,title=T::message`; data escapes %, CR, LF; properties also : and ,).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envdoctor.model import Severity
from envdoctor.render.document import Document
from envdoctor.safetext import terminal_safe

if TYPE_CHECKING:
    from envdoctor.render.formats import RenderOptions

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    """Inert (safetext.terminal_safe: control characters shown), one line (%, CR, LF escaped)."""
    return terminal_safe(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubFormatter:
    machine_readable = True

    def render(self, document: Document, options: RenderOptions) -> str:
        lines = []
        for f in document.findings():
            props = []
            if f.location is not None:
                props += [f"file={_property(f.location.path)}", f"line={f.location.line}", f"col={f.location.column}"]
            props.append(f"title={_property(f'{f.code} {f.rule}')}")
            message = f.message + (f"\nfix: {f.fix}" if f.fix else "")
            lines.append(f"::{_LEVELS[f.severity]} {','.join(props)}::{_data(message)}")
        return "\n".join(lines) + ("\n" if lines else "")


FORMATTER = GithubFormatter()
