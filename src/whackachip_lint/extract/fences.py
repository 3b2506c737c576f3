"""Markdown fenced code blocks, read by CommonMark's rules, for every reader of Markdown (prose.py's paragraphs and
device reports, doc_commands.py's shell blocks, notebooks' Markdown cells through prose.py).

CommonMark (0.31, "Fenced code blocks"): a fence is a line of at least three backticks or three tildes, indented
by at most three spaces, followed by an info string (`bash title="run.sh"`), which after backticks may not hold a
backtick (that line is inline code). The block ends at a line of the same character, at least as long, indented
by at most three spaces and followed by nothing but spaces or tabs; a shorter or other-character fence inside is
content (a ```` block can show a ``` one). A block never closed runs to the end of the document.

List items are the one container followed (block quotes are not): in a list item, indentation counts from the
item's content column (`1. Run:` then a fence indented three spaces), and a line indented less than that column
ends the item, and with it a fence that is open inside it. An HTML comment (`<!--` at the start of a line, to the
line holding `-->`) is an HTML block: a fence line inside it neither opens nor closes a block outside it; its
fences are read on their own, as `commented`, and its end ends them. Tabs advance to the next multiple of four
columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Sequence

_OPENING = re.compile(r"(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
_CLOSING = re.compile(r"(?P<mark>`{3,}|~{3,})[ \t]*$")
# A list item's marker and the spaces after it (1 to 4 of them; with more, the content starts one space after it).
_LIST_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?P<space>[ \t]+|$)")
MAX_INDENT = 3  # more, and the line is an indented code block's (or a list item's content)


@dataclass(frozen=True)
class Fence:
    """One fenced code block, by 0-based line index: its opening line and its body `[opened + 1, end)`; line `end`
    is what ended it (`ended_by`): its closing fence, the line that ended the list item holding it, or the end of
    the document (`end == len(lines)`)."""

    opened: int
    end: int
    info: str  # the info string, stripped (`bash title="x"`)
    mark: str  # the opening fence (```, ~~~~...)
    ended_by: str  # "fence", "item", "comment" (the HTML comment holding it) or "document"
    commented: bool = False  # inside an HTML comment: not shown to a reader of the rendered document

    @property
    def body(self) -> range:
        return range(self.opened + 1, self.end)

    @property
    def closed(self) -> bool:
        """Whether something in the document ended it (a never-closed block runs to the end)."""
        return self.ended_by != "document"

    @property
    def last(self) -> int:
        """The index of the block's last line: its closing fence's when it has one."""
        return self.end if self.ended_by == "fence" else self.end - 1

    @property
    def language(self) -> str:
        """The info string's first word, lower-cased (`{.bash}` and `bash title=x` say `bash`)."""
        return _INFO_WORD.match(self.info)[1].lower()


_INFO_WORD = re.compile(r"[{.]*([\w+-]*)")


def _columns(line: str) -> tuple[int, int]:
    """(the column the line's text starts at, the offset of that text): tabs advance to a multiple of four."""
    column = 0
    for offset, char in enumerate(line):
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            return column, offset
    return column, len(line)


def _column_after(text: str) -> int:
    """The column right after `text`, written from the start of a line."""
    column = 0
    for char in text:
        column += 4 - column % 4 if char == "\t" else 1
    return column


def fences(lines: Sequence[str]) -> Iterator[Fence]:
    """The fenced code blocks of a Markdown document's lines, in order, those inside HTML comments included (as
    `commented`: to CommonMark the comment is raw HTML, but what it holds is a block the author commented out)."""
    return _fences(lines, 0, len(lines), False)


def _fences(lines: Sequence[str], index: int, stop: int, commented: bool) -> Iterator[Fence]:
    """The fences of lines `[index, stop)`; the end of the range ends a fence open in it (an HTML comment's)."""
    items: list[int] = []  # content columns of the open list items, innermost last
    while index < stop:
        line = lines[index]
        column, offset = _columns(line)
        if offset == len(line):
            index += 1  # a blank line leaves list items open
            continue
        while items and column < items[-1]:
            items.pop()
        base = items[-1] if items else 0
        if column - base > MAX_INDENT:
            index += 1
            continue
        marker = _LIST_MARKER.match(line, offset)
        if marker is not None:
            after_marker = _column_after(line[: marker.start("space")])
            spaces = _column_after(line[: marker.end()]) - after_marker
            items.append(after_marker + (spaces if 1 <= spaces <= 4 else 1))
            offset = marker.end()
            if offset == len(line):
                index += 1
                continue
            base = items[-1]
        if line.startswith("<!--", offset) and not commented:
            end = _comment_end(lines, index, offset + 4, stop)
            yield from _fences(lines, index + 1, end, True)
            index = end + 1
            continue
        opening = _OPENING.match(line, offset)
        if opening is None or (opening["mark"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        fence = _block(lines, index, stop, base, opening["mark"], opening["info"].strip(), commented)
        yield fence
        index = fence.last + 1


def _block(lines: Sequence[str], opened: int, stop: int, base: int, mark: str, info: str, commented: bool) -> Fence:
    for index in range(opened + 1, stop):
        line = lines[index]
        column, offset = _columns(line)
        if offset == len(line):
            continue
        if column < base:
            return Fence(opened, index, info, mark, "item", commented)  # the list item holding it ended
        closing = _CLOSING.match(line, offset)
        if (closing is not None and column - base <= MAX_INDENT and closing["mark"][0] == mark[0]
                and len(closing["mark"]) >= len(mark)):
            return Fence(opened, index, info, mark, "fence", commented)
    return Fence(opened, stop, info, mark, "comment" if commented else "document", commented)


def _comment_end(lines: Sequence[str], opened: int, offset: int, stop: int) -> int:
    """The index of the line that ends an HTML comment opened on line `opened` (`stop`: none does)."""
    if "-->" in lines[opened][offset:]:
        return opened
    return next((index for index in range(opened + 1, stop) if "-->" in lines[index]), stop)


def fenced_lines(lines: Sequence[str]) -> frozenset[int]:
    """The 0-based indices of the lines that belong to fenced code blocks, their fence lines included."""
    return frozenset(index for fence in fences(lines) for index in range(fence.opened, fence.last + 1))


__all__ = ["Fence", "fenced_lines", "fences"]
