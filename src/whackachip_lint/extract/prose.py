"""Declared hardware in Markdown, reStructuredText, plain text and committed logs.

Two kinds of evidence, kept apart from code evidence (rules tagged "docs", off with `--no-docs`):

- WAC713: GPUs listed in `nvidia-smi` tables, `nvidia-smi -L` lines and device reports
  ("Using device: NVIDIA A100-SXM4-80GB") anywhere, code blocks included: output records a machine.
- WAC712: accelerator names in prose. Precision over recall: a sentence is a declaration (`enabled`)
  only when it says a run was trained on the hardware ("trained on 64 H800 GPUs", "Training took 21 days
  on 2048 H800s", a "Hardware: 8x A100 80GB" line) and carries no hedge, requirement or comparison
  ("requires", "tested", "peak", "can", "e.g.", "upstream"...). Every other mention is `mentioned`:
  tables of peak FLOPs, error strings, support lists, hypotheticals. Code blocks are not prose and give
  no WAC712 finding; table rows count only when their first cell is a hardware label.

Notebooks use it too (extract/notebook.py): `extract_lines` reads Markdown cells, `find_smi` cell outputs.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from ..evidence import RawFinding, Span, State
from . import Source, gpunames
from .fences import fenced_lines
from ..rules.codes import Code

# --- nvidia-smi output and device reports --------------------------------------------------------------------
_SMI_HEADER = re.compile(r"NVIDIA-SMI\s+\d")
# Every pattern here runs in time linear in the line (a hostile README or log is the normal input, issue 19): no
# unbounded lazy run before a literal that may be missing (a name is at most NAME_MAX characters and holds no
# column bar or parenthesis), and no two adjacent unbounded runs of the same characters.
NAME_MAX = 80
_SMI_ROW = re.compile(r"\|\s*(?P<index>\d+)\s+(?P<name>\S[^|]{0,%d}?)\s+(?:On|Off)\s+\|" % NAME_MAX)
_SMI_LIST = re.compile(r"\bGPU\s+(?P<index>\d+):\s+(?P<name>\S[^()]{0,%d}?)\s+\(UUID:" % NAME_MAX)
_DEVICE_REPORT = re.compile(
    r"\b(?:(?:CUDA|GPU|cuda|gpu)\s+)?(?:[Dd]evice|GPU)(?:[ _]name)?(?:[ \t]{0,4}\d+)?[ \t]{0,4}[:=][ \t]{0,4}['\"]?"
    r"(?P<name>(?:NVIDIA|Tesla)[^'\"\n,;)]*)"
)
SMI_WINDOW = 200  # lines after a header that may hold its table rows
_CSV_HEADER = re.compile(r"^\s*name\s*(?:,|$)")  # nvidia-smi --query-gpu=name,... --format=csv
_DEVICE_PROPS = re.compile(r"_CudaDeviceProperties\(name='(?P<name>[^']+)'")
_BARE_NAME = re.compile(r"['\"]?(?P<name>(?:NVIDIA|Tesla|Quadro|GeForce)\b[^'\"]*)['\"]?")  # on a stripped line

# --- prose --------------------------------------------------------------------------------------------------
_TRAIN_CUE = re.compile(
    r"\b(?:(?:pre-?|re-?|co-?)?train(?:ed|ing|s)?|fine-?tun(?:ed|ing|es?)|finetun(?:ed|ing|es?)|SFT|RLHF|DPO)\b"
    r"|训练|微调",  # Chinese READMEs: "train", "fine-tune" (no word edges between CJK characters)
    re.I,
)
_PLACE = re.compile(r"\b(?:on|using|with|across|over|by|via)\b|在|使用|基于|采用|用", re.I)
# "在 64 张 H800 上训练" (trained on 64 H800s): the place comes before the name and the verb after it.
_CJK_PLACE = re.compile(r"(?:在|使用|基于|采用|用)[^。！？；]{0,12}$")
_CJK_PLACE_MAX = 2 + 12  # the longest text _CJK_PLACE can match (it ends where the name starts)
# "Training time is ~42h in 64 V100 GPUs": "in" places a run only right before a device count, never alone ("the
# training code is in train.py; H100 users ...").
_IN_COUNT = re.compile(r"\bin\s+(?:\d{1,3}(?:,\d{3})+|\d{1,6})\s*(?:[xX×*]\s*)?$", re.I)
_IN_COUNT_REACH = 20  # the longest text _IN_COUNT can match
# "assumes a single machine with 8xA100 80GB", "configured for a node of 8 x H100s": the machine a documented set-up
# is written for, its devices right after "with"/"of" (outside sections about requirements, support or inference).
_MACHINE_OF = re.compile(r"\b(?:machines?|nodes?|servers?|instances?)\s+(?:with|of)\s+(?:\d{1,6}\s*(?:[xX×*]\s*)?)?$",
                         re.I)
_MACHINE_OF_REACH = 32  # the longest text _MACHINE_OF needs ("instances with 100000 x ")
_USE_VERB = re.compile(r"\b(?:used|using|use|uses|utili[sz](?:ed|ing)|ran|run|took|takes|spent|consumed)\b", re.I)
# "Our runs used 8x V100", "All experiments run on 4x RTX 4090": a run named, then a verb of use after it.
_RUN_CUE = re.compile(r"\b(?:runs?|experiments?|jobs?)\b", re.I)
# Words that make a sentence anything but a statement of the hardware a run used.
_HEDGE = re.compile(
    r"\b(?:t?flops|peak|requir\w*|error|exception|fail\w*|not|never|no|without|tested|test|testing|benchmark\w*|"
    r"inference|serving|serve|deploy\w*|recommend\w*|least|minimum|minimal|e\.g|such as|if|whether|can|could|"
    r"should|may|might|must|need\w*|support\w*|compatib\w*|expect\w*|would|estimat\w*|vs|versus|compar\w*|"
    r"faster|slower|speed\w*|throughput|cost\w*|pric\w*|fits?|oom|upstream|original\w*|official|"
    r"plan\w*|will|future|soon|todo|available|rent\w*|buy\w*|purchas\w*)\b|\?|n't\b"
    r"|需要|要求|支持|推理|测试|建议|至少|可以|峰值|如果|例如|对比|比较|部署|吗",
    re.I,
)
_LABEL = re.compile(
    r"^[\s>*_\-+|:]*(?:training\s+)?(?:hardware|gpus?|npus?|tpus?|accelerators?|compute|devices?|infrastructure|"
    r"cluster)(?:\s+(?:used|type))?[\s*_]*(?:[:：|]|$)",
    re.I,
)
_NOT_DECLARING_SECTION = re.compile(
    r"requir|prerequisite|install|setup|set-up|getting started|support|inference|deploy|serv|benchmark|performance|"
    r"speed|throughput|faq|troubleshoot|known issue|limitation|hardware requirement|compatib|usage|quick ?start",
    re.I,
)
# Sections of news, changelogs and blog lists report events (a release, a Colab notebook on a free T4, another
# team's run), not the hardware this repository's training used: nothing in them is a declaration.
_EVENT_SECTION = re.compile(
    r"\bnews\b|change ?log|release notes|what'?s new|\bupdates\b|\bblogs?\b|更新|新闻|动态|ニュース|noticias|nouvelles",
    re.I,
)
_COUNT_BEFORE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d{1,6})\s*(?:[xX×*]\s*|[张块台卡个]\s*)?$")
_COUNT_MAX = 40  # a count ("2,048 x ") sits right before the name
_COUNT_AFTER = re.compile(r"^\s*(?:GPUs?|NPUs?|chips?|cards?)?\s*[x×*]\s*(\d{1,6})\b")
# Links, HTML tags, backticks and HTML character references: vendor READMEs write "Instinct&trade;" and "&reg;",
# whose ";" would otherwise end the sentence before the name.
_MASK = re.compile(r"https?://\S+|\]\([^()\s]*\)|<[^<>\n]*>|`|&(?:[A-Za-z]{2,8}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_NO_SPLIT_AFTER = frozenset({"e.g", "i.e", "etc", "vs", "approx", "ca", "fig", "no", "cf", "al"})
_NO_SPLIT_WINDOW = 1 + max(map(len, _NO_SPLIT_AFTER))  # "(" and the longest of those words
# A sentence is read once, however many names it holds: its cue words are located once (_Cues) and each mention
# looks them up; only these short, fixed windows around a mention are read again per mention.
LABEL_REACH = 200  # a "Hardware:" label counts for the names in the first LABEL_REACH characters of its sentence
CONTEXT_AFTER = 40  # where a count after the name ("H800 x 8") can be
HEADING_MAX = 200  # of a section title, what decides whether the section can declare hardware
_SENTENCE_END = re.compile(r"(?<![.!?;])[.!?;]+(?=\s|$)|[。！？；]")  # from the start of a run of marks only

# Sentences without a cheap hit cannot name an accelerator (see gpunames.CHEAP).
_CHEAP = gpunames.CHEAP
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_UNDERLINE = re.compile(r"^\s*([=\-~^\"'`#*+])\1{2,}\s*$")
_RST_CODE = re.compile(r"^\s*\.\.\s+(?:code-block|code|sourcecode)::|::\s*$")


@dataclass
class _Paragraph:
    """Prose lines joined by single spaces, with a map back to (line, column).

    Built in time linear in its length (the pieces are joined once), and a position is found by bisection: a
    paragraph of 100,000 lines with a mention on each costs no more per mention than a short one.
    """

    heading: str
    parts: list[tuple[int, int, int]] = field(default_factory=list)  # (offset in text, line, 0-based column)
    mode: str = "prose"  # or "row" (a table row) or "heading"
    _pieces: list[str] = field(default_factory=list)
    _length: int = 0
    _text: str | None = None

    def add(self, number: int, column: int, text: str) -> None:
        if self._pieces:
            self._length += 1
        self.parts.append((self._length, number, column))
        self._pieces.append(text)
        self._length += len(text)
        self._text = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = " ".join(self._pieces)
        return self._text

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based column of a paragraph offset."""
        index = bisect.bisect_right(self.parts, (offset, float("inf"))) - 1
        start, number, column = self.parts[max(index, 0)]
        return (number, column + offset - start) if index >= 0 else (number, column)


