"""Compare candidate designs for the Python extractor's parse-and-walk, on one tree, one process.

    python benchmarks/designs.py TREE

Times, over every .py file of TREE (CPU seconds, one process, files read once beforehand):
  libcst       libcst.parse_module (the parser the old extractor used; its walk and positions cost more)
  ast          ast.parse (CPython's native parser; nodes carry line/column/end positions)
  gate         finding the hot lines (gate.py's pattern over the lower-cased bytes)
  ast+walk     ast.parse and a Python-level visit of every node (what a full ast visitor costs at least)
  ast+gate     ast.parse and a visit of only the statements whose lines hold a gate word
  ast+libcst   ast.parse to locate the statements holding a gate word, and libcst.parse_statement on each
               (design B: libcst only where the evidence is; its walk and positions would come on top)
  tokenize     tokenize.generate_tokens over every file (what reading all comments this way would cost)
  tree-sitter  tree-sitter-python parse (if installed; a walk in Python over its nodes would come on top)
  extractor    the Python extractor of this checkout, end to end (parse, gate, walk, comments, positions)
CPU seconds of this process (`time.process_time`), so other load on the machine moves them little.
"""

from __future__ import annotations

import ast
import io
import os
import sys
import time
import tokenize
import warnings


def files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:
                    data = handle.read()
                try:
                    yield path, data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    continue


def timed(label, texts, work):
    start = time.process_time()
    for text in texts:
        try:
            work(text)
        except (SyntaxError, ValueError, RecursionError, tokenize.TokenError):
            pass
    print(f"{label:12} {time.process_time() - start:7.2f} s", flush=True)


def main(root: str) -> None:
    warnings.simplefilter("ignore")
    texts = [text for _, text in files(root)]
    print(f"{len(texts)} files, {sum(map(len, texts)) / 1e6:.1f} M characters")

    def walk_all(text):
        count = 0
        for _ in ast.walk(ast.parse(text)):
            count += 1

    from whackachip_lint.extract.python.gate import Gate, hot_lines

    def hot_statements(text):
        tree = ast.parse(text)
        gate = Gate(hot_lines(text))
        stack = list(tree.body)
        while stack:
            node = stack.pop()
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                stack.extend(body)
                stack.extend(getattr(node, "orelse", ()))
                continue
            if gate.holds(node.lineno, node.end_lineno):
                yield node

    def walk_gated(text):
        for node in hot_statements(text):
            for _ in ast.walk(node):
                pass

    def libcst_hot(text):
        import textwrap

        import libcst

        lines = text.splitlines()
        for node in hot_statements(text):
            segment = textwrap.dedent("\n".join(lines[node.lineno - 1 : node.end_lineno]))
            try:
                libcst.parse_statement(segment + "\n")
            except Exception:  # a statement sharing its line with another (`a = 1; b = 2`)
                pass

    from pathlib import Path as _Path

    from whackachip_lint.extract import ExtractionError, Source
    from whackachip_lint.extract.python import extract

    def extractor(text):
        try:
            extract(Source(_Path("x.py"), "x.py", "python", text.encode("utf-8")))
        except ExtractionError:
            pass

    def tokens(text):
        for _ in tokenize.generate_tokens(io.StringIO(text).readline):
            pass

    timed("ast", texts, ast.parse)
    timed("gate", texts, hot_lines)
    timed("ast+walk", texts, walk_all)
    timed("ast+gate", texts, walk_gated)
    timed("tokenize", texts, tokens)
    timed("extractor", texts, extractor)
    try:
        import tree_sitter
        import tree_sitter_python

        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))
        timed("tree-sitter", texts, lambda text: parser.parse(text.encode()))
    except ImportError:
        print("tree-sitter  (tree-sitter-python not installed)")
    try:
        import libcst
    except ImportError:
        print("libcst       (not installed: pip install libcst)")
        return
    timed("ast+libcst", texts, libcst_hot)
    timed("libcst", texts, libcst.parse_module)


if __name__ == "__main__":
    main(sys.argv[1])
