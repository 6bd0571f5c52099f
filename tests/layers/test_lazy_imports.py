"""Function-level imports inside src/envdoctor stay only where start-up speed needs them, each with a
one-line reason: `# lazy: <reason>` on the import's line or the line above it.

The modules that still hold unexplained ones are listed, with their count, in
lazy_imports_baseline.json (a ratchet): a new unexplained import fails, and so does a count that
fell without the list being lowered (`python -m tests.layers.test_lazy_imports` rewrites it)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "envdoctor"
BASELINE = Path(__file__).with_name("lazy_imports_baseline.json")
# scripts that run inside the target interpreter (Python 2.7-3.14, stdlib only): not envdoctor's code
IN_TARGET = {"probe/_inside.py", "probe/_scan.py", "actions/_verify_inside.py"}


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


def _explained(lines: list[str], node: ast.stmt) -> bool:
    here = lines[node.lineno - 1]
    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
    for text in (here.partition("#")[2], above[1:] if above.startswith("#") else ""):
        reason = text.strip()
        if reason.startswith("lazy:") and reason[len("lazy:") :].strip():
            return True
    return False


def unexplained(source: str) -> list[int]:
    """Line numbers of the function-level imports in `source` without a `# lazy:` reason."""
    lines = source.splitlines()
    return [n.lineno for n in function_imports(ast.parse(source)) if not _explained(lines, n)]


def census() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in IN_TARGET or "/_verify_" in f"/{rel}":
            continue
        found = unexplained(path.read_text(encoding="utf-8"))
        if found:
            counts[rel] = len(found)
    return counts


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


if __name__ == "__main__":  # rewrite the baseline (after explaining or hoisting imports)
    BASELINE.write_text(json.dumps(census(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{sum(census().values())} unexplained function-level imports in {len(census())} modules", file=sys.stderr)
