"""Fails when an import stands inside a function without a comment on its line saying why.

An import inside a function hides a dependency from readers and from import-linter; the few that
are right (the CLI loading Django or a heavy library only for the command that needs it, an
AppConfig.ready() that must wait for the models) say so in a comment on the import (its first
line, or any line of a wrapped import) that starts ``deferred:`` and gives the reason in a few
words, for example ``import django  # deferred: only the web commands need Django``.

Usage: ``python scripts/check_function_imports.py [--list] [ROOT]`` (ROOT defaults to ``src``).
Exit 0 when every such import carries its reason, 1 otherwise (each one is listed as
``path:line: statement``).
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path


def _comment_lines(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string
    return comments


def function_imports(path: Path) -> list[tuple[int, str, bool]]:
    """Every import inside a function of ``path``: (line, statement, has a reason comment)."""
    source = path.read_text(encoding="utf-8")
    comments = _comment_lines(source)
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                lines = range(child.lineno, (child.end_lineno or child.lineno) + 1)
                said = " ".join(comments.get(n, "").lstrip("#") for n in lines)
                reason = said.partition("deferred:")[2]
                words = [w for w in reason.split() if not w.startswith(("noqa", "F401", "E402"))]
                found.append((child.lineno, ast.unparse(child), len(words) >= 3))
            visit(child, inside)

    visit(ast.parse(source, filename=str(path)), False)
    return found


def main(argv: list[str]) -> int:
    show_all = "--list" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = Path(args[0] if args else "src")
    missing = 0
    total = 0
    for path in sorted(root.rglob("*.py")):
        for line, statement, has_reason in function_imports(path):
            total += 1
            if not has_reason:
                missing += 1
                print(f"{path}:{line}: {statement}  <- import inside a function without a reason")
            elif show_all:
                print(f"{path}:{line}: {statement}")
    print(f"{total} imports inside functions, {missing} without a reason comment")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
