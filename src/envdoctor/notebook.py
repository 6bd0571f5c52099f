"""The IPython extension: `%load_ext envdoctor`, then

    %envdoctor            check the interpreter this kernel (or IPython) runs, with the kernel's facts
    %envdoctor explain    explain the last traceback, with this interpreter's findings
    %envdoctor kernels    the Jupyter kernels and what each runs

Reports are displayed with both an HTML and a text form: Jupyter shows the HTML, a terminal the text.
IPython is imported only here (envdoctor does not depend on it); its modules are loaded by name
so that envdoctor type-checks without IPython installed.
"""

from __future__ import annotations

import html
import importlib
import json
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any

from envdoctor.model import Session, Snapshot

if TYPE_CHECKING:
    from envdoctor.render.document import Document

USAGE = "usage: %envdoctor [check | explain | kernels]"


class Report:
    """A result with a text and an HTML form (IPython picks the one its front end shows)."""

    def __init__(self, text: str, html_text: str) -> None:
        self.text = text
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def __repr__(self) -> str:
        return self.text


def load_ipython_extension(ipython: Any) -> None:
    """Called by `%load_ext envdoctor`."""

    def envdoctor(line: str) -> None:
        """%envdoctor [check | explain | kernels]: check this kernel's interpreter, explain the last
        traceback, or list the Jupyter kernels."""
        words = line.split()
        verb = words[0] if words else "check"
        if verb not in ("check", "explain", "kernels") or len(words) > 1:
            print(USAGE)
            return
        display = importlib.import_module("IPython.display").display
        if verb == "kernels":
            display(kernels_report())
        elif verb == "explain":
            display(explain_report(ipython))
        else:
            display(check_report(ipython))

    ipython.register_magic_function(envdoctor, magic_kind="line", magic_name="envdoctor")


def unload_ipython_extension(ipython: Any) -> None:
    ipython.magics_manager.magics["line"].pop("envdoctor", None)


def running_kernel() -> tuple[str, str]:
    """(kernel name, connection file) of the ipykernel this process runs; ("", "") outside one.
    jupyter_client writes the kernel's name into the connection file it passes with `-f`."""
    app_module = sys.modules.get("ipykernel.kernelapp")
    if app_module is None:
        return "", ""
    app_class = app_module.IPKernelApp
    if not app_class.initialized():
        return "", ""
    connection_file = str(getattr(app_class.instance(), "abs_connection_file", "") or "")
    try:
        with open(connection_file, encoding="utf-8") as handle:
            name = str(json.load(handle).get("kernel_name") or "")
    except (OSError, ValueError):
        name = ""
    return name, connection_file


def _inside() -> str:
    return "notebook" if running_kernel()[1] else "ipython"


def snapshot_here(ipython: Any = None) -> Snapshot:
    """The snapshot of this process's own interpreter, with the session facts seen from here."""
    # lazy: keeps probe.session out of `%load_ext envdoctor`'s start-up (44.6 ms, 28 modules)
    from envdoctor.probe.session import collect_session

    # lazy: keeps probe.sources out of `%load_ext envdoctor`'s start-up (10.6 ms, 15 modules)
    from envdoctor.probe.sources import InterpreterSource, read_snapshot

    # lazy: keeps probe.target out of `%load_ext envdoctor`'s start-up (6.7 ms, 14 modules)
    from envdoctor.probe.target import Target

    name, _ = running_kernel()
    inside = _inside()
    session = collect_session(kernel=name, inside=inside, fallback_prefix=sys.prefix)
    if name and session.kernel_spec(name) is None:
        session.kernel = ""  # started from a spec not on the search path (an IDE's own, a temp dir)
    if not session.kernel and inside == "notebook":
        session.kernel = _spec_running_here(session)
    where = (
        f"this kernel ({session.kernel})" if session.kernel else ("this kernel" if inside == "notebook" else "IPython")
    )
    target = Target(python=sys.executable, prefix=None, description=f"{where}: {sys.executable}")
    return read_snapshot(InterpreterSource(target, session))


def _spec_running_here(session: Session) -> str:
    """The one kernel spec whose interpreter is this environment, when the name is not known."""
    here = os.path.realpath(sys.prefix)
    kernels = session.jupyter.kernels if session.jupyter else []
    matches = []
    for spec in kernels:
        seen = session.interpreter(spec.interpreter) if spec.interpreter else None
        if seen is not None and seen.prefix == here:
            matches.append(spec.name)
    return matches[0] if len(matches) == 1 else ""


