"""Jupyter notebooks (.ipynb): code cells as Python, `!`/`%` lines as shell, Markdown cells as docs.

Each cell's text goes through the same extractors as a file of its kind (python, shell, docs), and every
position is mapped back into the .ipynb file itself: a finding's span points at the characters inside the
JSON string that holds the cell's source line (escapes such as `\\"` are accounted for), and its properties
say where that is in notebook terms: {"cell": N, "cell_line": M, "cell_column": C} (all 1-based; N counts every
cell, Markdown included, in file order). Findings in outputs carry {"cell": N, "output_line": M, "cell_column": C}
instead.

IPython syntax: line magics and `!cmd` become `pass` in the Python text (the cell still parses) and their
commands (`!cmd`, `%sx`, `%system`, `%pip`, `%conda`, `%env VAR=value`, `x = !cmd`) become shell lines on the
same line numbers (`%pip install x` as `pip install x`; a command ending in `\\` runs on into the next line, as
IPython joins them). Cell magics: `%%bash`/`%%sh`/`%%script bash` make the cell shell; `%%writefile F` reads the
cell as a file of F's kind; `%%html`, `%%javascript`... are skipped; other cell magics (`%%time`) leave Python.

Outputs are read only for `nvidia-smi` tables, `nvidia-smi -L` lines and device reports (WAC713), never
parsed otherwise, so megabytes of output cost one substring test each. Output of a hosted demo (Colab,
Kaggle: found in the notebook's metadata or a `google.colab` import) is reported as `mentioned`: it records
the demo's GPU, not the training hardware.

A cell that cannot be parsed is reported as a diagnostic naming the cell; the other cells still count.
"""

from __future__ import annotations

import bisect
import itertools
import json
import json.decoder
import re
from dataclasses import dataclass, replace
from typing import Any, Iterator

from ..evidence import RawFinding, Span, State
from ..kinds import KIND_BY_SUFFIX
from . import ExtractionError, PartialExtraction, Source, extractors_for, prose

_CELL_MAGIC = re.compile(r"^%%(\w+)[ \t]*(.*)$")
_SHELL_CELL_MAGICS = {"bash", "sh", "script", "system"}
_SKIPPED_CELL_MAGICS = {"html", "javascript", "js", "latex", "markdown", "svg", "perl", "ruby"}
# The command of `%pip install x` is `pip install x`: the magic's name stays in the shell line.
_LINE_SHELL = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<var>[A-Za-z_]\w*\s*=\s*)?!{1,2}|%(?:sx|system)\b[ \t]*|%(?=(?:pip|conda)\b))"
)
_LINE_MAGIC = re.compile(r"^(?P<indent>[ \t]*)(?:%|\?|[A-Za-z_][\w.]*\?{1,2}[ \t]*$)")
_ENV_MAGIC = re.compile(
    r"^(?P<indent>[ \t]*)%(?:env|set_env)[ \t]+(?P<name>[A-Za-z_]\w*)(?:[ \t]*=[ \t]*|[ \t]+)(?P<value>.*)$"
)
_HOSTED = ("colab", "kaggle")
_DEVICE_QUERIES = ("get_device_name", "get_device_properties", "--query-gpu")


class _Str(str):
    """A JSON string value that remembers the offset of its opening quote in the file's text."""

    __slots__ = ("offset",)


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"not a valid notebook: JSON error at line {exc.lineno} column {exc.colno}: {exc.msg}")
    except RecursionError:
        raise ExtractionError("not a valid notebook: JSON nested too deeply") from None
    except ValueError as exc:  # not a JSONDecodeError: e.g. an integer over CPython's 4,300-digit limit
        raise ExtractionError(f"not a valid notebook: {exc}") from None


_KEY = re.compile(r'"(source|input|text|text/plain)"\s*:\s*')
_KEY_BEFORE = frozenset(" \t\r\n{,")
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[\s,]*")


def _strings_at(text: str, pos: int) -> list[_Str] | None:
    """The JSON string, or array of strings, at `pos`, each as a _Str knowing its offset (C-speed per string)."""
    scan = json.decoder.scanstring
    if text.startswith('"', pos):
        value, _ = scan(text, pos + 1)
        out = _Str(value)
        out.offset = pos
        return [out]
    if not text.startswith("[", pos):
        return None
    items: list[_Str] = []
    i = _SPACE.match(text, pos + 1).end()
    while i < len(text) and text[i] == '"':
        value, end = scan(text, i + 1)
        item = _Str(value)
        item.offset = i
        items.append(item)
        i = _SPACE.match(text, end).end()
    return items if text.startswith("]", i) else None