def extract(source: Source) -> Iterator[RawFinding]:
    # Lazily: the scan stops reading at its cap per file. The text is searched before it is split into lines:
    # a document without a name is never split.
    return _read(source.text, lambda: source.lines, source.kind, source.known_lines)


def extract_lines(lines: list[str], kind: str = "markdown") -> Iterator[RawFinding]:
    """Findings for the lines of one document of `kind` (markdown, rst, text, log)."""
    text_lines = list(lines)
    return _read("\n".join(text_lines), lambda: text_lines, kind)


def _read(text: str, get_lines: Callable[[], list[str]], kind: str, known: dict[int, str] | None = None
          ) -> Iterator[RawFinding]:
    """At I/O speed where it can (issue 13): the text is searched once, in C, for the literals every accelerator
    name holds (NAME_LITERALS) and for the markers of tool output; a document with neither is done. A log's lines
    are independent (each is its own paragraph), so in a log only the lines holding a literal are read further,
    unless it holds nvidia-smi or CSV output, whose rows need the lines around them; those lines are cut out of the
    text and noted in `known` (the source's `known_lines`). Lines end at LF (a CR before it is part of the break),
    as `get_lines()` splits them."""
    lower = text.lower()
    hits = _literal_lines(lower)
    tool_output = (any(marker in lower for marker in _OUTPUT_MARKERS) or _SMI_HEADER.search(text) is not None
                   or _has_csv_header(text))
    if not hits and not tool_output:
        return
    numbered: Iterable[tuple[int, str]]
    if kind == "log" and not tool_output:
        numbered = _hit_lines(text, lower, hits, get_lines)
        if known is not None:
            known.update(numbered)  # the lines findings are on: their snippets need no split of the whole log
    else:
        numbered = list(enumerate(get_lines(), start=1))
    consumed: set[int] = set()
    code = _fenced(numbered) if kind == "markdown" else frozenset()
    prose = frozenset(n for n, _ in numbered if n not in code) if kind == "markdown" else frozenset()
    yield from _find_smi(numbered, consumed, prose=prose)
    for paragraph in _paragraphs(numbered, kind, consumed, code):
        yield from _prose_findings(paragraph)


