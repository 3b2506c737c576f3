"""Markdown fenced code blocks, read by CommonMark's rules, for every reader of Markdown (prose.py's paragraphs and
device reports, doc_commands.py's shell blocks, notebooks' Markdown cells through prose.py).

CommonMark (0.31, "Fenced code blocks"): a fence is a line of at least three backticks or three tildes, indented
by at most three spaces, followed by an info string (`bash title="run.sh"`), which after backticks may not hold a
backtick (that line is inline code). The block ends at a line of the same character, at least as long, indented
by at most three spaces and followed by nothing but spaces or tabs; a shorter or other-character fence inside is
content (a ```` block can show a ``` one). A block never closed runs to the end of the document.

Containers ("Container blocks") are followed: block quotes (`> ```bash`) and list items. Indentation counts from
the innermost container's content column (after `1. ` or `> `). A line continues a block quote when it holds its
`>`, and a list item when it is blank or indented to the item's content column; a line that does not continue them
ends them (and a fence open inside them), unless it is a lazy continuation of a paragraph (CommonMark's "paragraph
continuation text": text, not a fence, list item, quote, heading, break or HTML, after a paragraph line). Inside a
block quote, a fence's body lines are given with the quote markers blanked (`Fence.quoted`), so columns stay the
document's. An HTML block such as `<details>` is not followed: the fences inside it (after a blank line, as
CommonMark wants them) are read as any other. An HTML comment (`<!--` at the start of a line, to the line holding
`-->`) is an HTML block: a fence line inside it neither opens nor closes a block outside it; its fences are read on
their own, as `commented`, and its end ends them. Tabs advance to the next multiple of four columns.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

_OPENING = re.compile(r"(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
_CLOSING = re.compile(r"(?P<mark>`{3,}|~{3,})[ \t]*$")
# A list item's marker and the spaces after it (1 to 4 of them; with more, the content starts one space after it).
_LIST_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?P<space>[ \t]+|$)")
# A thematic break (`---`, `* * *`): no list item, though it starts like one.
_THEMATIC_BREAK = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
# Other blocks that interrupt a paragraph: an ATX heading, an HTML block.
_BLOCK_START = re.compile(r"#{1,6}(?:[ \t]|$)|<")
MAX_INDENT = 3  # more, and the line is an indented code block's (or a list item's content)
# Containers open at once, at most (markdown-it's nesting limit): on a line of a million `>`, the rest is text.
MAX_NESTING = 100


@dataclass(frozen=True)
class Fence:
    """One fenced code block, by 0-based line index: its opening line and its body `[opened + 1, end)`; line `end`
    is what ended it (`ended_by`): its closing fence, the line that ended the container (list item, block quote)
    holding it, or the end of the document (`end == len(lines)`)."""

    opened: int
    end: int
    info: str  # the info string, stripped (`bash title="x"`)
    mark: str  # the opening fence (```, ~~~~...)
    ended_by: str  # "fence", "item" (the list item or block quote holding it ended), "comment" or "document"
    commented: bool = False  # inside an HTML comment: not shown to a reader of the rendered document
    quoted: tuple[str, ...] = ()  # in a block quote: the body's lines with the quote markers blanked

    @property
    def body(self) -> range:
        return range(self.opened + 1, self.end)

    def body_lines(self, lines: Sequence[str]) -> Iterator[tuple[int, str]]:
        """(index, text) of the body's lines as the block holds them: a quoted block's without its `>` markers."""
        if self.quoted:
            yield from zip(self.body, self.quoted)
        else:
            yield from ((index, lines[index]) for index in self.body)

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


@dataclass(frozen=True)
class _Container:
    quote: bool  # a block quote (else a list item)
    base: int  # the column its content starts at


@dataclass(frozen=True)
class _Line:
    """Where a line's text starts once the containers it continues (or opens) are passed."""

    matched: int  # how many of the open containers it continues
    offset: int
    column: int
    quoted: int  # the offset after its last block-quote marker (0: none)

    def blank(self, line: str) -> bool:
        return self.offset == len(line)


def _skip_blanks(line: str, offset: int, column: int) -> tuple[int, int]:
    """(offset, column) of the first character from `offset` on that is no space or tab."""
    while offset < len(line):
        char = line[offset]
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
        offset += 1
    return offset, column


def _continued(line: str, containers: Sequence[_Container], quotes: Sequence[int]) -> _Line:
    """How many of the open containers the line continues, and where its text starts after them (`quotes`: the
    indices of the block quotes among them). Each character is looked at once, and a blank line (or rest of a line,
    after a `>`) goes on with the list items up to the next block quote without a loop over them."""
    at, col = _skip_blanks(line, 0, 0)
    if at == len(line):
        return _Line(quotes[0] if quotes else len(containers), at, col, 0)
    quoted = matched = 0
    for container in containers:
        if container.quote:
            parent = containers[matched - 1].base if matched else 0
            if line[at] != ">" or col - parent > MAX_INDENT:
                break
            quoted = at + 1
            at, col = _skip_blanks(line, at + 1, col + 1)
            if at == len(line):
                after = bisect.bisect_right(quotes, matched)
                return _Line(quotes[after] if after < len(quotes) else len(containers), at, col, quoted)
        elif col < container.base:
            break  # a list item goes on over lines indented to its content
        matched += 1
    return _Line(matched, at, col, quoted)


