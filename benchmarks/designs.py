"""Compare candidate designs for the Python extractor's parse-and-walk, on one tree, one process.

    python benchmarks/designs.py TREE

Times, over every .py file of TREE (CPU seconds, one process, files read once beforehand):
  libcst       libcst.parse_module (the parser the old extractor used; its walk and positions cost more)
  ast          ast.parse (CPython's native parser; nodes carry line/column/end positions)
  ast+walk     ast.parse and a Python-level visit of every node (what a full ast visitor costs at least)
  ast+gate     ast.parse and a visit of only the statements whose lines hold a trigger word
  tokenize     tokenize.generate_tokens over every file (what reading all comments this way would cost)
  tree-sitter  tree-sitter-python parse (if installed)
"""

from __future__ import annotations

import ast
import io
import os
import re
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
    from whackachip_lint.prefilter import families, pattern_for
    from whackachip_lint.rules import ALL_RULES

    trigger = re.compile(pattern_for("python", families(ALL_RULES)).pattern.decode())

    def walk_all(text):
        count = 0
        for _ in ast.walk(ast.parse(text)):
            count += 1

    def walk_gated(text):
        tree = ast.parse(text)
        low = text.lower()
        lines = set()
        for match in trigger.finditer(low):
            lines.add(low.count("\n", 0, match.start()) + 1)
        stack = list(tree.body)
        while stack:
            node = stack.pop()
            body = getattr(node, "body", None)
            if isinstance(body, list):
                stack.extend(body)
                stack.extend(getattr(node, "orelse", ()))
                continue
            if any(line in lines for line in range(node.lineno, node.end_lineno + 1)):
                for _ in ast.walk(node):
                    pass

    def tokens(text):
        for _ in tokenize.generate_tokens(io.StringIO(text).readline):
            pass

    timed("ast", texts, ast.parse)
    timed("ast+walk", texts, walk_all)
    timed("ast+gate", texts, walk_gated)
    timed("tokenize", texts, tokens)
    try:
        import tree_sitter
        import tree_sitter_python

        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))
        timed("tree-sitter", texts, lambda text: parser.parse(text.encode()))
    except ImportError:
        print("tree-sitter  (tree-sitter-python not installed)")
    import libcst

    timed("libcst", texts, libcst.parse_module)


if __name__ == "__main__":
    main(sys.argv[1])