# Every accelerator name gpu_names.json matches holds one of these (lower case), and so does every GPU name in
# nvidia-smi output but the rows of its table (_OUTPUT_MARKERS). A family added to the table needs its literal
# here (tests/extract/test_prose_speed.py checks each family's name).
NAME_LITERALS = ("v100", "p100", "k80", "t4", "a10", "a30", "a40", "a800", "6000", "3090", "4090", "5090", "l4",
                 "l20", "h100", "h800", "h20", "b100", "b200", "b300", "mi100", "mi210", "mi250", "mi300", "mi325",
                 "mi355", "910", "gaudi", "hl-", "tpu", "trillium", "trainium", "inferentia", "apple", "m1", "m2",
                 "m3", "m4")
# Tool output that names GPUs the table may not know (`nvidia-smi -L` lines, device properties); an nvidia-smi
# table is known by its header (_SMI_HEADER: not the command's name, which READMEs and logs often write).
_OUTPUT_MARKERS = ("(uuid:", "_cudadeviceproperties")
# A line _CSV_HEADER matches (`--query-gpu=name` CSV, whose rows need it): at the start of the text, or after a line
# break, the literal `re` then looks for. Not the word "name" alone: most documents and logs hold it (`filename`,
# `model_name`), and a log holding it was read line by line, a document without a name split, for nothing.
_CSV_HEADER_FIRST = re.compile(r"[^\S\n]*name[^\S\n]*(?:,|$)", re.M)
_CSV_HEADER_NEXT = re.compile(r"\n[^\S\n]*name[^\S\n]*(?:,|$)", re.M)


