"""Installed here, running there: two Python installations in one log.

The cause id for "the framework went into one interpreter, another one runs" is `WRONG_INTERPRETER`
(env-leakage in causes.md; the fixes are the kernel / interpreter ones: `%pip install` inside the
notebook, `python -m ipykernel install`, `python -m pip` instead of `pip`).
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator

from envdoctor.explain.causes import CAUSES
from envdoctor.explain.extract import JUPYTER_RE, normalise
from envdoctor.explain.logfacts import ErrorLine, Located, PathFact
from envdoctor.explain.model import Evidence
from envdoctor.explain.paths import STDLIB_PATH, path_tokens
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule
from envdoctor.frameworks import all_frameworks, of_distribution
from envdoctor.owner import owner_of
from envdoctor.remedies import install, step_text

# The cause table's id for a package installed into another interpreter than the one running.
WRONG_INTERPRETER = "wrong-interpreter" if "wrong-interpreter" in CAUSES else "env-leakage"
LEAK = "env-leakage"

# Import names of the distributions people install and then cannot import, where they differ
# (the rest, the frameworks' included, are the normalised import name).
_IMPORT_TO_DIST = {
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "pil": "pillow",
    "yaml": "pyyaml",
    "paddle": "paddlepaddle",
    "onnxruntime": "onnxruntime",
}


def _framework_imports() -> set[str]:
    """The frameworks' modules, their compiled parts and companions (keras, torchvision...), and transformers."""
    names = {"transformers"}
    for fw in all_frameworks():
        names.add(fw.module)
        for dist in (fw.binary, *fw.parts):
            if dist:
                names.add(dist.replace("-", "_"))
    return names


# Other names a distribution goes by (the frameworks' variants and conda names come from their
# descriptors; these are the rest, and the spellings logs use that name no distribution).
_ALIASES = {
    "torch": ("torch-cpu",),
    "jax": ("jax-cuda12",),
    "opencv-python": ("opencv", "opencv-python-headless", "opencv-contrib-python", "py-opencv"),
    "scikit-learn": ("sklearn",),
    "paddlepaddle": ("paddlepaddle-gpu",),
    "onnxruntime": ("onnxruntime-gpu", "onnxruntime-directml", "onnxruntime-silicon"),
}


def _aliases(dist: str) -> tuple[str, ...]:
    names = list(_ALIASES.get(dist, ()))
    fw = of_distribution(dist)
    if fw is not None and dist == fw.distribution:
        names += [n for n in fw.distributions if n != dist]
        if fw.binary:
            names.append(fw.binary)
        if fw.conda is not None:
            names += [n for n in (fw.conda.request, *fw.conda.records, *fw.conda.aliases) if n != dist]
    return tuple(dict.fromkeys(names))


def _dist_for(module: str) -> str:
    top = module.split(".")[0].lower()
    return _IMPORT_TO_DIST.get(top, normalise(top))


def kernel_fixes(dist: str, env: str | None) -> list[str]:
    """The kernel fixes, each with one command in backquotes that a user pastes as it is (the tests
    run each one); `%pip` is IPython's magic, run inside the notebook."""
    name = env or "myenv"
    display = f"Python ({name})"
    return [
        f"in the notebook, install into the kernel's own interpreter: `%pip install {shlex.quote(dist)}`",
        "or make the environment where it is installed a kernel; with that environment active: "
        "`python -m pip install ipykernel`",
        "then register it and pick that kernel in the notebook: "
        f"`python -m ipykernel install --user --name {shlex.quote(name)} --display-name {shlex.quote(display)}`",
    ]


def shell_fixes(dist: str) -> list[str]:
    """The interpreter fixes for a shell / IDE: install with the `python` that runs the code."""
    return [
        "install with the interpreter that runs the code (a bare `pip` may belong to another Python): "
        f"`python -m pip install {shlex.quote(dist)}`",
        "check which interpreter runs, and which one pip installs into: "
        "`python -c 'import sys; print(sys.executable)'` and `python -m pip -V`",
    ]


def target_install(ctx: RuleContext, dist: str) -> str | None:
    """With a target (the environment that runs the code), the install command for it, rendered by
    envdoctor.remedies for its owner (uv, pip, conda), as `fix --apply` would run it."""
    if ctx.snapshot is None:
        return None
    try:
        command = step_text(install(owner_of(ctx.snapshot), [dist]))
    except Exception:  # a fix that cannot be rendered for this target: the generic ones stand
        return None
    return f"install it into the environment that runs the code: `{command}`" if command else None


def _installed_elsewhere(ctx: RuleContext, dist: str) -> tuple[Evidence | None, str | None]:
    """The line showing `dist` installed, and the prefix it went to (when the line names one)."""
    aliases = _aliases(dist)
    for name in (dist, *aliases):
        found = ctx.facts.installed.get(name)
        if found is not None:
            where = found.where if found.where and not found.where.replace("_", "").isalnum() else None
            return Evidence(found.line, found.text, "fact/installed"), where
    for req in ctx.facts.requests:
        if req.name in (dist, *aliases) and req.source in ("collecting", "command"):
            if _install_failed(ctx, req.line):
                continue  # asked for, but pip said it did not install it: a missing module is expected
            return Evidence(req.line, req.text, f"fact/{req.source}"), None
    for claim in ctx.facts.claimed:
        if claim.value in (dist, *aliases):
            return Evidence(claim.line, claim.text, "fact/claimed"), None
    return None, None


# pip's own words for an install that did not happen
_INSTALL_FAILED = re.compile(
    r"could not build wheels|failed building wheel|no matching distribution|resolutionimpossible|"
    r"could not install packages|subprocess-exited-with-error|metadata-generation-failed|"
    r"could not find a version that satisfies",
    re.IGNORECASE,
)


def _install_failed(ctx: RuleContext, after: int) -> bool:
    """pip reported, after line `after`, that the install failed (nothing was installed)."""
    return any(e.kind == "pip" and e.line > after and _INSTALL_FAILED.search(e.message) for e in ctx.facts.errors)


def _prefix_of_site(where: str) -> str:
    return re.sub(
        r"[\\/]+lib(?:64)?[\\/]+python[\d.]*[\\/]+(?:site|dist)-packages.*$|[\\/]+lib[\\/]+(?:site|dist)-packages.*$",
        "",
        where.lower(),
    ).rstrip("\\/")


# Signatures that only say where pip installed (the user site): the same fact this rule reads.
_WHERE_INSTALLED = frozenset(
    {"env-leak/user-site-satisfied", "env-leak/user-site-path", "env-leak/default-user", "env-leak/user-install"}
)


def _package_was_found(ctx: RuleContext, missing: Located) -> bool:
    """`No module named 'pkg.sub'` raised while a frame runs inside pkg's own folder: the
    interpreter found pkg (its `__init__` runs), so the package is not missing from it."""
    top, _, sub = missing.value.partition(".")
    if not sub:
        return False
    folder = re.compile(rf"[\\/]{re.escape(top)}[\\/]", re.IGNORECASE)
    return any(folder.search(f.value) for f in ctx.facts.frames if f.line < missing.line)


def _raising_frame(ctx: RuleContext) -> list[tuple[str, str, str]]:
    """The installations (path_tokens) of the frame the error is raised in: the last frame before
    the error the log ends on, or the last frame when it ends on none."""
    terminal = ctx.facts.terminal_error()
    frames = [f for f in ctx.facts.frames if terminal is None or f.line < terminal.line]
    return path_tokens(frames[-1].value) if frames else []


def _running_prefixes(ctx: RuleContext) -> list[PathFact]:
    return [p for p in ctx.facts.paths if p.role in ("frame", "interpreter", "kernel")]


def _the_fix_that_worked(ctx: RuleContext, installed: Evidence, missing: Located) -> bool:
    """An install after the failed import that succeeded ("Successfully installed Pillow-9.5.0") with
    no later failure of that import: the user's fix, shown at the end, not a second interpreter."""
    if "successfully installed" not in installed.text.lower():
        return False
    return not any(m.value == missing.value and m.line > installed.line for m in ctx.facts.missing_modules)


