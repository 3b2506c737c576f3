"""Shell scripts (bash, via tree-sitter-bash): environment, launchers and their flags, build flags.

    export NCCL_IB_HCA=mlx5_0          -> WAC301 enabled
    # export NCCL_IB_HCA=mlx5_0        -> WAC301 mentioned (commented-out command)
    GPUS=${GPUS:-8}; torchrun --nproc_per_node $GPUS train.py
                                       -> WAC404 torchrun {"script": "train.py"}, WAC401 8
    NET=high; if [[ $NET == low ]]; then export NCCL_IB_DISABLE=1; fi
                                       -> WAC301 dead (a branch the file rules out)

A file tree-sitter cannot parse cleanly still gives what its valid parts say
(tree-sitter recovers around errors). When more than half of its bytes sit in
ERROR nodes it is most likely not bash at all, and the file gets a diagnostic
instead of findings built on guesses. A string, backquote, `$(` or heredoc that is never closed
swallows the rest of the file, as bash would read it: the file gets a diagnostic naming where it opened,
and findings only from outside it.

tree-sitter-bash's error recovery is super-linear in the number of operators it cannot fit into a command: 64 KB of
`|`, `)`, `x)x)`, `$[$[` or `<<<` take it longer than the per-file budget. Such runs (OPERATOR_RUN: at least
MIN_RUN operators, each followed by at most two other characters, with no blank) are not shell anyone runs: they are
blanked before the parse (columns and lines stay); and when the lines a quarter or more of operators (without a word
of three letters) hold more than MAX_DENSE_OPERATORS of them, so are those lines (thousands of short junk lines).
The rest of the file is read; the file gets a diagnostic naming the first line blanked.

Angle-bracket placeholders of a template or a README (`DATA_PATH=<Specify path>`, `--master_port=<your_port>`,
`--data <DATA_DIR>/train.json`) are read as one word of the same width (columns stay): to bash their `<` and `>`
are redirections, which make the file unparseable or take the next word (`> train.py`) as a file to write.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from ...evidence import RawFinding, State
from .. import ExtractionError, PartialExtraction, Source
from ..treesitter import Positions, error_fraction, error_nodes, parser
from .functions import FunctionUse
from .walker import ShellWalker

# Share of a file's bytes in ERROR nodes above which it is reported as unparseable.
MAX_ERROR_FRACTION = 0.5
# A placeholder: `<` after no `<`, word character or `$`, a letter, text without `<`, `>` or a line break that ends in
# no blank, then `>` before no `>`, `&` or word character. Real redirections differ: `cmd <in.txt > out.txt` (the
# text before `>` ends in a blank), `<<EOF`, `2>&1`, `<(cmd)`.
_PLACEHOLDER = re.compile(r"(?<![<\w$])<(?P<inner>[A-Za-z_](?:[^<>\n]{0,80}[^<>\s])?)>(?![>&\w])")


_NOT_NAME = re.compile(r"\W")

# A run of shell operators with at most two other characters after each and no blank: `||||`, `x)x)x)`, `$[$[`.
# The longest in the dev and fresh corpora's scripts and READMEs has 14 (a sed expression); the slow ones thousands.
_OPERATORS = r"|&;()<>\[\]"
MIN_RUN = 32
OPERATOR_RUN = re.compile(rf"(?:[{_OPERATORS}][^\s{_OPERATORS}]{{0,2}}){{{MIN_RUN},}}")
_OPERATOR = re.compile(rf"[{_OPERATORS}]")
_WORD = re.compile(r"\w{3}")
# Operators on lines a quarter or more of whose characters are operators (and no word), once runs are cut: past this
# many, those lines are blanked too (thousands of short `x)x)x)` lines, each run too short to cut). The corpora's scripts have at most
# a few hundred.
MAX_DENSE_OPERATORS = 4096


def cap_operator_runs(text: str) -> tuple[str, int | None]:
    """`text` with its runs of shell operators blanked (columns and lines stay), and the line of the first one
    blanked (None: none was)."""
    operators = len(_OPERATOR.findall(text))
    if operators < MIN_RUN:
        return text, None
    first: int | None = None
    run = OPERATOR_RUN.search(text)
    if run is not None:
        first = text.count("\n", 0, run.start()) + 1
        text = OPERATOR_RUN.sub(lambda match: " " * len(match.group()), text)
    if operators < MAX_DENSE_OPERATORS:
        return text, first
    lines = text.split("\n")
    dense = [index for index, line in enumerate(lines) if _dense(line)]
    if sum(len(_OPERATOR.findall(lines[index])) for index in dense) < MAX_DENSE_OPERATORS:
        return text, first
    for index in dense:
        lines[index] = " " * len(lines[index])
    first = dense[0] + 1 if first is None else min(first, dense[0] + 1)
    return "\n".join(lines), first


def _dense(line: str) -> bool:
    """Whether a quarter or more of the line's characters other than blanks are shell operators, and no word of three
    letters or more (a command: `out=$(ls <(cat a)) || exit 1`) is among them."""
    operators = len(_OPERATOR.findall(line))
    return (bool(operators) and operators * 4 >= len(line) - line.count(" ") - line.count("\t")
            and _WORD.search(line) is None)


def blank_placeholders(text: str) -> str:
    """`text` with each angle-bracket placeholder turned into a variable of the same width (`<PATH/TO/CKPT>` ->
    `$PATH_TO_CKPT_`): a value left to fill in is unknown, as an unset variable's is, never a literal word."""
    if "<" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: "$" + _NOT_NAME.sub("_", m["inner"]) + "_", text)