def _has_csv_header(text: str) -> bool:
    return _CSV_HEADER_FIRST.match(text) is not None or _CSV_HEADER_NEXT.search(text) is not None


@lru_cache(maxsize=1)
def _literal_pattern() -> re.Pattern[str]:
    # One pass of a prefix-tree pattern instead of one `find` pass per literal: measured 2x faster on a 50 MB log.
    from ..prefilter import trie_regex

    return re.compile(trie_regex(sorted(NAME_LITERALS)))


def _literal_lines(lower: str) -> list[tuple[int, int]]:
    """(number, offset) of the lines of `lower` that hold one of NAME_LITERALS: their 1-based numbers, ascending,
    and where each starts."""
    found: list[tuple[int, int]] = []
    line, done, position = 1, 0, 0
    search = _literal_pattern().search
    while True:
        match = search(lower, position)
        if match is None:
            return found
        line += lower.count("\n", done, match.start())
        done = match.start()
        found.append((line, lower.rfind("\n", 0, done) + 1))
        position = lower.find("\n", match.end())  # the rest of a line adds nothing
        if position < 0:
            return found


def _hit_lines(text: str, lower: str, hits: list[tuple[int, int]], get_lines: Callable[[], list[str]]
               ) -> list[tuple[int, str]]:
    """The lines of a log that hold a literal, cut out of the text where they start (a 50 MB log is not split into
    its million lines for the few that matter), as `get_lines()` gives them: ending at LF, a CR before it dropped.
    Where lower-casing changed the text's length (a few characters lower-case to two), offsets in `lower` are not
    offsets in `text`: then the lines are split."""
    if len(lower) != len(text):
        lines = get_lines()
        return [(number, lines[number - 1]) for number, _start in hits]
    out = []
    for number, start in hits:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        out.append((number, line[:-1] if end >= 0 and line.endswith("\r") else line))
    return out