@cause_rule("leakage/installed-here-running-there", WRONG_INTERPRETER)
def installed_here_running_there(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `ModuleNotFoundError` for a package that the same log shows installed ("Successfully
    installed", "Requirement already satisfied: X in <prefix>"), optionally with the interpreter
    that failed (traceback frames, `sys.executable`, a Jupyter kernel) in another prefix.
    Why: a package pip installed cannot be missing from the interpreter pip installed it into, so
    the interpreter that fails is another one: the notebook kernel's, the IDE's, or the `python`
    on PATH when `pip` belongs to a different Python.
    An install that succeeds after the error, with no later failure, is the user's fix shown at the
    end (`pip install Pillow` after `No module named 'PIL'`), not another interpreter.
    Example: `Requirement already satisfied: tensorflow in /opt/conda/envs/tf/...` then, in a
    notebook, `ModuleNotFoundError: No module named 'tensorflow'`."""
    if not ctx.facts.missing_modules:
        return
    jupyter = bool(ctx.facts.jupyter)
    for missing in reversed(ctx.facts.missing_modules):
        if _package_was_found(ctx, missing):
            continue  # `tensorflow.python` missing from a tensorflow that imports: a broken copy, not another Python
        dist = _dist_for(missing.value)
        installed_line, where = _installed_elsewhere(ctx, dist)
        if installed_line is None or installed_line.line > missing.line + 50:
            continue
        if installed_line.line > missing.line and _the_fix_that_worked(ctx, installed_line, missing):
            continue
        evidence = [installed_line, missing.evidence("fact/missing-module")]
        weight = 0.85 if installed_line.signature in ("fact/installed", "fact/collecting") else 0.7
        if installed_line.signature in ("fact/command", "fact/claimed") and (jupyter or ctx.facts.ide):
            weight = 0.85  # installed, and a notebook / IDE (which runs its own interpreter) cannot import it
        why = f"{dist} is shown installed"
        install_prefix = _prefix_of_site(where) if where else None
        if install_prefix:
            why += f" in {install_prefix}"
        running = [
            p for p in _running_prefixes(ctx) if install_prefix is None or not p.prefix.startswith(install_prefix)
        ]
        if running:
            evidence.append(Evidence(running[0].line, running[0].text, "fact/interpreter"))
            why += f", while the interpreter that fails runs from {running[0].prefix}"
            weight = 0.92
        else:
            why += ", yet the interpreter that runs the code cannot import it"
        shown = ctx.facts.installed.get(dist)
        if shown is not None and shown.version.startswith("0.0."):
            # a 0.0.x release that imports nothing is often a placeholder (what pip falls back to
            # where no real wheel fits), not a package another interpreter would have
            weight = min(weight, 0.6)
            why += f" (as {shown.version}, possibly an empty placeholder release)"
        env = ctx.facts.activated_env.value if ctx.facts.activated_env else None
        fixes = kernel_fixes(dist, env) if jupyter else shell_fixes(dist)
        if ctx.facts.ide and not jupyter:
            why += " (the IDE runs its own interpreter: select the one pip installed into)"
        target = target_install(ctx, dist)
        if target:
            fixes.insert(0, target)
        leak = ctx.signals.get(LEAK)
        moves = (LEAK,) if WRONG_INTERPRETER != LEAK and leak is not None and set(leak.ids) <= _WHERE_INSTALLED else ()
        yield Verdict(
            WRONG_INTERPRETER,
            weight,
            why + (" (a Jupyter kernel)" if jupyter else ""),
            evidence,
            moves_from=moves,
            demotes=("keras-version-mismatch",) if dist != "keras" else (),
            fix=" ; ".join(fixes),
        )
        return


# the user's words, over two lines: it works in the shell ... but not in the notebook / IDE
_SHELL_WORDS = r"terminal|shell|command[- ]?(?:line|prompt)|console|cmd|python prompt|anaconda prompt|repl|interpreter"
_WORKS_IN_THE_SHELL = re.compile(
    rf"\b(?:works?|worked|working|fine|runs?|imports?)\b[^\n]{{0,60}}\b(?:{_SHELL_WORDS})\b"
    rf"|\b(?:{_SHELL_WORDS})\b[^\n]{{0,80}}\b(?:works?|fine|no (?:error|problem)"
    r"|(?:doesn'?t|does not|didn'?t|did not) (?:show|give|throw|raise) (?:any )?errors?)",
    re.IGNORECASE,
)
# the programs that run their own interpreter: a notebook's kernel, an IDE
_PROGRAMS = r"\b(?:jupyter|notebook|ipython|kernel|pycharm|vs ?code|spyder|\bide\b)"
_BUT_NOT_IN_THE_NOTEBOOK = re.compile(r"\b(?:but|however|whereas|while)\b[^\n]{0,80}" + _PROGRAMS, re.IGNORECASE)
_IDE_NAMED = re.compile(_PROGRAMS, re.IGNORECASE)


# the user's words: the module imports once another environment is active ("If I activate `base`
# in Anaconda, the module can be imported")
_IMPORTS_IN_ANOTHER_ENV = re.compile(
    r"\b(?:if|when|after)\s+i\s+(?:activate|use|switch to|run (?:it )?(?:in|from|with))\s+(?:the\s+)?[`'\"]?"
    r"(?:base|root|another (?:env\w*|environment)|the other (?:env\w*|environment)|system python)\b[`'\"]?"
    r"[^\n]{0,60}?\b(?:can be imported|imports?|works?|is found|runs? fine)\b",
    re.IGNORECASE,
)


@cause_rule("leakage/imports-in-another-environment", WRONG_INTERPRETER)
def imports_in_another_environment(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a module is missing, and the user says it imports once another environment is active
    ("If I activate `base` in Anaconda, the module can be imported").
    Why: a package is importable from the environment it was installed into; one that imports from
    `base` and not from the activated env went into `base`, so the installer that ran was another
    environment's (a bare `pip` of base on PATH, an IDE's interpreter).
    Example: `pip install dtaidistance` in `my_env`, `ImportError: No module named dtaidistance`,
    "If I activate `base` in Anaconda, the module can be imported"."""
    # no `concluded` guard: beside installed-here-running-there's reading, the user's words add to it
    if not ctx.facts.missing_modules:
        return
    missing = ctx.facts.missing_modules[-1]
    said = next(
        ((n, t) for n, t in ctx.lines if abs(n - missing.line) <= 20 and _IMPORTS_IN_ANOTHER_ENV.search(t)), None
    )
    if said is None:
        return
    top = missing.value.split(".")[0]
    why = f"{top} imports from another environment and not from this one: it was installed into that one"
    dist = _dist_for(missing.value)
    evidence = [missing.evidence("fact/missing-module"), Evidence(said[0], said[1], "fact/said")]
    yield Verdict(WRONG_INTERPRETER, 0.8, why, evidence, fix=" ; ".join(shell_fixes(dist)))


def _shell_then_program(ctx: RuleContext, failed: int) -> tuple[tuple[int, str], tuple[int, str]] | None:
    """(the shell statement, the "but in the notebook" line), in that order before the failure."""
    shell = next(((n, t) for n, t in ctx.lines if n < failed and _WORKS_IN_THE_SHELL.search(t)), None)
    if shell is None:
        return None
    but = next(
        (
            (n, t)
            for n, t in ctx.lines
            if shell[0] < n <= failed and n - shell[0] <= 40 and _BUT_NOT_IN_THE_NOTEBOOK.search(t)
        ),
        None,
    )
    return (shell, but) if but is not None else None


def _program_then_shell(ctx: RuleContext, failed: int) -> tuple[tuple[int, str], tuple[int, str]] | None:
    """The other order: the IDE / notebook named before the failure, then, within a few non-blank
    lines after it, "with the command line it doesn't show any error" (read over three lines)."""
    after = [(n, t) for n, t in ctx.lines if failed < n <= failed + 12 and t.strip()]
    windows = [(n, " ".join(t for _m, t in after[i : i + 3])) for i, (n, _t) in enumerate(after)]
    shell = next(((n, t) for n, t in windows if _WORKS_IN_THE_SHELL.search(t)), None)
    program = next(((n, t) for n, t in ctx.lines if n <= failed and failed - n <= 20 and _IDE_NAMED.search(t)), None)
    return (shell, program) if shell is not None and program is not None else None


@cause_rule("leakage/works-in-the-shell-not-in-the-notebook", WRONG_INTERPRETER)
def works_in_the_shell_not_in_the_notebook(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the user says an import works in the shell (the terminal, the Anaconda prompt), then,
    a few lines later, "but" in the notebook / the IDE it fails, and the log ends on a missing
    module.
    Why: the same import failing in one program and not in another is two interpreters: the
    notebook's kernel (or the IDE) runs another Python than the shell's `python`, without the
    package. The one-line phrasing is a signature; this reads it across the pasted output. The
    other order counts too: the IDE named before the missing module, then, within a few lines,
    "with the command line it doesn't show any error".
    Example: "in the Python in command prompt it works fine" ... ">>> import scipy" ... "But when I
    use the same in the Jupyter notebook" ... `ImportError: No module named 'scipy'`."""
    if not ctx.facts.missing_modules or ctx.concluded(WRONG_INTERPRETER):
        return
    missing = ctx.facts.missing_modules[-1]
    found = _shell_then_program(ctx, missing.line) or _program_then_shell(ctx, missing.line)
    if found is None:
        return
    shell, but = found
    top = missing.value.split(".")[0]
    why = f"{top} imports in the shell and not in the notebook / IDE: they run two interpreters"
    evidence = [
        Evidence(shell[0], shell[1], "fact/said"),
        Evidence(but[0], but[1], "fact/said"),
        missing.evidence("fact/missing-module"),
    ]
    dist = _dist_for(missing.value)
    fixes = kernel_fixes(dist, None) if ctx.facts.jupyter or "notebook" in but[1].lower() else shell_fixes(dist)
    yield Verdict(WRONG_INTERPRETER, 0.85, why, evidence, fix=" ; ".join(fixes))


@cause_rule("leakage/kernel-cannot-import-framework", WRONG_INTERPRETER)
def kernel_cannot_import_framework(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a notebook (ipykernel frames, `Cell In[3]`, `<ipython-input-...>`) cannot import a
    framework, and the log names an environment the user activated or installed into.
    Why: a kernel runs the interpreter of its kernel spec, not the environment activated in the
    shell; the framework is in the environment, not in the kernel's interpreter. Without the
    install line this stays a candidate (a framework never installed anywhere reads the same).
    Example: `(tf) $ jupyter notebook` ... `ModuleNotFoundError: No module named 'tensorflow'`."""
    if not ctx.facts.missing_modules or not ctx.facts.jupyter or ctx.concluded(WRONG_INTERPRETER):
        return
    missing = ctx.facts.missing_modules[-1]
    top = missing.value.split(".")[0].lower()
    if "." in missing.value:
        return  # a missing submodule is a version question (keras.src ...), not an interpreter one
    dist = _dist_for(missing.value)
    env = ctx.facts.activated_env
    evidence = [missing.evidence("fact/missing-module"), ctx.facts.jupyter[0].evidence("fact/jupyter")]
    weight = 0.55 if top in _framework_imports() else 0.4
    why = f"a Jupyter kernel cannot import {top}"
    env_named = (
        env is not None or ctx.facts.install_commands or any(p.kind in ("conda-env", "venv") for p in ctx.facts.paths)
    )
    if env_named:
        weight += 0.15
        shown = env or (ctx.facts.install_commands[0] if ctx.facts.install_commands else None)
        if shown is not None:
            evidence.append(shown.evidence("fact/environment"))
        why += ", while the log names the environment it was installed in"
    if len({p.prefix for p in _running_prefixes(ctx)}) >= 2:
        weight += 0.15
        why += "; two interpreters are shown"
    yield Verdict(
        WRONG_INTERPRETER, weight, why, evidence, fix=" ; ".join(kernel_fixes(dist, env.value if env else None))
    )


_PIP_BUILD_ENV = re.compile(r"pip-build-env-|pip-install-|pip-req-build-|builds-v\d", re.IGNORECASE)


@cause_rule("leakage/one-traceback-two-installations", LEAK, WRONG_INTERPRETER)
def one_traceback_two_installations(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the frames of one traceback come from two Python installations (a script in
    ~/.local/bin importing /usr/lib/python3/dist-packages, a conda env's code importing the user
    site's numpy), or a traceback runs from another installation than the interpreter or pip the
    log names next to it (`pip -V` says the conda base, the traceback is ~/.local/bin/pip).
    Why: one process imports code of another installation: that is leakage by definition, whatever
    the exception says (the exception is what the foreign copy does). When the foreign code is
    another Python version's standard library (a python2.7 tool's frames, then anaconda3's
    lib/python3.5/glob.py), the interpreter itself is mixed: run by the wrong Python (PATH), or
    pointed at another's library (PYTHONHOME); the log cannot tell which, so both stay candidates.
    Example: `File "/home/u/.local/bin/pip"` then `File "/usr/lib/python3/dist-packages/pip/..."`."""
    # pip's isolated build environment (pip-build-env-*, /tmp/pip-install-*) is pip's own, not a leak
    frames = [p for p in ctx.facts.paths if p.role in ("frame", "interpreter") and not _PIP_BUILD_ENV.search(p.prefix)]
    for first in frames:
        other = next(
            (
                p
                for p in frames
                if 0 < p.line - first.line <= 60
                and p.kind != first.kind
                and p.prefix != first.prefix
                and "frame" in (p.role, first.role)
            ),
            None,
        )
        if other is not None:
            why = f"one traceback runs code from {first.prefix} ({first.kind}) and {other.prefix} ({other.kind})"
            evidence = [
                Evidence(first.line, first.text, "env-leak/frame"),
                Evidence(other.line, other.text, "env-leak/frame"),
            ]
            # each frame's Python: its standard library's (lib/python3.5/glob.py) or its site's
            stdlib = [m for p in (first, other) if (m := STDLIB_PATH.search(p.text))]
            sites = [m for p in (first, other) if (m := _SITE_OF_PYTHON.search(p.text))]
            versions = {m.group("v") for m in (*stdlib, *sites)}
            if stdlib and len(versions) > 1:
                # another Python's standard library: the interpreter itself is another one than the code's
                # (PATH picked it), or the environment pointed this one at it (PYTHONHOME): both stay
                why += f": the standard library of another Python ({' and '.join(sorted(versions))} in one process)"
                yield Verdict(LEAK, 0.6, why, evidence, cap=0.7)
                yield Verdict(WRONG_INTERPRETER, 0.55, why, evidence, cap=0.7)
                return
            raised_in = {prefix for prefix, _kind, _source in _raising_frame(ctx)}
            if first.role == "frame" and ctx.facts.terminal_error() is not None and other.prefix in raised_in:
                # the error is raised inside the foreign copy: what it says is that copy's symptom
                why += f"; the error is raised in {other.prefix}'s copy"
                yield Verdict(LEAK, 0.88, why, evidence, demotes=_LEAK_SYMPTOMS)
                return
            yield Verdict(LEAK, 0.8, why, evidence)
            return


# A bytecode file of one Python (`__init__.cpython-34.pyc`) under another Python's site-packages.
_FOREIGN_PYC_RE = re.compile(
    r"lib[\\/]python(\d)\.(\d+)[\\/](?:site|dist)-packages[\\/][^\s'\"`]{0,300}?\.cpython-(\d)(\d+)\.pyc"
)
_ENV_SHELL_RE = re.compile(
    r"^\((?!base\))[\w.-]+\)[^\n]{0,200}?[$>%#]\s*(?:ipython3?|jupyter(?:-notebook|-lab)?(?: notebook| lab)?)\s*$"
)
_ENV_ACTIVATED_RE = re.compile(
    r"\b(?:conda|source) activate (?!base\b)[\w.-]+|active environment : (?!base\b|none\b)[\w.-]+"
)


@cause_rule("leakage/two-installations", LEAK, WRONG_INTERPRETER)
def two_installations(ctx: RuleContext) -> Iterator[Verdict]:
    """What: two Python installations in one log: the user site (or the conda base) next to the
    env / venv in use, two interpreters (the shell's and the kernel's), a bytecode file of one
    Python under another's site-packages, ipython / jupyter of the base env started from an
    activated env that lacks them.
    Why: a package loads from another environment than the one in use. A weaker sign than an error
    message that names a cause, so such a message still wins.
    Example: `~/.local/lib/python3.10/site-packages/numpy` in a traceback of a conda env."""
    lines = ctx.lines
    text = "\n".join(line for _, line in lines).lower()
    kinds = {p.kind for p in ctx.facts.paths}
    prefixes = {p.prefix for p in ctx.facts.paths if p.kind != "system" or p.role != "site"}
    jupyter = bool(JUPYTER_RE.search(text))
    asks_interpreter = any(k in text for k in ("sys.executable", "which python", "where python", "sys.path"))
    missing = bool(ctx.facts.missing_modules)
    shell_in_env = bool(
        missing
        and (
            any(_ENV_SHELL_RE.search(line.lower()) for _, line in lines)
            or ((jupyter or "ipython" in text) and _ENV_ACTIVATED_RE.search(text))
        )
    )
    conda_has_it = bool(re.search(r"\bconda (?:install|list)\b", text))
    foreign_interpreter = (
        missing
        and conda_has_it
        and asks_interpreter
        and bool(kinds & {"system", "user"})
        and not kinds & {"conda-env", "conda-base"}
    )
    envish = bool(kinds & {"conda-env", "venv"})
    two = len(prefixes) >= 2
    foreign = _FOREIGN_PYC_RE.search(text)
    user_frames = "user" in {p.kind for p in ctx.facts.paths if p.role == "frame"}
    # a foreign copy is loaded: packages of another installation on this one's path (env-leakage)
    sites = {p.kind for p in ctx.facts.paths if p.role in ("frame", "site")}  # where code was loaded from
    loaded = (
        (0.8, bool(foreign and foreign.group(1, 2) != foreign.group(3, 4))),
        (0.75, "user" in sites and bool(sites & {"conda-env", "venv", "conda-base"}) and not missing),
        (0.7, "conda-base" in sites and bool(sites & {"conda-env", "venv"}) and not missing),
        (0.7, user_frames and (jupyter or envish)),
    )
    # the package is missing where it runs, and the log shows another interpreter it went into
    # (wrong-interpreter when the cause table has it, else env-leakage)
    elsewhere = (
        (0.7, two and (jupyter or asks_interpreter)),
        (0.6, "user" in kinds and jupyter),
        (0.55, jupyter and asks_interpreter and missing),
        (0.6, shell_in_env),
        (0.6, foreign_interpreter),
        (0.6, missing and "user" in kinds and (envish or "conda-base" in kinds)),
    )
    evidence = [
        Evidence(n, line, "env-leak/foreign-bytecode")
        for n, line in lines
        if foreign and foreign.group(0) in line.lower()
    ][:2]
    for kind in ("user", "conda-base", "conda-env", "venv", "system"):
        evidence += [Evidence(p.line, p.text, "env-leak/installs") for p in ctx.facts.paths if p.kind == kind][:2]
    # a foreign copy is why it fails only if the failing code is that copy: the frame the error is
    # raised in belongs to the user site / the other installation
    raised_kinds = {kind for _p, kind, _s in _raising_frame(ctx)}
    foreign_raises = bool(raised_kinds & {"user", "conda-base"}) or bool(foreign)
    for cause, signs, why in (
        (LEAK, loaded, "the log shows packages loaded from two Python installations"),
        (WRONG_INTERPRETER, elsewhere, "the log shows two interpreters, and the one that runs lacks the package"),
    ):
        score = max((weight for weight, shown in signs if shown), default=0.0)
        if score and two and (jupyter or asks_interpreter):
            score = min(0.85, score + 0.1)
        if not score:
            continue
        cap = 0.65 if ctx.strongest_other(cause) >= 0.7 else None  # circumstantial: a named cause wins
        if cause == LEAK and not foreign_raises and ctx.strongest_other(cause) >= 0.5:
            cap = 0.65  # the foreign copy is not where it fails, and another cause is shown
        yield Verdict(cause, score, why, evidence, cap=cap)


_SOURCE_TREE_FRAME = re.compile(
    r'^\s*file "(?P<pkg>tensorflow|torch|jax|jaxlib|keras|numpy)[\\/][\w\\/.-]{0,200}\.py", line \d+', re.I
)


@cause_rule("leakage/source-tree-shadows-the-install", LEAK)
def source_tree_shadows_the_install(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a traceback frame of a framework with a relative path (`File "torch/__init__.py"`),
    and an import of its compiled part failing (`No module named torch._C`, `_pywrap_tensorflow`).
    Why: Python imported the framework's source folder in the current directory, which has no
    compiled modules, instead of the installed package: the working directory shadows the install.
    Example: running `python` inside a PyTorch checkout: `from torch._C import *` -> `No module named _C`."""
    frames = [(n, line) for n, line in ctx.lines if _SOURCE_TREE_FRAME.match(line)]
    if not frames or (not ctx.facts.missing_modules and not ctx.facts.errors):
        return
    pkg = _SOURCE_TREE_FRAME.match(frames[0][1])
    name = pkg.group("pkg").lower() if pkg else "the framework"
    why = (
        f"{name} is imported from a relative path, a source folder in the working directory, not the installed package"
    )
    fix = f"run Python outside the {name} source checkout (or install it from there: pip install -e .)"
    yield Verdict(LEAK, 0.85, why, [Evidence(frames[0][0], frames[0][1], "env-leak/source-tree")], fix=fix)


_CANNOT_IMPORT_FROM = re.compile(
    r"cannot import name '(?P<name>\w+)' from '(?P<module>[\w.]+)' \((?P<path>[^)]{1,500})\)"
)
_BUILD_ENV = re.compile(r"builds-v\d|pip-build-env|pip-install-|[\\/]tmp[\\/]|[\\/]temp[\\/]|\.tmp\w*")
_STDLIB_FILE = re.compile(r"/lib/python[\d.]+/\w+\.py$")
# a module file one folder or more inside an installed package: site-packages/torch/random.py
_INSIDE_A_PACKAGE = re.compile(
    r"[/](?:site|dist)-packages/(?P<package>[\w.-]+)/(?:[\w.-]+/)*(?P<file>\w+(?:/__init__)?)\.py$"
)
# the standard library's top-level names (Python >= 3.10 lists them; on 3.9 this step reads nothing)
_STDLIB_NAMES: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", ()))


@cause_rule("leakage/local-copy-shadows-the-install", LEAK)
def local_copy_shadows_the_install(ctx: RuleContext) -> Iterator[Verdict]:
    """What: "cannot import name X from 'M' (PATH)" where PATH is no site-packages (a `vendor/`
    folder, a file next to the script, a copy on PYTHONPATH).
    Why: the module that lacks the name is not the installed one: a local copy earlier on sys.path
    shadows it, so upgrading the installed package would change nothing.
    A standard-library module found as a file inside a package's folder (`random` from
    site-packages/torch/random.py) is the same: that folder is the working directory or on
    PYTHONPATH, and its module shadows the standard library's.
    Example: `cannot import name 'TypeAliasType' from 'typing_extensions' (/proj/vendor/typing_extensions.py)`."""
    for error in reversed(ctx.facts.errors):
        match = _CANNOT_IMPORT_FROM.search(error.text)
        if not match:
            continue
        path = match.group("path").replace("\\", "/").lower()
        module = match.group("module")
        if module.endswith("_pb2"):
            return  # a package's own generated protobuf module (a source tree's too): the runtime, not a copy
        inside = _INSIDE_A_PACKAGE.search(path)
        if module in _STDLIB_NAMES and inside and inside.group("file") in (module, f"{module}/__init__"):
            folder = inside.group("package")
            why = (
                f"the standard library's {module} is shadowed by {match.group('path')}: "
                f"{folder}'s own folder is on sys.path"
            )
            fix = f"run Python outside the {folder} folder (and take it off PYTHONPATH), then import again"
            evidence = [Evidence(error.line, error.text, "env-leak/shadowing-copy")]
            yield Verdict(LEAK, 0.9, why, evidence, fix=fix)
            return
        if (
            "site-packages" in path
            or "dist-packages" in path
            or _STDLIB_FILE.search(path)
            or path == "unknown location"
        ):
            return
        why = f"{module} is loaded from {match.group('path')}, a copy outside site-packages that shadows the install"
        fix = f"remove or rename that copy (or take its folder off PYTHONPATH), then import {module} again"
        evidence = [Evidence(error.line, error.text, "env-leak/shadowing-copy")]
        yield Verdict(LEAK, 0.9, why, evidence, moves_from=("dependency-version-mismatch",), fix=fix)
        return


_IMPORT_LINE = re.compile(r"^\s*(?:from\s+(?P<a>\w+)[\w.]*\s+import\b|import\s+(?P<b>\w+))")
_INSTALLED_FILE = re.compile(r"[\\/](?:site|dist)-packages[\\/]", re.IGNORECASE)
_PROJECT_MODULE = re.compile(r"[\\/](?P<name>\w+)(?:[\\/]__init__)?\.py$")
# a top-level module file of a standard library: /usr/lib64/python2.7/warnings.py, C:\Python39\Lib\os.py
_STDLIB_MODULE_FILE = re.compile(
    r"[\\/]lib(?:64)?[\\/]+python[23]\.\d{1,2}[\\/]+\w+\.py$|[\\/][^\\/]*python[^\\/]*[\\/]+lib[\\/]+\w+\.py$",
    re.IGNORECASE,
)


@cause_rule("leakage/project-file-shadows-an-installed-module", LEAK)
def project_file_shadows_an_installed_module(ctx: RuleContext) -> Iterator[Verdict]:
    """What: in a traceback, code inside site-packages imports a top-level module (`from tqdm
    import tqdm` in conda/resolve.py), and the next frame is that module found as a file outside
    any installation (`/mnt/c/git/project/tqdm.py`), where the error is raised.
    Why: an installed package asked for its dependency and got a same-named file of the working
    directory or of a folder on PYTHONPATH: that file shadows the installed module for every
    program run from there (here, the package manager itself). Renaming the file or taking its
    folder off PYTHONPATH is the fix. The standard library importing one of its own modules
    (`warnings.py` importing `types`) and getting such a file is the same shadowing.
    Example: `File ".../site-packages/conda/resolve.py", line 9` / `from tqdm import tqdm` /
    `File "/mnt/c/git/InnerEye-DeepLearning/tqdm.py", line 14` / `SyntaxError: invalid syntax`."""
    frames = ctx.facts.frames
    for caller, callee in zip(frames, frames[1:]):
        stdlib = _STDLIB_MODULE_FILE.search(caller.value) is not None
        if callee.line - caller.line > 3 or not (_INSTALLED_FILE.search(caller.value) or stdlib):
            continue
        imported = _IMPORT_LINE.match(ctx.line_text.get(caller.line + 1, ""))
        module = _PROJECT_MODULE.search(callee.value)
        if (
            imported is None
            or module is None
            or _INSTALLED_FILE.search(callee.value)
            or _BUILD_ENV.search(callee.value)
        ):
            continue
        name = imported.group("a") or imported.group("b")
        if module.group("name") != name or _SITE_OF_PYTHON.search(callee.value) or STDLIB_PATH.search(callee.value):
            continue
        if stdlib and name not in _STDLIB_NAMES:
            continue  # the standard library imports only its own modules (none known on Python 3.9)
        folder = re.split(r"[\\/](?=[^\\/]+$)", callee.value.removesuffix("__init__.py").rstrip("\\/"))[0]
        who, what = ("the standard library", "standard") if stdlib else ("installed code", "installed")
        why = f"{who} imports {name} and gets {callee.value}: a file of {folder} shadows the {what} {name}"
        evidence = [caller.evidence("fact/frame"), callee.evidence("env-leak/shadowing-copy")]
        fix = f"rename {callee.value} (or take {folder} off PYTHONPATH / run from another folder)"
        yield Verdict(LEAK, 0.85, why, evidence, fix=fix)
        return


@cause_rule("leakage/frames-outside-the-active-env", LEAK)
def frames_outside_the_active_env(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the prompt shows an activated environment (`(.venv) $`, `(tf) $`) and the traceback runs
    code from a site-packages of another prefix.
    Why: the active environment's interpreter imports packages of another installation (PYTHONPATH,
    a .pth file, a user site): a foreign copy is loaded.
    Example: `(.venv) $ python train.py` then `File ".../other-env/lib/python3.10/site-packages/numpy/..."`."""
    env = ctx.facts.activated_env
    if env is None:
        return
    name = env.value.lower().replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    for path in ctx.facts.paths:
        if path.role != "frame" or path.line < env.line:
            continue
        text = path.text.lower()
        if "site-packages" not in text and "dist-packages" not in text:
            continue
        if f"/{name}" in path.prefix.replace("\\", "/") or path.prefix.endswith(name):
            continue
        if _BUILD_ENV.search(path.prefix):
            continue  # pip's / uv's isolated build environment, not a leak
        why = f"the active environment is {env.value}, and the traceback runs packages from {path.prefix}"
        evidence = [env.evidence("fact/environment"), Evidence(path.line, path.text, "env-leak/frame")]
        fix = "unset PYTHONPATH (and check .pth files and the user site) so the environment imports its own packages"
        yield Verdict(LEAK, 0.8, why, evidence, fix=fix)
        return


_SITE_OF = re.compile(r"^(?P<root>.+?)[\\/]+lib(?:64)?[\\/]+(?:python[\d.]*[\\/]+)?(?:site|dist)-packages?\b", re.I)


def _install_root(where: str) -> str | None:
    """The installation a site-packages path belongs to (`C:\\Python39\\lib\\site-packages` -> `c:\\python39`)."""
    match = _SITE_OF.match(where.strip().strip("'\"`").lower())
    return match.group("root").replace("\\\\", "\\").rstrip("\\/") if match else None


# a user site (`pip install --user`): ~/.local/lib/python3.8/site-packages, %APPDATA%\Python\Python38\site-packages
_USER_SITE = re.compile(
    r"[\\/]\.local[\\/]lib[\\/]python(?P<a>\d\.\d{1,2})[\\/]site-packages"
    r"|[\\/]roaming[\\/]python[\\/]python(?P<b>\d)(?P<c>\d{1,2})[\\/]site-packages",
    re.IGNORECASE,
)


def _user_site_of(where: str, running: str | None) -> bool:
    """Whether `where` is the user site of the Python version `running` (then that Python imports from it)."""
    found = _USER_SITE.search(where)
    if found is None or running is None:
        return False
    version = found.group("a") or f"{found.group('b')}.{found.group('c')}"
    return version == running


_DRIVE = re.compile(r"^[a-z]:/", re.IGNORECASE)


def _same_install(a: str, b: str) -> bool:
    a, b = a.replace("\\", "/"), b.replace("\\", "/")
    if a == b or a.startswith(b + "/") or b.startswith(a + "/"):
        return True
    # a Windows path cut at its space (`\python37` of `C:\Program Files\Python37`) is the tail of the whole one
    short, whole = sorted((a, b), key=len)
    return short.startswith("/") and bool(_DRIVE.match(whole)) and whole.lower().endswith(short.lower())


@cause_rule("leakage/pip-and-python-disagree", WRONG_INTERPRETER)
def pip_and_python_disagree(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows where pip put a package ("Requirement already satisfied: numpy in
    C:\\Python39\\lib\\site-packages") and which interpreter runs the code (`sys.executable`,
    `which python`, a traceback's frames), and they are two different installations.
    Why: a package pip installed is only importable by the interpreter pip belongs to; the one
    that runs is another, so the package looks missing (or old) however often it is installed.
    The user site of the running Python's own version (`~/.local/lib/python3.8/site-packages` beside
    a Python 3.8) is not another installation: that Python imports from it.
    Example: `Requirement already satisfied: numpy in c:\\...\\python39\\lib\\site-packages` and
    `sys.executable` -> `c:\\...\\python35-32\\pythonw.exe`."""
    if any(v.cause == WRONG_INTERPRETER and v.weight >= 0.85 for v in ctx.verdicts):
        return  # already read from the failed import itself
    installed = [
        (dist, root)
        for dist in ctx.facts.installed.values()
        if dist.where and (root := _install_root(dist.where)) is not None
    ]
    running = [p for p in ctx.facts.paths if p.role == "interpreter"]
    if installed and not running:
        # no interpreter named: the traceback's frames, when they are another Python version's
        # site-packages (two interpreters for certain, not a user site beside its system one)
        mine = _python_of(installed[0][1])
        running = [
            p for p in ctx.facts.paths if p.role == "frame" and mine and _python_of(p.prefix) not in (None, mine)
        ]
    if not installed or not running:
        return
    dist, root = installed[0]
    other = next((p for p in running if not _same_install(p.prefix, root)), None)
    if other is None or any(_same_install(p.prefix, root) for p in running):
        return
    if _user_site_of(dist.where, _python_of(other.prefix) or ctx.python):
        return  # `pip install --user` for the Python that runs: its user site is on that Python's sys.path
    failed = bool(ctx.facts.missing_modules or ctx.facts.errors)
    why = f"pip installs into {root}, while the interpreter that runs is {other.prefix}"
    evidence = [Evidence(dist.line, dist.text, "fact/installed"), Evidence(other.line, other.text, "fact/interpreter")]
    fixes = shell_fixes(dist.name)
    yield Verdict(WRONG_INTERPRETER, 0.85 if failed else 0.8, why, evidence, fix=" ; ".join(fixes))


# `python3 --version` then `Python 3.8.6`; `pip3 --version` then `pip 20.2.3 from ... (python 3.9)`
_PYTHON_VERSION_ASKED = re.compile(r"(?:^|[\s$>%#])python3?\s+(?:--version|-V)\s*$", re.IGNORECASE)
_PYTHON_VERSION_SAID = re.compile(r"^\s*Python (?P<v>\d\.\d{1,2})\.\d+\s*$")
_PIP_VERSION_ASKED = re.compile(r"(?:^|[\s$>%#])pip3?\s+(?:--version|-V)\s*$", re.IGNORECASE)
_PIP_VERSION_SAID = re.compile(r"^\s*pip \d[\w.]* from \S+ \(python (?P<v>\d\.\d{1,2})\)")


def _answer_after(ctx: RuleContext, asked: re.Pattern[str], said: re.Pattern[str]) -> tuple[int, re.Match[str]] | None:
    """The output line right after a command the log shows (`python3 --version` -> `Python 3.8.6`):
    its number and its match."""
    text = ctx.line_text
    for number, line in ctx.lines:
        if asked.search(line):
            answer = said.match(text.get(number + 1, ""))
            if answer is not None:
                return number + 1, answer
    return None


@cause_rule("leakage/python-and-pip-are-two-pythons", WRONG_INTERPRETER)
def python_and_pip_are_two_pythons(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows `python3 --version` answering one Python (3.8.6) and `pip3 --version`
    answering that pip belongs to another (`... site-packages/pip (python 3.9)`).
    Why: `pip3` installs for the Python it belongs to; the `python3` on the PATH is another one,
    so what pip installs is not importable by the code that runs (Homebrew relinking python3 to
    an older formula, a pyenv shim, a second Python installed later).
    Example: `python3 --version` / `Python 3.8.6` and `pip3 --version` / `pip 20.2.3 from
    /usr/local/lib/python3.9/site-packages/pip (python 3.9)`."""
    said_python = _answer_after(ctx, _PYTHON_VERSION_ASKED, _PYTHON_VERSION_SAID)
    said_pip = _answer_after(ctx, _PIP_VERSION_ASKED, _PIP_VERSION_SAID)
    if said_python is None or said_pip is None:
        return
    (python_line, python), (pip_line, pip) = said_python, said_pip
    if python.group("v") == pip.group("v"):
        return
    evidence = [
        Evidence(python_line, python.string, "fact/interpreter"),
        Evidence(pip_line, pip.string, "fact/pip"),
    ]
    why = f"python3 is Python {python.group('v')}, while pip3 belongs to Python {pip.group('v')}"
    asked = next((r.name for r in ctx.facts.requests if r.source == "command"), None)
    fixes = shell_fixes(asked) if asked else shell_fixes("")[1:]  # no package named: where each one runs
    yield Verdict(WRONG_INTERPRETER, 0.85, why, evidence, fix=" ; ".join(fixes))


# a versioned pip asked its version (`pip3 -V`, `pip3.8 --version`), and pip's answer anywhere on a line
_VERSIONED_PIP_ASKED = re.compile(r"\bpip(?P<asked>[23](?:\.\d{1,2})?)\s+(?:-V|--version)\b")
_PIP_SAYS_ITS_PYTHON = re.compile(r"\bpip \d[\w.]* from \S+ \(python (?P<v>[23]\.\d{1,2})\)")


@cause_rule("leakage/versioned-pip-of-another-python", WRONG_INTERPRETER)
def versioned_pip_of_another_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `pip3 -V` (or `pip3.8 --version`) answers that this pip belongs to another Python:
    `pip 18.1 from /usr/local/lib/python2.7/site-packages/pip (python 2.7)`.
    Why: a launcher named for one Python that runs another's pip installs every package for that
    other Python (often a PATH order, or a `pip3` script overwritten by Python 2's pip), so the
    Python the user runs never sees them. `python3 -m pip` picks the right one.
    Example: `/ # pip3 -V` then `pip 18.1 from /usr/local/lib/python2.7/site-packages/pip (python 2.7)`."""
    text = ctx.line_text
    for number, line in ctx.lines:
        asked = _VERSIONED_PIP_ASKED.search(line)
        if asked is None:
            continue
        said = next(
            (
                (n, m)
                for n in range(number, number + 4)
                if (m := _PIP_SAYS_ITS_PYTHON.search(text.get(n, "")))
                and (n == number or not _VERSIONED_PIP_ASKED.search(text.get(n, "")))
            ),
            None,
        )
        if said is None:
            continue
        want, have = asked.group("asked"), said[1].group("v")
        if have == want or have.startswith(want + "."):
            continue
        why = f"pip{want} runs the pip of Python {have}: what it installs goes to that Python"
        evidence = [Evidence(number, line, "fact/command"), Evidence(said[0], text.get(said[0], ""), "fact/pip")]
        package = next((r.name for r in ctx.facts.requests if r.source == "command"), None)
        fix = (
            f"install with the Python that runs the code: `python{want} -m pip install {shlex.quote(package)}`"
            if package
            else f"use that Python's own pip (`python{want} -m pip`); check it with `python{want} -m pip -V`"
        )
        yield Verdict(WRONG_INTERPRETER, 0.85, why, evidence, fix=fix)
        return


_PYTHON_OF_PREFIX = re.compile(r"python[\\/]?(\d\.\d{1,2})(?!\d)", re.IGNORECASE)


def _python_of(prefix: str) -> str | None:
    """The Python version an installation's path names (`/usr/lib/python3.8`, macOS'
    `~/Library/Python/3.7`), or None."""
    found = _PYTHON_OF_PREFIX.search(prefix)
    return found.group(1) if found else None


# pip's console launcher: `bin/pip3`, `Scripts\pip.exe\__main__.py`, `/usr/bin/pip`
_PIP_LAUNCHER = re.compile(
    r"[\\/](?:bin|Scripts)[\\/]pip(?:3(?:\.\d+)?)?(?:\.exe)?(?:[\\/]__main__\.py)?$", re.IGNORECASE
)


@cause_rule("leakage/pip-launcher-of-another-pip", WRONG_INTERPRETER)
def pip_launcher_of_another_pip(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the `pip` / `pip3` command itself fails inside its launcher script: `from pip import
    main` -> "cannot import name 'main'", or `No module named 'pip'`.
    Why: the launcher was written for one pip installation and the interpreter it starts imports
    another (pip >= 10 moved `main`: an old distro launcher meeting a `pip install --user --upgrade
    pip`), or has no pip at all (a launcher left by another Python on PATH). The command on PATH
    is not the interpreter's own pip; `python -m pip` runs the right one.
    Example: `File "/usr/bin/pip3", line 9, in <module>` / `from pip import main` / `ImportError:
    cannot import name 'main'`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None:
        return
    launcher = next((f for f in ctx.facts.frames if _PIP_LAUNCHER.search(f.value)), None)
    if launcher is None:
        return
    message = terminal.message.lower()
    if "cannot import name 'main'" not in message and "no module named 'pip'" not in message:
        yield from _versioned_launcher_under_another_python(ctx, launcher, terminal)
        return
    why = f"the pip command ({launcher.value}) starts an interpreter whose pip is another installation's, or none"
    fix = "run pip through the interpreter you use: python -m pip ... (py -m pip ... on Windows)"
    if "no module named 'pip'" in message:  # that interpreter has no pip: give it its own first
        fix = "python -m ensurepip --upgrade, then " + fix
    evidence = [launcher.evidence("fact/frame"), Evidence(terminal.line, terminal.text, "fact/error")]
    yield Verdict(WRONG_INTERPRETER, 0.85, why, evidence, fix=fix)


_LAUNCHER_VERSION = re.compile(r"[\\/]pip(?P<major>\d)(?:\.(?P<minor>\d+))?(?:\.exe)?$", re.IGNORECASE)


def _versioned_launcher_under_another_python(
    ctx: RuleContext, launcher: Located, terminal: ErrorLine
) -> Iterator[Verdict]:
    """`/usr/local/bin/pip3` whose frames run in `.../python2.7/site-packages`: the launcher's
    name says one Python, its shebang starts another."""
    named = _LAUNCHER_VERSION.search(launcher.value)
    if named is None:
        return
    for frame in ctx.facts.frames:
        if frame.line <= launcher.line or not _INSTALLED_FILE.search(frame.value):
            continue
        running = _python_of(frame.value)
        if running is None:
            continue
        major, minor = running.split(".")
        if major != named["major"] or (named["minor"] is not None and minor != named["minor"]):
            why = f"the pip command ({launcher.value}) runs under Python {running}, not the Python its name says"
            fix = f"run pip through the interpreter you mean: python{named['major']} -m pip ..."
            evidence = [
                launcher.evidence("fact/frame"),
                frame.evidence("fact/frame"),
                Evidence(terminal.line, terminal.text, "fact/error"),
            ]
            yield Verdict(WRONG_INTERPRETER, 0.85, why, evidence, fix=fix)
        return


# Causes a foreign copy of a package produces when it is imported: what the leak explains.
_LEAK_SYMPTOMS = ("numpy-abi", "numpy-api-removed", "dependency-version-mismatch", "protobuf-mismatch")
# one Python's site-packages (lib/python3.11, lib64 on Fedora, python3.13t free-threaded), its version in `v`
_SITE_OF_PYTHON = re.compile(
    r"[\\/]lib(?:64)?[\\/]+python(?P<v>[23]\.\d{1,2})t?[\\/]+(?:site|dist)-packages(?![\w-])", re.IGNORECASE
)


def _pythonpath_inside_an_activated_env(ctx: RuleContext) -> Iterator[Verdict]:
    """Without an error: PYTHONPATH, shown after an environment was activated, still names another
    installation's site-packages (a system ROS, a shared tree): what the user reports is the leak."""
    env = ctx.facts.activated_env
    if env is None:
        return
    for path in ctx.facts.paths:
        if path.role != "pythonpath" or path.line <= env.line or env.value.lower() in path.prefix.lower():
            continue
        why = f"inside the activated environment {env.value}, PYTHONPATH still names {path.prefix.lstrip(':;')}"
        evidence = [env.evidence("fact/environment"), Evidence(path.line, path.text, "env-leak/pythonpath")]
        fix = f"unset PYTHONPATH before `conda activate {env.value}` (or set it empty in the environment's activation)"
        yield Verdict(LEAK, 0.85, why, evidence, fix=fix)
        return


@cause_rule("leakage/pythonpath-names-another-install", LEAK)
def pythonpath_names_another_install(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log sets PYTHONPATH to the site-packages of an installation other than the one
    that runs (its traceback frames, or another Python version's `lib/pythonX.Y`), then fails.
    Why: PYTHONPATH comes before the environment's own site-packages, so every package in that
    folder shadows the environment's copy: whatever the error then says (a NumPy ABI clash, an old
    dependency) is what the foreign copy does, and the leak is why.
    Without an error, PYTHONPATH shown (`echo $PYTHONPATH`) inside an activated environment still
    naming another installation is the leak the log reports.
    Example: `export PYTHONPATH=/opt/other/lib/python3.11/site-packages` then pandas fails with
    `numpy.dtype size changed`, its frames in `.venv/lib/python3.11/site-packages`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None:
        yield from _pythonpath_inside_an_activated_env(ctx)
        return
    running = {p.prefix for p in ctx.facts.paths if p.role in ("frame", "interpreter")}
    for path in ctx.facts.paths:
        if path.role != "pythonpath" or path.line > terminal.line or _BUILD_ENV.search(path.prefix):
            continue
        version = _SITE_OF_PYTHON.search(path.text)
        other_python = version is not None and ctx.python is not None and version.group(1) != ctx.python
        other_prefix = bool(running) and not any(_same_install(path.prefix, r) for r in running)
        if not (other_python or other_prefix):
            continue
        why = f"PYTHONPATH puts the site-packages of {path.prefix} ahead of the running environment's"
        why += f" (Python {version.group(1)}, this is {ctx.python})" if other_python and version else ""
        evidence = [
            Evidence(path.line, path.text, "env-leak/pythonpath"),
            Evidence(terminal.line, terminal.text, "fact/error"),
        ]
        yield Verdict(
            LEAK,
            0.88,
            why,
            evidence,
            demotes=_LEAK_SYMPTOMS,
            fix="unset PYTHONPATH (or take that site-packages off it) so the environment imports its own packages",
        )
        return


# The package each symptom is about: a foreign copy of it is what breaks.
_SYMPTOM_PACKAGES = {
    "numpy-abi": ("numpy",),
    "numpy-api-removed": ("numpy",),
    "protobuf-mismatch": ("google/protobuf", "protobuf"),
}
_FROM_MODULE = re.compile(r"\bfrom '(?P<module>[\w.]+)'")


def _subjects(ctx: RuleContext, cause: str) -> tuple[str, ...]:
    if cause in _SYMPTOM_PACKAGES:
        return _SYMPTOM_PACKAGES[cause]
    terminal = ctx.facts.terminal_error()
    found = _FROM_MODULE.search(terminal.message) if terminal is not None else None
    return (found.group("module").split(".")[0],) if found else ()


@cause_rule("leakage/symptom-package-from-another-install", LEAK)
def symptom_package_from_another_install(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log's error is one a wrong copy of a package causes (a NumPy ABI clash, a
    protobuf runtime mismatch, "cannot import name X from 'M'"), the traceback's code runs from one
    installation's site-packages, and the log shows that package loaded from another one (the user
    site `~/.local`, another env: `numpy.__file__`, a frame, the path in the error).
    Why: the environment's own copy would fit; the copy that loads is another installation's,
    shadowing or standing in for it: the leak is the root cause, the error its symptom.
    Example: pandas's frames in `.venv/lib/python3.10/site-packages`, `numpy.__file__` in
    `~/.local/lib/python3.10/site-packages`, then `numpy.dtype size changed`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None:
        return
    frames = [
        p
        for p in ctx.facts.paths
        if p.role == "frame" and ("site-packages" in p.text.lower() or "dist-packages" in p.text.lower())
    ]
    running = {p.prefix for p in frames}
    if not running:
        return
    # the user site and the system site-packages are one system Python's two folders: code in the
    # one importing the other is that interpreter's normal lookup, not another installation
    layered = {p.kind for p in frames} <= {"user", "system"}
    for cause in ("numpy-abi", "numpy-api-removed", "protobuf-mismatch", "dependency-version-mismatch"):
        if ctx.score(cause) < 0.5:
            continue
        for package in _subjects(ctx, cause):
            needle = re.compile(rf"(?:site|dist)-packages[\\/]+{re.escape(package)}(?:[\\/'\"]|\.py|$)", re.IGNORECASE)
            for path in ctx.facts.paths:
                if path.role not in ("frame", "site") or _BUILD_ENV.search(path.prefix):
                    continue
                if not needle.search(path.text) or any(_same_install(path.prefix, r) for r in running):
                    continue
                if layered and path.kind in ("user", "system"):
                    continue
                others = sorted(running)
                why = f"{package} loads from {path.prefix}, while the code that fails runs from {others[0]}"
                evidence = [
                    Evidence(path.line, path.text, "env-leak/loaded"),
                    Evidence(terminal.line, terminal.text, "fact/error"),
                ]
                fix = (
                    f"remove the foreign {package} (pip uninstall it from {path.prefix}, or unset PYTHONPATH), "
                    f"or install {package} into the environment"
                )
                yield Verdict(LEAK, 0.88, why, evidence, demotes=(cause,), fix=fix)
                return


@cause_rule("leakage/error-names-another-install", LEAK)
def error_names_another_install(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the error the log ends on names a file in the site-packages of one installation
    (`ImportError: /opt/ros/kinetic/lib/python2.7/dist-packages/cv2.so: undefined symbol ...`),
    while the traceback's code runs from another one's site-packages (a conda env, a venv).
    Why: the failing file is not the running environment's: another installation's copy is on its
    path (PYTHONPATH from a sourced setup script, a .pth file, the user site), which is why it fails;
    a different Python version in the two paths makes it certain. The user site and the system
    site-packages of one system Python are one interpreter's lookup, not two installations.
    Example: frames in `/opt/conda/envs/tf-gpu/lib/python3.7/site-packages`, the error in
    `/opt/ros/kinetic/lib/python2.7/dist-packages/cv2.so`."""
    if ctx.concluded(LEAK):
        return
    terminal = ctx.facts.terminal_error()
    if terminal is None or (
        "site-packages" not in terminal.text.lower() and "dist-packages" not in terminal.text.lower()
    ):
        return
    frames = [
        p
        for p in ctx.facts.paths
        if p.role == "frame"
        and p.line < terminal.line
        and not _BUILD_ENV.search(p.prefix)
        and ("site-packages" in p.text.lower() or "dist-packages" in p.text.lower())
    ]
    if not frames or {p.kind for p in frames} <= {"user", "system"}:
        return
    for prefix, _kind, source in path_tokens(terminal.text):
        if source != "site" or any(_same_install(prefix, p.prefix) for p in frames) or _BUILD_ENV.search(prefix):
            continue
        ran, failed = _SITE_OF_PYTHON.search(frames[-1].text), _SITE_OF_PYTHON.search(terminal.text)
        other_python = ran is not None and failed is not None and ran.group(1) != failed.group(1)
        why = f"the error is in {prefix}'s site-packages, while the code runs from {frames[-1].prefix}"
        if other_python and ran is not None and failed is not None:
            why += f" (Python {failed.group(1)} there, {ran.group(1)} here)"
        evidence = [
            Evidence(frames[-1].line, frames[-1].text, "env-leak/frame"),
            Evidence(terminal.line, terminal.text, "fact/error"),
        ]
        fix = f"take {prefix} off the interpreter's path (unset PYTHONPATH; a sourced setup script often sets it)"
        yield Verdict(LEAK, 0.9 if other_python else 0.8, why, evidence, fix=fix)
        return


# the interpreter that fails is a distribution's own, not the system's: its banner or its path
_NOT_SYSTEM_PYTHON = re.compile(r"\|\s*anaconda\b|continuum analytics|anaconda is brought to you", re.IGNORECASE)
_SUDO_PIP = re.compile(r"(?:^|[\s$#>])sudo (?:-[HE] )*(?:pip\d?(?:\.\d+)?|python\d?(?:\.\d+)? -m pip) ", re.IGNORECASE)


# any command under sudo that runs Python: `sudo python3 setup.py install`, `sudo python -m spacy ...`
_SUDO_PYTHON = re.compile(r"(?:^|[\s$#>])sudo (?:-[HE] )*python\d?(?:\.\d+)? \S", re.IGNORECASE)
_ENV_KINDS = ("conda-env", "conda-base", "venv", "pyenv")


def _sudo_command(ctx: RuleContext, before: int) -> Evidence | None:
    """The first `sudo pip install` or `sudo python ...` before line `before`."""
    sudo = next((c for c in ctx.facts.install_commands if c.line < before and _SUDO_PIP.search(c.value)), None)
    if sudo is not None:
        return sudo.evidence("fact/install")
    line = next(((n, text) for n, text in ctx.lines if n < before and _SUDO_PYTHON.search(text)), None)
    return Evidence(line[0], line[1], "fact/install") if line else None


@cause_rule("leakage/sudo-pip-installs-for-another-python", WRONG_INTERPRETER)
def sudo_pip_installs_for_another_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `sudo pip install X` (a bare pip under sudo) or `sudo python ...`, then X cannot be
    imported, while the user's Python is an Anaconda, venv or pyenv one (its banner, `which python`)
    or X is shown installed in such an environment.
    Why: sudo resets PATH to root's, so its `pip` and `python` are the system Python's: X went into
    /usr/local/lib/pythonX.Y/dist-packages, which the Anaconda (or venv) Python never reads, or the
    command ran under the system Python, which never reads the environment that holds X.
    Example: `which python` -> /home/me/anaconda2/bin/python; `sudo pip install --upgrade tensorflow-...whl`;
    `ImportError: No module named tensorflow`. Or: torch.__file__ in ~/.virtualenvs/yolo;
    `sudo python3 setup.py install` -> `ModuleNotFoundError: No module named 'torch'`."""
    earlier = ctx.concluded(WRONG_INTERPRETER)
    if not ctx.facts.missing_modules or (earlier is not None and earlier.weight >= 0.85):
        return
    missing = ctx.facts.missing_modules[-1]
    sudo = _sudo_command(ctx, missing.line)
    if sudo is None:
        return
    dist = _dist_for(missing.value)
    top = missing.value.split(".")[0].lower()
    environment = next(
        (
            p
            for p in ctx.facts.paths
            if p.kind in _ENV_KINDS
            and (
                p.role == "interpreter"
                or (p.role == "site" and re.search(rf"[\\/]{re.escape(top)}[\\/]", p.text, re.I))
            )
        ),
        None,
    )
    banner = next(((n, line) for n, line in ctx.lines if _NOT_SYSTEM_PYTHON.search(line)), None)
    if environment is not None:
        shown = Evidence(environment.line, environment.text, "fact/interpreter")
    elif banner is not None:
        shown = Evidence(banner[0], banner[1], "fact/interpreter")
    else:
        return
    why = f"sudo runs the system Python and its pip, not the environment's: {dist} is not where this Python looks"
    fix = target_install(ctx, dist) or (
        f"run it with the environment's interpreter, without sudo: `python -m pip install {shlex.quote(dist)}`"
    )
    yield Verdict(WRONG_INTERPRETER, 0.85, why, [sudo, shown, missing.evidence("fact/missing-module")], fix=fix)


_PIP_SHOW_LOCATION = re.compile(r"^\W{0,4}location:\s*\S", re.IGNORECASE)


@cause_rule("leakage/installed-into-the-user-site-from-an-env", LEAK)
def installed_into_the_user_site_from_an_env(ctx: RuleContext) -> Iterator[Verdict]:
    """What: inside an activated environment (`(summary) $`, `conda activate tf`), `pip show` says the
    package's Location is the user site (~/.local/lib/pythonX.Y/site-packages, %APPDATA%\\Python).
    Why: the user site belongs to no environment: every Python X.Y of that user reads it, ahead of
    the environment's own site-packages, so what pip put there (PIP_USER, `--user`, a config file)
    shadows the environment and leaks into all the others.
    Example: `(summary) > pip show pkg` -> `Location: ~/.local/lib/python3.10/site-packages`."""
    env = ctx.facts.activated_env
    if env is None or ctx.concluded(LEAK):
        return
    for path in ctx.facts.paths:
        if path.kind != "user" or path.line < env.line:
            continue
        if not _PIP_SHOW_LOCATION.match(path.text):
            continue
        why = f"in the activated environment {env.value}, pip shows the package in the user site ({path.prefix})"
        fix = (
            "uninstall it from the user site (pip uninstall, with PIP_USER unset), export PYTHONNOUSERSITE=1 "
            "in that environment, and install it again inside the environment"
        )
        evidence = [env.evidence("fact/environment"), Evidence(path.line, path.text, "fact/user-site")]
        yield Verdict(LEAK, 0.8, why, evidence, fix=fix)
        return


# The interpreter that runs: its interactive banner (`Python 3.11.8 | packaged by conda-forge |
# (main, ...)`, `Python 3.10.12 (main, ...) [GCC ...]`), not `python --version` (another shell's)
_BANNER = re.compile(
    r"^\W{0,4}python (?P<v>[23]\.\d{1,2})\.\d{1,3}\S*\s+(?:\||\((?:main|default|tags|v?\d|anaconda|r\d))",
    re.IGNORECASE,
)
# a standard-library file of one Python (lib/python3.11/importlib/...), not its site-packages
# C-API names only Python 2 has: an extension that needs them was built for Python 2
_PY2_ONLY_SYMBOL = re.compile(
    r"undefined symbol:?\s*(?P<sym>PyCObject_\w+|PyString_\w+|PyInt_\w+|Py_InitModule\w*|_Py_ZeroStruct|PyClass_\w+)"
)


# the REPL's banner split over two lines: `Python 2.7.12`, then `[GCC 5.4.0 20160609] on linux2`
_BARE_BANNER = re.compile(r"^\W{0,4}python (?P<v>[23]\.\d{1,2})\.\d{1,3}\s*$", re.IGNORECASE)
_COMPILER_LINE = re.compile(r"^\s*\[(?:GCC|Clang|MSC)\b")


def _two_line_banner(ctx: RuleContext, number: int, line: str) -> re.Match[str] | None:
    found = _BARE_BANNER.match(line)
    return found if found and _COMPILER_LINE.match(ctx.line_text.get(number + 1, "")) else None


_TRACEBACK_HEADER = re.compile(r"traceback \(most recent call last\)", re.IGNORECASE)


def _one_traceback_two_site_versions(ctx: RuleContext) -> Verdict | None:
    """One traceback's frames in two Python versions' site-packages (`/usr/local/lib/python3.4/
    dist-packages/vcstool/...` importing `/usr/local/lib/python2.7/dist-packages/yaml/...`)."""
    headers = [n for n, line in ctx.lines if _TRACEBACK_HEADER.search(line)]
    first: tuple[Located, str] | None = None
    for frame in ctx.facts.frames:
        site = _SITE_OF_PYTHON.search(frame.value)
        if site is None:
            continue
        if first is not None and any(first[0].line < h < frame.line for h in headers):
            first = None  # another traceback: its Python may be another one
        if first is None:
            first = (frame, site.group("v"))
            continue
        if site.group("v") != first[1]:
            why = (
                f"one traceback runs code from Python {first[1]}'s site-packages and Python {site.group('v')}'s: "
                "another installation's folder is on the interpreter's path (PYTHONPATH, a .pth file)"
            )
            evidence = [first[0].evidence("env-leak/frame"), frame.evidence("env-leak/loaded")]
            fix = (
                "take the other Python's site-packages off the path: `unset PYTHONPATH` (a setup script often sets it)"
            )
            return Verdict(LEAK, 0.85, why, evidence, fix=fix)
    return None


@cause_rule("leakage/site-packages-of-another-python", LEAK)
def site_packages_of_another_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the traceback (or the error) loads code from the site-packages of another Python
    version than the one that runs: the interpreter's banner or its standard-library frames say
    3.11, the failing module is in lib/python3.12/site-packages; or an extension in a python2.x
    dist-packages fails on a symbol only Python 2 has (`undefined symbol: PyCObject_Type`).
    Why: an interpreter never puts another version's site-packages on its own path; only
    PYTHONPATH (a sourced ROS setup, a shell profile), a .pth file or a copied sys.path does, so a
    foreign installation's package is what loads, and fails, whatever the error says.
    Example: `Python 3.11.8 | packaged by conda-forge |` then
    `File "/opt/homebrew/lib/python3.12/site-packages/numpy/__init__.py"`."""
    if ctx.concluded(LEAK):
        return
    running: Located | None = None
    for number, line in ctx.lines:
        if "python" not in line.lower():
            continue
        banner = _BANNER.match(line) or _two_line_banner(ctx, number, line)
        stdlib = STDLIB_PATH.search(line) if 'file "' in line.lower() else None
        found = banner or stdlib
        if found:
            running = Located(found.group("v"), number, line)
            break
    if running is None:
        two = _one_traceback_two_site_versions(ctx)
        if two is not None:
            yield two
            return
    for number, line in ctx.lines:
        site = _SITE_OF_PYTHON.search(line)
        if site is None:
            continue
        symbol = _PY2_ONLY_SYMBOL.search(line) if site.group("v").startswith("2") else None
        if running is not None and number > running.line and site.group("v") != running.value:
            why = (
                f"Python {running.value} runs, yet it loads code from Python {site.group('v')}'s site-packages: "
                "another installation's folder is on its path (PYTHONPATH, a .pth file)"
            )
            evidence = [running.evidence("fact/interpreter"), Evidence(number, line, "env-leak/loaded")]
        elif symbol is not None:
            why = (
                f"an extension in Python {site.group('v')}'s dist-packages needs {symbol.group('sym')}, which only "
                "Python 2 has: a Python 3 interpreter loads a Python 2 installation's package (PYTHONPATH)"
            )
            evidence = [Evidence(number, line, "env-leak/loaded")]
        else:
            continue
        fix = (
            "take the other installation's site-packages off the path: `unset PYTHONPATH` "
            "(a sourced setup script often sets it)"
        )
        yield Verdict(LEAK, 0.88, why, evidence, fix=fix)
        return


# `conda create -n NAME` (or --name / --prefix) with nothing to install: an environment without Python
_EMPTY_CONDA_CREATE = re.compile(
    r"\b(?:conda|mamba|micromamba) create\s+(?:(?:-y|--yes|-q|--quiet)\s+)*(?:-n|--name|-p|--prefix)[ =]?\S+"
    r"(?:\s+(?:-y|--yes|-q|--quiet))*\s*(?:$|#|->|&&|;)",  # a step list: `conda create -n a -> source activate a`
    re.IGNORECASE,
)
_PIP_INSTALL_CMD = re.compile(r"(?:^|->|&&|;)\s*(?:\(\S+\)\s*)?(?:\$\s*)?pip3?\s+install\b", re.IGNORECASE)
# the package does not import, or pip uninstalls the copy another (empty) environment "had": one pip for both
_NOT_IMPORTED = re.compile(r"modulenotfounderror|no module named|importerror|\buninstall(?:ed|ing)\b", re.IGNORECASE)


@cause_rule("leakage/pip-in-a-conda-env-without-python", WRONG_INTERPRETER)
def pip_in_a_conda_env_without_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `conda create -n NAME` with no package named (no `python`), then `pip install X` in
    it, and X does not import.
    Why: an environment created empty holds no Python and no pip; activating it leaves `pip` on
    PATH as another Python's (the base env's, the system's, often with --user), so X went there,
    while `python` may be yet another. `conda install python pip` in the env (or creating it
    with `python`) makes its own pip the one that runs.
    Example: `conda create --name bunnies`, `source activate bunnies`, `pip install see`, then
    `python -c 'import see'` -> ModuleNotFoundError."""
    created = next(((n, t) for n, t in ctx.lines if _EMPTY_CONDA_CREATE.search(t)), None)
    if created is None:
        return
    pip = next(
        (
            (n, t)
            for n, t in ctx.lines
            if n >= created[0] and (m := _PIP_INSTALL_CMD.search(t)) and (n > created[0] or m.start() > 0)
        ),
        None,
    )
    if pip is None:
        return
    failed = next(((n, t) for n, t in ctx.lines if n > pip[0] and _NOT_IMPORTED.search(t)), None)
    if failed is None:
        return
    why = "the conda environment was created without Python, so `pip` in it is another Python's pip"
    evidence = [Evidence(n, t, "fact/command") for n, t in (created, pip)] + [Evidence(*failed, "fact/error")]
    fix = "conda install python pip (in the activated environment), then python -m pip install the package again"
    yield Verdict(WRONG_INTERPRETER, 0.85, why, evidence, fix=fix)


# the signatures that only show a user site in use (not that it shadows anything)
_USER_SITE_SIGNS = frozenset(
    {
        "env-leak/user-site-satisfied",
        "env-leak/user-site-path",
        "env-leak/user-install",
        "env-leak/windows-user-site-path",
    }
)


@cause_rule("leakage/user-site-of-a-plain-python", LEAK)
def user_site_of_a_plain_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: env-leakage rests only on user-site paths (`Requirement already satisfied: numpy in
    ~/.local/lib/python3.8/site-packages`, `pip install --user`), the log names no environment
    (no conda env, venv or pyenv Python), and another cause (not an interpreter mix-up) has its own
    evidence.
    Why: the user site leaks when an environment should have kept it out; a plain Python (a CI
    runner's, the system's) installing with `--user` simply installs there, and imports from there
    by design. Then the user site is where the packages are, not why they fail: env-leakage stays a
    candidate, below the other cause.
    Example: a CI log of `python -m pip install --user ...` into `/home/runner/.local`, ending in
    `module 'numpy' has no attribute 'typeDict'`."""
    signal = ctx.signals.get(LEAK)
    if signal is None or not signal.ids or not set(signal.ids) <= _USER_SITE_SIGNS:
        return
    if any(v.cause == LEAK and v.weight > 0 for v in ctx.verdicts):
        return
    if any(p.kind in _ENV_KINDS for p in ctx.facts.paths) or ctx.facts.activated_env is not None:
        return
    if not any(c not in (LEAK, WRONG_INTERPRETER) and s.score >= 0.8 for c, s in ctx.signals.items()):
        return
    why = "the user site is a plain Python's own install target here (no environment is named): not a leak"
    yield Verdict(LEAK, 0.0, why, [], cap=0.5)


# PYTHONHOME given a value: `export PYTHONHOME=/opt/...`, `Pythonhome : d:\Anaconda3\envs\py36`,
# Python 3.8+'s startup dump `PYTHONHOME = 'C:\...'` (its `(not set)` is no value)
_PYTHONHOME_SET = re.compile(r"\bPYTHONHOME\s*[:=]\s*(?!\(not set\))['\"]?(?P<value>[A-Za-z]:[\\/]\S*|[/~$]\S*)", re.I)
_FAILED_WORDS = re.compile(r"\b(?:fail(?:s|ed|ing)?|error|cannot|can'?t|could not|unable)\b", re.IGNORECASE)


@cause_rule("leakage/pythonhome-set", LEAK)
def pythonhome_set(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows PYTHONHOME set to a folder (`export PYTHONHOME=...`, a system variable
    `PYTHONHOME : d:\\Anaconda3\\envs\\py36`, Python's own startup dump `PYTHONHOME = '...'`), and
    Python or conda then fails (`No module named 'conda'`, "unable to load the file system codec",
    `conda activate` failing).
    Why: PYTHONHOME replaces every interpreter's idea of its own prefix: any Python started with
    it (conda's, a venv's, another version) takes its standard library and site-packages from that
    one folder, another installation's. Unsetting it is the fix; no reinstall helps while it is set.
    Example: `Pythonhome : d:\\Anaconda3\\envs\\py36` and conda's `ModuleNotFoundError: No module named 'conda'`."""
    found = next(((n, t, m) for n, t in ctx.lines if (m := _PYTHONHOME_SET.search(t))), None)
    if found is None:
        return
    number, text, match = found
    failed = ctx.facts.errors or any(_FAILED_WORDS.search(t) for n, t in ctx.lines if n != number)
    if not failed:
        return
    why = f"PYTHONHOME is set ({match.group('value')}): every Python started takes its library from that folder"
    fix = "unset PYTHONHOME (`unset PYTHONHOME`; on Windows remove the variable in System Properties), then retry"
    yield Verdict(LEAK, 0.85, why, [Evidence(number, text, "env-leak/pythonhome")], demotes=_LEAK_SYMPTOMS, fix=fix)