def _locate(text: str, keys: tuple[str, ...], wanted: list[Any]) -> list[int | None]:
    """For each wanted value (in document order), the offset in the file where the first later key holding it starts.

    The notebook was decoded by json.loads; this finds where each cell source or output text sits in the file.
    Keys holding other values (metadata that happens to be called "source") are passed over.
    """
    found: list[int | None] = [None] * len(wanted)
    index = 0
    for m in _KEY.finditer(text):
        if index >= len(wanted):
            break
        if m.group(1) not in keys or text[m.start() - 1 : m.start()] not in _KEY_BEFORE:
            continue  # inside a string the quote would be escaped
        try:
            value, _ = _DECODER.raw_decode(text, m.end())
        except json.JSONDecodeError:
            continue
        if value == wanted[index]:
            found[index] = m.end()
            index += 1
    return found


def _find_parts(text: str, cursor: int, parts: list[str]) -> tuple[list[_Str] | None, int]:
    """`parts` (consecutive items of a string array) located from `cursor` on by searching for their JSON form
    (C speed), and the offset after the last; None if the writer escaped them differently (the caller then walks
    the array). Exact because the items skipped before them hold no vendor name, and each window starts at one."""
    out = []
    for part in parts:
        encoded = json.dumps(part, ensure_ascii=False)
        at = text.find(encoded, cursor)
        if at < 0:
            return None, cursor
        item = _Str(part)
        item.offset = at
        out.append(item)
        cursor = at + len(encoded)
    return out, cursor


class _Positions:
    """Maps offsets in the file's text to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n"))][:-1]

    def line_col(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def raw_offset(self, quote: int, index: int) -> int:
        """Offset in the file of decoded character `index` of the JSON string whose opening quote is at `quote`."""
        text = self.text
        pos = quote + 1
        if "\\" not in text[pos : pos + index]:
            return pos + index
        seen = 0
        while seen < index and pos < len(text):
            if text[pos] == "\\":
                if text[pos + 1 : pos + 2] == "u":
                    digits = text[pos + 2 : pos + 6]
                    code = int(digits or "0", 16) if re.fullmatch(r"[0-9a-fA-F]{4}", digits) else 0
                    pos += 12 if 0xD800 <= code < 0xDC00 and text[pos + 6 : pos + 8] == "\\u" else 6
                else:
                    pos += 2
            else:
                pos += 1
            seen += 1
        return pos


@dataclass
class _Block:
    """A cell's source (or an output's text) as one string, with each piece's start and its _Str."""

    text: str
    pieces: list[tuple[int, _Str]]
    line_starts: list[int]

    @classmethod
    def of(cls, value: Any, located: list[_Str] | None = None) -> "_Block | None":
        parts = value if isinstance(value, list) else [value]
        if not all(isinstance(part, str) for part in parts):
            return None
        if located is not None and len(located) == len(parts):
            parts = located  # the same strings, knowing where they are in the file
        starts, total = [], 0
        for part in parts:
            starts.append(total)
            total += len(part)
        text = "".join(parts)
        line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        return cls(text, list(zip(starts, parts)), line_starts)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []

    def locate(self, line: int, column: int, positions: _Positions) -> tuple[int, int]:
        """File (line, column) of the block's 1-based (line, column)."""
        line = min(max(line, 1), len(self.line_starts))
        offset = self.line_starts[line - 1] + max(column, 1) - 1
        offset = min(offset, max(len(self.text) - 1, 0))
        index = bisect.bisect_right([start for start, _ in self.pieces], offset) - 1
        start, piece = self.pieces[max(index, 0)]
        quote = getattr(piece, "offset", None)
        if quote is None:
            return 1, 1
        return positions.line_col(positions.raw_offset(quote, offset - start))