# --- nvidia-smi -------------------------------------------------------------------------------------------------
def find_smi(lines: list[str], consumed: set[int], bare: bool = False) -> Iterator[RawFinding]:
    """One WAC713 finding per GPU name per table (at its first row), with the row count; `-L` lines and reports likewise.

    Read: `nvidia-smi` tables, `nvidia-smi -L` lines, `nvidia-smi --query-gpu=name --format=csv` output (after its
    `name` header), device reports ("Using device: NVIDIA ..."), `_CudaDeviceProperties(name='...')` reprs, and,
    with `bare` (a notebook cell that asked for the device name), lines that are only a GPU name.
    The numbers of the lines read as output go into `consumed` (they are not prose).
    """
    yield from _find_smi(enumerate(lines, start=1), consumed, bare)


def _fenced(numbered: list[tuple[int, str]]) -> frozenset[int]:
    """The numbers of a Markdown document's lines in fenced code blocks (fence lines too); the others are prose,
    where "GPU: NVIDIA A100" is a statement of the author's (a weak declaration), not a device report a program
    printed."""
    return frozenset(numbered[index][0] for index in fenced_lines([line for _, line in numbered]))


def _find_smi(numbered: Iterable[tuple[int, str]], consumed: set[int], bare: bool = False,
              prose: frozenset[int] = frozenset()) -> Iterator[RawFinding]:
    window_end = csv_end = 0
    table: dict[str, list] = {}
    for number, line in numbered:
        vendor_word = "NVIDIA" in line or "Tesla" in line
        if not (vendor_word or number <= csv_end or "|" in line or "name" in line):
            continue  # every form read here has one of these (cheap skip for long logs)
        if "NVIDIA-SMI" in line and _SMI_HEADER.search(line):
            yield from _flush(table)
            window_end = number + SMI_WINDOW
            continue
        if _CSV_HEADER.match(line):
            csv_end = number + SMI_WINDOW
            continue
        if number <= csv_end:
            field = line.split(",", 1)[0].strip()
            if field and gpunames.first(field, loose=False):
                _note(table, field, number, line.index(field), "nvidia-smi --query-gpu")
                consumed.add(number)
                continue
            csv_end = 0
        if number <= window_end:
            row = _SMI_ROW.search(line)
            if row and not row.group("name").startswith(("Name", "GPU")):
                _note(table, row.group("name"), number, row.start("name"), "nvidia-smi table")
                consumed.add(number)
                continue
        if not vendor_word and "GPU" not in line:
            continue
        found = _other_forms(line, bare, report=number not in prose)
        if found:
            name, column, how = found
            _note(table, name, number, column, how)
            consumed.add(number)
    yield from _flush(table)


def _other_forms(line: str, bare: bool, report: bool = True) -> tuple[str, int, str] | None:
    listed = _SMI_LIST.search(line) if "UUID" in line else None
    if listed:
        return listed.group("name"), listed.start("name"), "nvidia-smi -L"
    props = _DEVICE_PROPS.search(line)
    if props:
        return props.group("name"), props.start("name"), "device properties"
    found = _DEVICE_REPORT.search(line) if report else None
    if found and gpunames.first(found.group("name"), loose=False):
        name = found.group("name")
        # The name stops at a ")": "NVIDIA A100-SXM4-80GB (cuda:0)" leaves an unclosed "(cuda:0", not the name's.
        name = name[: name.rfind("(")] if name.rfind("(") > name.rfind(")") else name
        return name.strip(), found.start("name"), "device report"
    only = _BARE_NAME.fullmatch(line.strip()) if bare else None
    if only and gpunames.first(only.group("name"), loose=False):
        indent = len(line) - len(line.lstrip())
        return only.group("name").rstrip(), indent + only.start("name"), "device name"
    return None


def _note(table: dict[str, list], name: str, number: int, column: int, how: str) -> None:
    name = name.strip()
    if name in table:
        table[name][3] += 1
    else:
        table[name] = [number, column, how, 1]


