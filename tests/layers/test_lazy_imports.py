"""Function-level imports inside src/envdoctor stay only where start-up speed needs them, each with a
one-line reason: `# lazy: <reason>` on the import's line or the line above it.

Two checks:
- every function-level import carries a reason; the modules that still hold unexplained ones are
  listed, with their count, in lazy_imports_baseline.json, a ratchet
  (a count above it fails, and so does one below: `python -m tests.layers.test_lazy_imports` lowers it);
- every reason is true: a lazy import that does not cite an optional dependency must defer a module
  that is not loaded yet once a fresh interpreter has imported the module holding it (else laziness
  buys nothing: import it at module level). No exception is listed."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "envdoctor"
BASELINE = Path(__file__).with_name("lazy_imports_baseline.json")
# scripts that run inside the target interpreter (Python 2.7-3.14, stdlib only): not envdoctor's code
IN_TARGET = {"probe/_inside.py", "probe/_scan.py", "actions/_verify_inside.py"}
# the one reason that needs no proof by sys.modules: the dependency may be absent
OPTIONAL = "optional dependency"


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def function_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The imports inside function bodies (not those under `if TYPE_CHECKING:`)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                found.append(child)
            walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    walk(tree, False)
    return found


def lazy_reason(lines: list[str], node: ast.stmt) -> str | None:
    """The `# lazy: <reason>` text on the import's line or the comment line above it, if any."""
    here = lines[node.lineno - 1]
    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
    for text in (here.partition("#")[2], above[1:] if above.startswith("#") else ""):
        reason = text.strip()
        if reason.startswith("lazy:") and reason[len("lazy:") :].strip():
            return reason[len("lazy:") :].strip()
    return None


def unexplained(source: str) -> list[int]:
    """Line numbers of the function-level imports in `source` without a `# lazy:` reason."""
    lines = source.splitlines()
    return [n.lineno for n in function_imports(ast.parse(source)) if lazy_reason(lines, n) is None]


def _sources(root: Path) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in IN_TARGET or "/_verify_" in f"/{rel}" or rel.endswith("__main__.py"):
            continue
        found.append((rel, path))
    return found


def census() -> dict[str, int]:
    counts: dict[str, int] = {}
    for rel, path in _sources(SRC):
        found = unexplained(path.read_text(encoding="utf-8"))
        if found:
            counts[rel] = len(found)
    return counts


@dataclass(frozen=True)
class LazyImport:
    """One function-level import with a reason that claims it defers something: `from module import
    name` (name "" for `import module`), at `rel`:`line`, inside the module `holder`."""

    rel: str
    line: int
    holder: str
    module: str
    name: str

    @property
    def target(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


def _module_name(package: str, rel: str) -> str:
    parts = [package, *rel[: -len(".py")].split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def claimed_lazy(root: Path, package: str) -> list[LazyImport]:
    """The function-level imports under `root` (the package `package`) whose `# lazy:` reason is not
    an optional dependency: each claims the module it imports is not loaded yet."""
    found: list[LazyImport] = []
    for rel, path in _sources(root):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        holder = _module_name(package, rel)
        for node in function_imports(ast.parse(source)):
            reason = lazy_reason(lines, node)
            if reason is None or reason.startswith(OPTIONAL):
                continue
            if isinstance(node, ast.Import):
                found += [LazyImport(rel, node.lineno, holder, alias.name, "") for alias in node.names]
                continue
            base = holder if rel.endswith("__init__.py") else holder.rpartition(".")[0]
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            module = ".".join(p for p in (base if node.level else "", node.module or "") if p)
            found += [LazyImport(rel, node.lineno, holder, module, alias.name) for alias in node.names]
    return found


# Runs in a fresh interpreter: forks once per holding module (a fresh start each, for the price of a
# fork; as many at once as there are cores), imports it and prints the keys of the lazy imports whose
# module is loaded already. It imports nothing itself (os and sys are loaded at start-up), so that
# sys.modules is the holder's.
_PROBE = r"""
import os, sys
def probe(holder, rows, out):
    try:
        __import__(holder)
    except BaseException as error:
        os.write(out, ("!%s %s: %s\n" % (holder, type(error).__name__, error)).encode())
        return
    loaded = set(sys.modules)
    for key, module, name in rows:
        target = module + "." + name if name else module
        if target in loaded or (name and module in loaded and name in vars(sys.modules[module])):
            os.write(out, (key + "\n").encode())
by_holder = {}
for row in sys.stdin.read().splitlines():
    key, holder, module, name = row.split("\t")
    by_holder.setdefault(holder, []).append((key, module, name))
fork = getattr(os, "fork", None) if len(by_holder) > 1 else None
running = {}  # pid -> the read end of its pipe; each child writes a few short lines, then exits
def reap():
    pid, _ = os.waitpid(-1, 0)
    read = running.pop(pid)
    chunks = []
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    os.write(1, b"".join(chunks))
for holder, rows in sorted(by_holder.items()):
    if fork is None:
        probe(holder, rows, 1)
        continue
    if len(running) >= (os.cpu_count() or 1):
        reap()
    read, write = os.pipe()
    pid = fork()
    if pid == 0:
        os.close(read)
        probe(holder, rows, write)
        os._exit(0)
    os.close(write)
    running[pid] = read
while running:
    reap()
"""


def already_loaded(imports: list[LazyImport], path: Path | None = None) -> list[LazyImport]:
    """The `imports` whose module (or name) is in sys.modules (or the module's namespace) right after
    a fresh interpreter imports the module holding them: their laziness defers nothing. `path` goes
    first on that interpreter's sys.path."""
    rows = "".join(f"{key}\t{i.holder}\t{i.module}\t{i.name}\n" for key, i in enumerate(imports))
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(path), env.get("PYTHONPATH", "")) if p)
    runs = [rows] if hasattr(os, "fork") else [r + "\n" for r in rows.splitlines()]
    lines: list[str] = []
    for stdin in runs:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE], input=stdin, capture_output=True, text=True, env=env, check=True
        )
        lines += done.stdout.splitlines()
    failures = [line[1:] for line in lines if line.startswith("!")]
    assert not failures, f"modules that do not import in a fresh interpreter: {failures}"
    return [imports[int(key)] for key in lines]