def _opened(line: str, start: _Line, containers: list[_Container], quotes: list[int]) -> _Line:
    """Opens the block quotes and list items that start the line's text (appended to `containers`, the quotes'
    indices to `quotes`)."""
    offset, column, quoted = start.offset, start.column, start.quoted
    while offset < len(line) and len(containers) < MAX_NESTING:
        base = containers[-1].base if containers else 0
        if column - base > MAX_INDENT:
            break
        marker = _LIST_MARKER.match(line, offset)
        if line[offset] == ">":
            spaced = offset + 1 < len(line) and line[offset + 1] in " \t"
            quotes.append(len(containers))
            containers.append(_Container(True, column + 1 + spaced))  # `>` and one optional space
            offset, column, quoted = offset + 1, column + 1, offset + 1
        elif marker is not None and not _THEMATIC_BREAK.match(line, offset):
            after_marker = column + marker.start("space") - offset
            offset, column = _skip_blanks(line, marker.start("space"), after_marker)
            spaces = column - after_marker if offset < len(line) else 0
            containers.append(_Container(False, after_marker + (spaces if 1 <= spaces <= 4 else 1)))
        else:
            break
        offset, column = _skip_blanks(line, offset, column)
    return _Line(len(containers), offset, column, quoted)


def _interrupts(line: str, start: _Line, containers: Sequence[_Container]) -> bool:
    """Whether the text of a line that does not continue every open container starts a block (so is no lazy
    continuation of a paragraph, and ends them)."""
    base = containers[start.matched - 1].base if start.matched else 0
    if start.column - base > MAX_INDENT:
        return False  # an indented code block cannot interrupt a paragraph
    offset = start.offset
    return (line[offset] == ">" or _LIST_MARKER.match(line, offset) is not None
            or _OPENING.match(line, offset) is not None or _BLOCK_START.match(line, offset) is not None
            or _THEMATIC_BREAK.match(line, offset) is not None)


def fences(lines: Sequence[str]) -> Iterator[Fence]:
    """The fenced code blocks of a Markdown document's lines, in order, those inside HTML comments included (as
    `commented`: to CommonMark the comment is raw HTML, but what it holds is a block the author commented out)."""
    return _fences(lines, 0, len(lines), False)


def _fences(lines: Sequence[str], index: int, stop: int, commented: bool) -> Iterator[Fence]:
    """The fences of lines `[index, stop)`; the end of the range ends a fence open in it (an HTML comment's)."""
    containers: list[_Container] = []  # the open block quotes and list items, innermost last
    quotes: list[int] = []  # the indices of the block quotes among them
    paragraph = False  # the line before was a paragraph's (a lazy line may continue it)
    while index < stop:
        line = lines[index]
        start = _continued(line, containers, quotes)
        if start.matched < len(containers):
            if paragraph and not start.blank(line) and not _interrupts(line, start, containers):
                index += 1  # a lazy continuation line: the paragraph, and its containers, go on
                continue
            del containers[start.matched:]
            while quotes and quotes[-1] >= start.matched:
                quotes.pop()
        if start.blank(line):
            paragraph = False
            index += 1  # a blank line leaves list items open
            continue
        start = _opened(line, start, containers, quotes)
        base = containers[-1].base if containers else 0
        if start.blank(line) or start.column - base > MAX_INDENT:
            paragraph = paragraph and not start.blank(line)  # an indented line continues a paragraph
            index += 1
            continue
        offset = start.offset
        if line.startswith("<!--", offset) and not commented:
            end = _comment_end(lines, index, offset + 4, stop)
            yield from _fences(lines, index + 1, end, True)
            paragraph = False
            index = end + 1
            continue
        opening = _OPENING.match(line, offset)
        if opening is None or (opening["mark"][0] == "`" and "`" in opening["info"]):
            paragraph = _BLOCK_START.match(line, offset) is None and _THEMATIC_BREAK.match(line, offset) is None
            index += 1
            continue
        fence = _block(lines, index, stop, containers, quotes, opening["mark"], opening["info"].strip(), commented)
        yield fence
        paragraph = False
        index = fence.last + 1


def _block(lines: Sequence[str], opened: int, stop: int, containers: Sequence[_Container], quotes: Sequence[int],
           mark: str, info: str, commented: bool) -> Fence:
    base = containers[-1].base if containers else 0
    quoted: list[str] | None = [] if quotes else None
    for index in range(opened + 1, stop):
        line = lines[index]
        start = _continued(line, containers, quotes)
        if start.matched < len(containers):
            return Fence(opened, index, info, mark, "item", commented, tuple(quoted or ()))  # its container ended
        closing = None if start.blank(line) else _CLOSING.match(line, start.offset)
        if (closing is not None and start.column - base <= MAX_INDENT and closing["mark"][0] == mark[0]
                and len(closing["mark"]) >= len(mark)):
            return Fence(opened, index, info, mark, "fence", commented, tuple(quoted or ()))
        if quoted is not None:
            quoted.append(line[: start.quoted].replace(">", " ") + line[start.quoted :])
    return Fence(opened, stop, info, mark, "comment" if commented else "document", commented, tuple(quoted or ()))


def _comment_end(lines: Sequence[str], opened: int, offset: int, stop: int) -> int:
    """The index of the line that ends an HTML comment opened on line `opened` (`stop`: none does)."""
    if "-->" in lines[opened][offset:]:
        return opened
    return next((index for index in range(opened + 1, stop) if "-->" in lines[index]), stop)


def fenced_lines(lines: Sequence[str]) -> frozenset[int]:
    """The 0-based indices of the lines that belong to fenced code blocks, their fence lines included."""
    return frozenset(index for fence in fences(lines) for index in range(fence.opened, fence.last + 1))


__all__ = ["Fence", "fenced_lines", "fences"]
