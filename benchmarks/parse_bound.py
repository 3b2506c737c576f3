"""What parsing only what holds evidence could save, and what checking the rest for syntax errors costs.

    python benchmarks/parse_bound.py TREE

For every `.py` file under TREE (one process, garbage collection off, CPU time): CPython's `ast.parse` of the whole
file (what the extractor does); `ast.parse` of the file with the bodies of the functions the walk never enters
blanked out (no hot line and no import line: `extract/python/visitor.py` passes over them), the most a parse that
follows the evidence at function granularity could skip while keeping everything else the walk reads; and the
cheapest ways the standard library offers to learn whether a text parses at all without building Python nodes:
`symtable.symtable` (CPython's parser plus its symbol table) and `compile` to bytecode. A file with a syntax error in
a function the walk skips is reported today (its diagnostic); a parse that skips that function must still find the
error, so a fast path pays for a whole-file check on top of the parse of what it keeps.
"""

from __future__ import annotations

import ast
import gc
import os
import re
import symtable
import sys
import time

from whackachip_lint.extract.python.gate import hot_lines
from whackachip_lint.extract.python.visitor import import_lines

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Simple statements that bind no name the walk records (it binds `x = ...` and `x: T = ...`) and import nothing.
_DROPPABLE = (ast.Expr, ast.Return, ast.AugAssign, ast.Raise, ast.Assert, ast.Delete, ast.Pass, ast.Break,
              ast.Continue, ast.Global, ast.Nonlocal)


def python_texts(root: str) -> list[str]:
    texts = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in {".git", "__pycache__"})
        for name in sorted(filenames):
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name), "rb") as handle:
                    texts.append(handle.read().decode("utf-8", "replace"))
    return texts


def without_cold_code(text: str, tree: ast.Module, statements: bool) -> str:
    """`text` with the body of every function the walk would not enter replaced by `pass` (same line numbers);
    with `statements`, also every simple statement without a gate word that binds no name and imports nothing
    (on lines of its own), as a parse of only what the walk reads at statement granularity would."""
    marked = set(hot_lines(text)) | set(import_lines(text))
    lines = re.split(r"\r\n|\r|\n", text)
    blanked: list[tuple[int, int, int]] = []

    def cold(first: int, last: int) -> bool:
        return not any(first <= line <= last for line in marked)

    def visit(body: list) -> None:
        for index, statement in enumerate(body):
            if isinstance(statement, _FUNCTIONS):
                first = statement.decorator_list[0].lineno if statement.decorator_list else statement.lineno
                inner = statement.body[0]
                if cold(first, statement.end_lineno) and inner.lineno > statement.lineno:
                    blanked.append((inner.lineno, statement.end_lineno, inner.col_offset))
                    continue
            if statements and isinstance(statement, _DROPPABLE) and cold(statement.lineno, statement.end_lineno):
                alone = (index == 0 or body[index - 1].end_lineno < statement.lineno) and (
                    index + 1 == len(body) or body[index + 1].lineno > statement.end_lineno)
                if alone:
                    blanked.append((statement.lineno, statement.end_lineno, statement.col_offset))
                    continue
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                value = getattr(statement, field, None)
                if isinstance(value, list):
                    visit(value)

    visit(tree.body)
    for first, last, column in blanked:
        lines[first - 1] = " " * column + "pass"
        for index in range(first, last):
            lines[index] = ""
    return "\n".join(lines)


def timed(label: str, texts: list[str], work) -> float:
    started = time.process_time()
    for text in texts:
        try:
            work(text)
        except SyntaxError:
            pass
    spent = time.process_time() - started
    print(f"{label:<64} {spent:6.2f} s CPU", flush=True)
    return spent


def main(root: str) -> None:
    gc.disable()  # as the extractor parses
    texts, kept, finer = [], [], []
    for text in python_texts(root):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        reduced, smaller = without_cold_code(text, tree, False), without_cold_code(text, tree, True)
        try:
            ast.parse(reduced)
            ast.parse(smaller)
        except SyntaxError:
            continue  # a blanking this sketch gets wrong (a body sharing a line): left out of every side
        texts.append(text)
        kept.append(reduced)
        finer.append(smaller)
        del tree
    size = sum(len(t) for t in texts)
    for label, reduced in (("cold function bodies blanked", kept), ("cold statements blanked too", finer)):
        kept_size = sum(len(t) - t.count("\n") for t in reduced) + sum(t.count("\n") for t in texts)
        print(f"{len(texts)} files, {size} characters; kept ({label}): {kept_size / size:.1%}")
    whole = timed("ast.parse, whole files (the extractor today)", texts, ast.parse)
    partial = timed("ast.parse, cold function bodies blanked (the most skipped)", kept, ast.parse)
    timed("ast.parse, cold non-binding statements blanked too", finer, ast.parse)
    check = timed("symtable.symtable, whole files (parse check, no Python nodes)", texts,
                  lambda text: symtable.symtable(text, "<file>", "exec"))
    timed("compile to bytecode, whole files", texts, lambda text: compile(text, "<file>", "exec", dont_inherit=True))
    print(f"exact fast path (check the whole file + parse what is kept): {check + partial:.2f} s against {whole:.2f} s")
    print(f"fast path that leaves syntax errors in skipped functions unreported: {partial:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1])