def extract(source: Source) -> list[RawFinding]:
    text = source.text
    notebook = _load(text)
    cells = _cells(notebook)
    positions = _Positions(text)
    hosted = _hosted(notebook, cells)
    with_source = [(i, c) for i, c in enumerate(cells) if isinstance(c, dict) and ("source" in c or "input" in c)]
    starts = _locate(text, ("source", "input"), [c.get("source", c.get("input")) for _, c in with_source])
    located = {i: _strings_at(text, at) for (i, _), at in zip(with_source, starts) if at is not None}
    findings: list[RawFinding] = []
    problems: list[str] = []
    for index, cell in enumerate(cells):
        number = index + 1
        if not isinstance(cell, dict):
            problems.append(f"cell {number}: not a JSON object")
            continue
        kind = cell.get("cell_type")
        block = _Block.of(cell.get("source", cell.get("input", "")), located.get(index))
        if block is None:
            problems.append(f"cell {number}: source is not text")
            continue
        try:
            if kind == "code":
                findings.extend(_code_cell(source, block, number, positions))
            elif kind in ("markdown", "heading"):
                raws = prose.extract_lines(block.lines, "markdown")
                findings.extend(_mapped(raws, block, number, positions))
        except ExtractionError as exc:
            problems.append(f"cell {number}: {exc}")
        except RecursionError:
            problems.append(f"cell {number}: too deeply nested to parse")
    findings.extend(_outputs(text, cells, positions, hosted))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise PartialExtraction(f"notebook cells not scanned: {shown}", findings)
    return findings


def _cells(notebook: Any) -> list:
    if isinstance(notebook, dict):
        if isinstance(notebook.get("cells"), list):
            return notebook["cells"]
        worksheets = notebook.get("worksheets")  # nbformat 3
        if isinstance(worksheets, list):
            return [c for w in worksheets if isinstance(w, dict) and isinstance(w.get("cells"), list)
                    for c in w["cells"]]
    raise ExtractionError('not a Jupyter notebook (no "cells" list)')


def _hosted(notebook: dict, cells: list) -> bool:
    metadata = notebook.get("metadata")
    if isinstance(metadata, dict) and any(key in metadata for key in _HOSTED):
        return True
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            text = "".join(source) if isinstance(source, list) else str(source)
            if "google.colab" in text or "kaggle_secrets" in text:
                return True
    return False


def _code_cell(source: Source, block: _Block, number: int, positions: _Positions) -> Iterator[RawFinding]:
    lines = block.lines
    if not lines:
        return
    magic = _CELL_MAGIC.match(lines[0])
    if magic:
        name, arg = magic.group(1), magic.group(2).strip()
        body = [""] + lines[1:]
        if name in _SHELL_CELL_MAGICS and (name != "script" or arg.split()[:1] in (["bash"], ["sh"])):
            yield from _run("shell", source, body, block, number, positions)
        elif name == "writefile":
            target = arg.split()[-1] if arg.split() else ""
            suffix = "." + target.rsplit(".", 1)[-1].lower() if "." in target else ""
            kind = KIND_BY_SUFFIX.get(suffix)
            if kind and kind != "notebook":
                yield from _run(kind, source, body, block, number, positions)
        elif name not in _SKIPPED_CELL_MAGICS:
            yield from _python_and_shell(source, body, block, number, positions)
        return
    yield from _python_and_shell(source, lines, block, number, positions)


def _python_and_shell(source: Source, lines: list[str], block: _Block, number: int, positions: _Positions
                      ) -> Iterator[RawFinding]:
    python, shell, shifts = [], [], {}
    continued: str | None = None  # the indentation of a shell line that ends in `\`: IPython joins the next one
    for index, line in enumerate(lines):
        if continued is not None:
            shell.append(line)
            python.append(continued + "pass")
            continued = continued if line.rstrip().endswith("\\") else None
            continue
        env = _ENV_MAGIC.match(line)
        bang = _LINE_SHELL.match(line)
        if env:
            command = f"export {env.group('name')}={env.group('value')}"
            shell.append(command)
            shifts[index + 1] = env.start("name") - len("export ")
            python.append(env.group("indent") + "pass")
        elif bang:
            shell.append(line[bang.end():])
            shifts[index + 1] = bang.end()
            python.append(bang.group("indent") + (f"{bang.group('var')}None" if bang.group("var") else "pass"))
            continued = bang.group("indent") if line.rstrip().endswith("\\") else None
        elif _LINE_MAGIC.match(line):
            shell.append("")
            python.append(_LINE_MAGIC.match(line).group("indent") + "pass")
        else:
            shell.append("")
            python.append(line)
    yield from _run("python", source, python, block, number, positions)
    if shifts:
        for raw in _extract("shell", source, shell):
            span = raw.span
            moved = Span(span.line, span.column + shifts.get(span.line, 0), span.end_line,
                         span.end_column + shifts.get(span.end_line, 0))
            yield _map(replace(raw, span=moved), block, number, positions)