def _flush(table: dict[str, list]) -> Iterator[RawFinding]:
    for name, (number, column, how, count) in table.items():
        ids = gpunames.smi_name_ids(name.rstrip(". "))
        mention = gpunames.first(name, loose=False)
        props: dict = {"source": how, "count": count}
        if mention is not None:
            props.update(mention.properties())
        if ids:
            props["catalog_ids"] = " ".join(ids)
        span = Span(number, column + 1, number, column + 1 + len(name))
        yield RawFinding(Code.NVIDIA_SMI_OUTPUT, name, State.ENABLED, span, f"listed in {how} output", props)
    table.clear()


# --- prose --------------------------------------------------------------------------------------------------
def _paragraphs(numbered: Iterable[tuple[int, str]], kind: str, consumed: set[int],
                code: frozenset[int] = frozenset()) -> Iterator[_Paragraph]:
    """The paragraphs of the lines; `code` (the numbers of Markdown code block lines) ends a paragraph and is no
    prose."""
    heading = ""
    current = _Paragraph(heading)
    rst_literal_indent: int | None = None
    for number, raw in numbered:
        line = _MASK.sub(lambda m: " " * len(m.group()), raw)
        stripped = line.strip()
        if number in code:
            yield from _done(current)
            current = _Paragraph(heading)
            continue
        if number in consumed:
            continue
        if kind == "rst":
            indent = len(raw) - len(raw.lstrip())
            if rst_literal_indent is not None:
                if not stripped or indent > rst_literal_indent:
                    continue
                rst_literal_indent = None
            if _RST_CODE.search(raw):
                rst_literal_indent = indent
        if kind == "log" or not stripped or _UNDERLINE.match(raw):
            if kind in ("rst", "text") and _UNDERLINE.match(raw) and current.parts:
                heading = current.text[:HEADING_MAX]
                current = _Paragraph(heading)
                continue
            yield from _done(current)
            current = _Paragraph(heading)
            if kind != "log" or not stripped:
                continue
        heading_match = _MD_HEADING.match(line) if kind == "markdown" else None
        if heading_match:
            yield from _done(current)
            heading = heading_match.group(1)[:HEADING_MAX]
            one = _Paragraph(heading)
            one.add(number, heading_match.start(1), heading_match.group(1))
            one.mode = "heading"  # a heading states nothing by itself
            yield one
            current = _Paragraph(heading)
            continue
        is_row = stripped.startswith("|")
        if is_row or _LIST_ITEM.match(line) or kind == "log":
            yield from _done(current)
            current = _Paragraph(heading)
            current.mode = "row" if is_row else "prose"
        start = len(line) - len(line.lstrip())
        current.add(number, start, line.strip())
        if is_row or kind == "log":
            yield from _done(current)
            current = _Paragraph(heading)
    yield from _done(current)


def _done(paragraph: _Paragraph) -> Iterable[_Paragraph]:
    return [paragraph] if paragraph.parts else []


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == "." and _word_before(text, m.start()).lstrip("(") in _NO_SPLIT_AFTER:
            continue
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _word_before(text: str, end: int) -> str:
    """The lower-cased word that ends at `end`, if it is short enough to be one of _NO_SPLIT_AFTER (else "")."""
    lo = max(0, end - _NO_SPLIT_WINDOW)
    window = text[lo:end].rsplit(None, 1)
    if not window:
        return ""
    if len(window) == 1 and lo > 0 and not text[lo - 1].isspace():
        return ""  # the word is longer than the window
    return window[-1].lower()