def extract(source: Source) -> list[RawFinding]:
    text, cut = cap_operator_runs(blank_placeholders(source.text))
    data = text.encode("utf-8")
    if not data.strip():
        return []
    tree = parser("bash").parse(data)
    root = tree.root_node
    if error_fraction(root, len(data.strip())) > MAX_ERROR_FRACTION:
        first = next(error_nodes(root), None)
        line = first.start_point[0] + 1 if first is not None else 1
        raise ExtractionError(
            f"cannot parse as a shell script: most of it is not valid bash (first error at line {line})"
        )
    found: list[RawFinding] = []
    here = PurePosixPath(source.relpath).parent.as_posix()
    walker = ShellWalker(data, Positions(data), _resolver(source), _exported_names(root, data), found, here=here)
    walker.function_use = FunctionUse(root, data)
    walker.program(root, State.ENABLED)
    unclosed = _unclosed(root)
    if unclosed:
        # Bash itself would stop here: what the unclosed construct swallowed is no evidence.
        (first_line, last_line, what) = unclosed[0]
        kept = [raw for raw in found
                if not any(start <= raw.span.end_line and raw.span.line <= end for start, end, _ in unclosed)]
        raise PartialExtraction(
            f"shell syntax error: {what} opened at line {first_line} is never closed (it runs to line {last_line}); "
            "findings come only from the lines outside it", kept)
    if cut is not None:
        raise PartialExtraction(
            f"a run of shell operators at line {cut} (and any after it) is read only in part: the parser is too slow "
            "on long ones; the rest of the file is read", found)
    return found


# A closer tree-sitter had to invent (MISSING) -> what was left open. Other recovered errors are not reported:
# tree-sitter-bash also stumbles on valid bash, and the walker reads what it recovers.
_CLOSERS = {'"': "a double-quoted string", "`": "a backquoted command", ")": "a $(...) command substitution",
            "heredoc_end": "a heredoc"}


def _unclosed(root) -> list[tuple[int, int, str]]:
    """(first line, last line, what) of each construct whose closing token is missing, in file order."""
    out = []
    for node in error_nodes(root):
        if node.is_missing and node.type in _CLOSERS and node.parent is not None:
            opened = node.parent
            end_row, end_column = opened.end_point
            last = end_row + 1 if end_column > 0 else end_row  # an end at column 0 is the end of the line before
            out.append((opened.start_point[0] + 1, max(last, opened.start_point[0] + 1), _CLOSERS[node.type]))
    return out


def _exported_names(root, data: bytes) -> frozenset[str]:
    """Names exported anywhere in the file (`export X`, `export X=1`, `declare -x X`)."""
    names: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "declaration_command":
            words = [data[c.start_byte : c.end_byte].decode("utf-8", "replace") for c in node.children]
            if words and (words[0] == "export" or any(w.startswith("-") and "x" in w for w in words[1:])):
                for child in node.named_children:
                    target = child.child_by_field_name("name") if child.type == "variable_assignment" else child
                    if target is not None and target.type == "variable_name":
                        names.add(data[target.start_byte : target.end_byte].decode("utf-8", "replace"))
        stack.extend(node.children)
    return frozenset(names)


def _resolver(source: Source):
    """Paths on a command line -> paths relative to the scanned root, when the file exists there."""
    rel = PurePosixPath(source.relpath)
    script_dir = Path(source.path).parent
    root = script_dir
    for _ in rel.parts[:-1]:
        root = root.parent

    def resolve(text: str, anchored: bool = False) -> str | None:
        if not text or text.startswith(("$", "~", "/")):
            return None
        for base in (root,) if anchored else (script_dir, root):
            candidate = base / text
            if candidate.is_file():
                try:
                    relative = Path(os.path.relpath(candidate, root)).as_posix()
                except ValueError:
                    return None
                return None if relative.startswith("../") else relative
        return None

    return resolve