def _run(kind: str, source: Source, lines: list[str], block: _Block, number: int, positions: _Positions
         ) -> Iterator[RawFinding]:
    yield from _mapped(_extract(kind, source, lines), block, number, positions)


def _extract(kind: str, source: Source, lines: list[str]) -> list[RawFinding]:
    text = "\n".join(lines)
    text += "" if text.endswith("\n") or not text else "\n"
    cell_source = Source(source.path, source.relpath, kind, text.encode("utf-8"))
    return [raw for extract in extractors_for(kind) for raw in extract(cell_source)]


def _mapped(raws, block: _Block, number: int, positions: _Positions) -> Iterator[RawFinding]:
    for raw in raws:
        yield _map(raw, block, number, positions)


def _map(raw: RawFinding, block: _Block, number: int, positions: _Positions, key: str = "cell_line") -> RawFinding:
    span = raw.span
    line, column = block.locate(span.line, span.column, positions)
    if span.end_column > span.column or span.end_line > span.line:
        end_line, end_column = block.locate(span.end_line, span.end_column - 1, positions)
        end_column += 1
    else:
        end_line, end_column = line, column + 1
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    props = {**raw.properties, "cell": number, key: span.line}
    props["cell_column"] = span.column  # reports show `cell N:LINE:COLUMN`, as Ruff does
    return replace(raw, span=Span(line, column, end_line, end_column), properties=props)


def _outputs(text: str, cells: list, positions: _Positions, hosted: bool) -> Iterator[RawFinding]:
    """WAC713 findings in outputs that may hold nvidia-smi text; every other output is passed over unread."""
    wanted: list[tuple[int, Any]] = []
    asks: set[int] = set()  # cells whose code asks for the device name: a bare name in their output is an answer
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or not isinstance(cell.get("outputs"), list):
            continue
        code = cell.get("source", cell.get("input", ""))
        code = "".join(c for c in code if isinstance(c, str)) if isinstance(code, list) else str(code)
        if any(word in code for word in _DEVICE_QUERIES):
            asks.add(index + 1)
        for output in cell["outputs"]:
            if not isinstance(output, dict):
                continue
            data = output.get("data") if isinstance(output.get("data"), dict) else {}
            for value in (output.get("text"), data.get("text/plain")):
                parts = value if isinstance(value, list) else [value]
                if value is not None and any(isinstance(p, str) and ("NVIDIA" in p or "Tesla" in p) for p in parts):
                    wanted.append((index + 1, value))
    if not wanted:
        return
    starts = _locate(text, ("text", "text/plain"), [value for _, value in wanted])
    for (number, value), start in zip(wanted, starts):
        parts = value if isinstance(value, list) else [value]
        cursor = start
        for first, last in _windows(parts):
            window = parts[first:last]
            strings = None
            if start is not None:
                if isinstance(value, list):
                    strings, cursor = _find_parts(text, cursor, window)
                else:
                    strings = _strings_at(text, start)
                if strings is None:
                    strings = (_strings_at(text, start) or [])[first:last] or None
            block = _Block.of(window, strings)
            if block is None:
                continue
            for raw in prose.find_smi(block.lines, set(), bare=number in asks):
                props = {**raw.properties, "source": f"notebook output ({raw.properties.get('source')})"}
                if hosted:
                    raw = replace(raw, state=State.MENTIONED,
                                  detail="output of a hosted notebook (Colab/Kaggle), not the training hardware")
                    props["hosted"] = True
                mapped = _map(replace(raw, properties=props), block, number, positions, key="output_line")
                line_base = sum(part.count("\n") for part in parts[:first]) if first else 0
                yield replace(mapped, properties={**mapped.properties, "output_line": raw.span.line + line_base})


def _windows(parts: list[str]) -> list[tuple[int, int]]:
    """Ranges of output pieces worth reading: from each piece naming NVIDIA hardware to a table's length after it."""
    spans: list[tuple[int, int]] = []
    for k, part in enumerate(parts):
        if "NVIDIA" in part or "Tesla" in part:
            end = min(len(parts), k + 1 + prose.SMI_WINDOW)
            if spans and k <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((k, end))
    return spans


__all__ = ["extract"]