def _report(document: Document) -> Report:
    """The text and the HTML form (a <div>) of one document."""
    # lazy: keeps render.formats out of `%load_ext envdoctor`'s start-up (5.6 ms, 7 modules)
    from envdoctor.render import formats

    text = formats.render(document, "text")
    page = formats.render(document, "html", formats.RenderOptions(fragment=True))
    return Report(text, page)


def check_report(ipython: Any = None) -> Report:
    # lazy: keeps doctor out of `%load_ext envdoctor`'s start-up (15.2 ms, 16 modules)
    from envdoctor.doctor import diagnose

    # lazy: keeps render.document out of `%load_ext envdoctor`'s start-up (9.0 ms, 3 modules)
    from envdoctor.render.document import line

    # lazy: keeps render.views.check out of `%load_ext envdoctor`'s start-up (15.4 ms, 10 modules)
    from envdoctor.render.views.check import check_document

    snapshot = snapshot_here(ipython)
    report = diagnose(snapshot)
    document = check_document(report.findings, report.skipped, snapshot.summary())
    document.title = line(f"envdoctor: {snapshot.target}")
    return _report(document)


def last_traceback() -> str:
    """The last traceback IPython showed, as text ("" when there is none)."""
    value = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    if value is None:
        return ""
    return "".join(traceback.format_exception(type(value), value, value.__traceback__))


def explain_report(ipython: Any = None) -> Report:
    # lazy: keeps doctor out of `%load_ext envdoctor`'s start-up (15.2 ms, 16 modules)
    from envdoctor.doctor import diagnose

    # lazy: keeps explain out of `%load_ext envdoctor`'s start-up (10.7 ms, 10 modules)
    from envdoctor.explain import explain_text

    # lazy: keeps the knowledge base out of `%load_ext envdoctor`'s start-up (66.2 ms, 25 modules: packaging)
    from envdoctor.knowledge import KnowledgeBase

    # lazy: keeps render.document out of `%load_ext envdoctor`'s start-up (9.0 ms, 3 modules)
    from envdoctor.render.document import Findings, Para, Section, Span, command, line

    # lazy: keeps render.views.explain out of `%load_ext envdoctor`'s start-up (15.0 ms, 9 modules)
    from envdoctor.render.views.explain import explanation_document

    text = last_traceback()
    if not text:
        message = "envdoctor explain: no traceback yet (run the cell that fails, then %envdoctor explain)"
        return Report(message, f"<p>{html.escape(message)}</p>")
    snapshot = snapshot_here(ipython)
    kb = KnowledgeBase.load()
    result = explain_text(text, snapshot=snapshot, kb=kb)
    findings = [f for f in diagnose(snapshot, kb).findings if f.cause == "wrong-interpreter"]
    missing = _missing_module(getattr(sys, "last_exc", None) or getattr(sys, "last_value", None))
    relevant = [f for f in findings if missing and f.subject and _provides(f.subject, missing)] or findings
    last_line = text.rstrip().splitlines()[-1] if text.strip() else ""
    document = explanation_document(result)
    if relevant and not result.found:
        # The log alone names no cause; this interpreter's facts do.
        first = relevant[0]
        document.blocks = [Para(line(Span("cause: wrong-interpreter", "fail"), f" — {first.message}"))]
        if first.fix:
            document.blocks.append(Para(line(Span("fix: ", "fix"), command(first.fix))))
    document.title = line(f"envdoctor explain: {last_line}")
    if relevant:
        document.blocks.append(Section(line("this interpreter:"), [Findings(relevant)]))
    return _report(document)


def _missing_module(exc: BaseException | None) -> str:
    """The top-level module a ModuleNotFoundError names ("tensorflow")."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return exc.name.split(".")[0]
    return ""


def _provides(distribution: str, module: str) -> bool:
    # lazy: keeps frameworks out of `%load_ext envdoctor`'s start-up (21.9 ms, 10 modules)
    from envdoctor.frameworks import of_distribution

    framework = of_distribution(distribution)
    return module == distribution.replace("-", "_") or (framework is not None and module == framework.module)


def kernels_report() -> Report:
    # lazy: keeps envdoctor.kernels out of `%load_ext envdoctor`'s start-up (90.7 ms, 36 modules: packaging)
    from envdoctor.kernels import kernel_rows

    # lazy: keeps probe.session out of `%load_ext envdoctor`'s start-up (44.6 ms, 28 modules)
    from envdoctor.probe.session import collect_session

    # lazy: keeps render.views.kernels out of `%load_ext envdoctor`'s start-up (16.7 ms, 10 modules)
    from envdoctor.render.views.kernels import kernels_document

    session = collect_session(jupyter_core=True, fallback_prefix=sys.prefix)
    return _report(kernels_document(session, kernel_rows(session)))