def _prose_findings(paragraph: _Paragraph) -> Iterator[RawFinding]:
    text = paragraph.text
    declares_section = not _NOT_DECLARING_SECTION.search(paragraph.heading)
    reports_events = _EVENT_SECTION.search(paragraph.heading) is not None
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        if not _CHEAP.search(sentence):
            continue
        cues = None
        for mention in gpunames.find(sentence):  # lazily: a consumer that stops early stops the work too
            if cues is None:  # what holds for the whole sentence, once
                hedged = _HEDGE.search(sentence)
                cues = _Cues(sentence)
                labelled_row = False
                if paragraph.mode == "row":
                    first_cell = sentence.strip().strip("|").split("|", 1)[0]
                    labelled_row = bool(_LABEL.match(first_cell + ":")) and declares_section and not hedged
            if paragraph.mode == "heading" or reports_events:
                declared = False
            elif paragraph.mode == "row":
                declared = labelled_row
            else:
                declared = not hedged and _declares(sentence, mention.start, cues, declares_section)
            props = mention.properties()
            count = _count(sentence[max(0, mention.start - _COUNT_MAX) : mention.start],
                           sentence[mention.end : mention.end + CONTEXT_AFTER])
            if count:
                props["count"] = count
            line, column = paragraph.position(s_start + mention.start)
            end_line, end_column = paragraph.position(s_start + mention.end - 1)
            span = Span(line, column + 1, end_line, end_column + 2)
            name = " ".join(mention.text.split())  # a masked "&trade;" leaves a run of spaces
            if declared:
                yield RawFinding(Code.DECLARED_HARDWARE, name, State.ENABLED, span, "stated as the hardware a run used", props)
            else:
                yield RawFinding(Code.DECLARED_HARDWARE, name, State.MENTIONED, span, "named, not stated as training hardware",
                                 props)


class _Cues:
    """Where a sentence's training cues, place words and use verbs are: found once per sentence, then looked up
    per mention by bisection (the matches of one pattern do not overlap, so their starts and ends both ascend)."""

    def __init__(self, sentence: str) -> None:
        self.train = [(m.start(), m.end()) for m in _TRAIN_CUE.finditer(sentence)]
        self.train_ends = [end for _, end in self.train]
        self.places = [(m.start(), m.end()) for m in _PLACE.finditer(sentence)]
        self.place_starts = [start for start, _ in self.places]
        self.uses = [(m.start(), m.end()) for m in _USE_VERB.finditer(sentence)]
        self.use_starts = [start for start, _ in self.uses]
        self.first_use_end = self.uses[0][1] if self.uses else None
        self.first_run_end = next((m.end() for m in _RUN_CUE.finditer(sentence)), None)


def _declares(sentence: str, at: int, cues: _Cues, declares_section: bool) -> bool:
    """Whether the sentence states the mention starting at `at` as hardware a run used: the last training cue
    before it followed by a place word ("trained ... on") or by "in" and a count right before the name ("Training
    time is ~42h in 64 V100 GPUs"), a use verb before it in a sentence about training, a
    Chinese place word right before it with the cue after, a run named and then a use verb ("Our runs used 8x
    V100"), the machine a set-up is written for ("a single machine with 8xA100"), or a "Hardware:" label opening
    the sentence."""
    last = bisect.bisect_right(cues.train_ends, at) - 1
    if last >= 0:
        after_cue = bisect.bisect_left(cues.place_starts, cues.train[last][1])
        if after_cue < len(cues.places) and cues.places[after_cue][1] <= at:
            return True
        if _IN_COUNT.search(sentence, max(cues.train[last][1], at - _IN_COUNT_REACH), at):
            return True
    if cues.train and cues.first_use_end is not None and cues.first_use_end <= at:
        return True
    if cues.train and cues.train[-1][0] >= at and _CJK_PLACE.search(sentence[max(0, at - _CJK_PLACE_MAX) : at]):
        return True
    if cues.first_run_end is not None and cues.first_run_end <= at:
        after_run = bisect.bisect_left(cues.use_starts, cues.first_run_end)
        if after_run < len(cues.uses) and cues.uses[after_run][1] <= at:
            return True
    if declares_section and _MACHINE_OF.search(sentence, max(0, at - _MACHINE_OF_REACH), at):
        return True
    return declares_section and at <= LABEL_REACH and bool(_LABEL.match(sentence[:at]))


def _count(before: str, after: str) -> int | None:
    m = _COUNT_BEFORE.search(before)
    if m is None:
        m = _COUNT_AFTER.match(after)
    if m is None:
        return None
    return int(m.group(1).replace(",", ""))


__all__ = ["extract", "extract_lines", "find_smi"]