def useless_lazy_imports() -> list[LazyImport]:
    """The lazy imports in src/envdoctor whose laziness defers nothing."""
    return already_loaded(claimed_lazy(SRC, "envdoctor"))


def test_the_scan_finds_unexplained_imports_and_accepts_reasons() -> None:
    source = (
        "import os\n"
        "def f():\n"
        "    import json\n"
        "    from rich import console  # lazy: rich costs 40 ms at start-up\n"
        "    # lazy: only the plan verb needs it\n"
        "    import yaml\n"
        "    import toml  # lazy:\n"
        "    if TYPE_CHECKING:\n"
        "        import typing_extensions\n"
        "    g = lambda: __import__('x')\n"
        "    class K:\n"
        "        def m(self):\n"
        "            import csv\n"
    )
    assert unexplained(source) == [3, 7, 13]


def test_no_new_unexplained_function_level_import() -> None:
    baseline: dict[str, int] = json.loads(BASELINE.read_text(encoding="utf-8"))
    now = census()
    grown = {m: (baseline.get(m, 0), n) for m, n in now.items() if n > baseline.get(m, 0)}
    assert not grown, (
        "function-level imports without a `# lazy: reason` comment (baseline, now): "
        f"{grown}; import at module level, or say why start-up needs it lazy"
    )
    fallen = {m: (n, now.get(m, 0)) for m, n in baseline.items() if now.get(m, 0) < n}
    assert not fallen, f"fewer unexplained imports than the baseline lists: lower it: {fallen}"


def test_a_lazy_import_of_a_loaded_module_is_found(tmp_path: Path) -> None:
    pkg = tmp_path / "lazypkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "cheap.py").write_text("VALUE = 1\n")
    (pkg / "heavy.py").write_text("VALUE = 2\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "deep.py").write_text("")
    (pkg / "sub" / "user.py").write_text(
        "import json\n"
        "from lazypkg import cheap\n"
        "def loaded():\n"
        "    import json  # lazy: keeps json out of start-up\n"  # 4: json is imported above
        "    from lazypkg.cheap import VALUE  # lazy: keeps cheap out of start-up\n"  # 5
        "    # lazy: keeps cheap out of start-up\n"
        "    from .. import cheap\n"  # 7: relative, loaded
        "def deferred():\n"
        "    import xml.dom.minidom  # lazy: keeps minidom out of start-up\n"
        "    from lazypkg.heavy import VALUE  # lazy: keeps heavy out of start-up\n"
        "    from lazypkg import heavy  # lazy: keeps heavy out of start-up\n"
        "    from . import deep  # lazy: keeps deep out of start-up\n"
        "def exempt():\n"
        "    import json  # lazy: optional dependency (json)\n"
        "    import csv\n"
    )
    found = claimed_lazy(pkg, "lazypkg")
    assert {(i.line, i.target) for i in found} == {
        (4, "json"),
        (5, "lazypkg.cheap.VALUE"),
        (7, "lazypkg.cheap"),
        (9, "xml.dom.minidom"),
        (10, "lazypkg.heavy.VALUE"),
        (11, "lazypkg.heavy"),
        (12, "lazypkg.sub.deep"),
    }
    assert {(i.rel, i.line) for i in already_loaded(found, tmp_path)} == {
        ("sub/user.py", 4),
        ("sub/user.py", 5),
        ("sub/user.py", 7),
    }


def test_a_module_that_does_not_import_fails_the_scan(tmp_path: Path) -> None:
    pkg = tmp_path / "brokenpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "bad.py").write_text("raise RuntimeError('boom')\ndef f():\n    import csv  # lazy: start-up\n")
    with pytest.raises(AssertionError, match=r"brokenpkg\.bad RuntimeError: boom"):
        already_loaded(claimed_lazy(pkg, "brokenpkg"), tmp_path)


def test_every_lazy_reason_defers_a_module_not_yet_loaded() -> None:
    useless = useless_lazy_imports()
    assert not useless, "lazy imports of modules their importing module has loaded already (laziness buys " + (
        "nothing there: import at module level): " + "; ".join(f"{i.rel}:{i.line} {i.target}" for i in useless)
    )


if __name__ == "__main__":  # rewrite the baseline (after explaining or hoisting imports)
    counts = census()
    BASELINE.write_text(json.dumps(counts, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{sum(counts.values())} unexplained function-level imports in {len(counts)} modules", file=sys.stderr)
    for lazy in useless_lazy_imports():
        print(f"lazy import of an already-loaded module: {lazy.rel}:{lazy.line} {lazy.target}", file=sys.stderr)
