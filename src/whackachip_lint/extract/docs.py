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

`extract_text` is also used for notebook Markdown cells and outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..evidence import RawFinding, Span, State
from . import Source, gpunames

# --- nvidia-smi output and device reports --------------------------------------------------------------------
_SMI_HEADER = re.compile(r"NVIDIA-SMI\s+\d")
_SMI_ROW = re.compile(r"\|\s*(?P<index>\d+)\s+(?P<name>\S.*?)\s+(?:On|Off)\s+\|")
_SMI_LIST = re.compile(r"\bGPU\s+(?P<index>\d+):\s+(?P<name>\S.*?)\s+\(UUID:")
_DEVICE_REPORT = re.compile(
    r"\b(?:(?:CUDA|GPU|cuda|gpu)\s+)?(?:[Dd]evice|GPU)(?:[ _]name)?(?:\s*\d+)?\s*[:=]\s*['\"]?(?P<name>(?:NVIDIA|Tesla)[^'\"\n,;)]*)"
)
SMI_WINDOW = 200  # lines after a header that may hold its table rows
_CSV_HEADER = re.compile(r"^\s*name\s*(?:,|$)")  # nvidia-smi --query-gpu=name,... --format=csv
_DEVICE_PROPS = re.compile(r"_CudaDeviceProperties\(name='(?P<name>[^']+)'")
_BARE_NAME = re.compile(r"^\s*['\"]?(?P<name>(?:NVIDIA|Tesla|Quadro|GeForce)\b[^'\"]*?)['\"]?\s*$")

# --- prose --------------------------------------------------------------------------------------------------
_TRAIN_CUE = re.compile(
    r"\b(?:(?:pre-?|re-?|co-?)?train(?:ed|ing|s)?|fine-?tun(?:ed|ing|es?)|finetun(?:ed|ing|es?)|SFT|RLHF|DPO)\b"
    r"|训练|微调",  # Chinese READMEs: "train", "fine-tune" (no word edges between CJK characters)
    re.I,
)
_PLACE = re.compile(r"\b(?:on|using|with|across|over|by|via)\b|在|使用|基于|采用|用", re.I)
# "在 64 张 H800 上训练" (trained on 64 H800s): the place comes before the name and the verb after it.
_CJK_PLACE = re.compile(r"(?:在|使用|基于|采用|用)[^。！？；]{0,12}$")
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
_COUNT_BEFORE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d{1,6})\s*(?:[x×*]\s*|[张块台卡个]\s*)?$")
_COUNT_AFTER = re.compile(r"^\s*(?:GPUs?|NPUs?|chips?|cards?)?\s*[x×*]\s*(\d{1,6})\b")
_MASK = re.compile(r"https?://\S+|\]\([^)\s]*\)|<[^>\n]*>|`")
_NO_SPLIT_AFTER = frozenset({"e.g", "i.e", "etc", "vs", "approx", "ca", "fig", "no", "cf", "al"})
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|[。！？；]")

# Sentences without a cheap hit cannot name an accelerator (see gpunames.CHEAP).
_CHEAP = gpunames.CHEAP
_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_UNDERLINE = re.compile(r"^\s*([=\-~^\"'`#*+])\1{2,}\s*$")
_RST_CODE = re.compile(r"^\s*\.\.\s+(?:code-block|code|sourcecode)::|::\s*$")


@dataclass
class _Paragraph:
    """Prose lines joined by single spaces, with a map back to (line, column)."""

    heading: str
    parts: list[tuple[int, int, int]] = field(default_factory=list)  # (offset in text, line, 0-based column)
    text: str = ""
    mode: str = "prose"  # or "row" (a table row) or "heading"

    def add(self, number: int, column: int, text: str) -> None:
        if self.text:
            self.text += " "
        self.parts.append((len(self.text), number, column))
        self.text += text

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based column of a paragraph offset."""
        for start, number, column in reversed(self.parts):
            if offset >= start:
                return number, column + offset - start
        return self.parts[0][1], self.parts[0][2]


def extract(source: Source) -> list[RawFinding]:
    return list(extract_lines(source.lines, source.kind))


def extract_lines(lines: list[str], kind: str = "markdown") -> Iterator[RawFinding]:
    """Findings for the lines of one document of `kind` (markdown, rst, text, log)."""
    text_lines = list(lines)
    if not any(_CHEAP.search(line) for line in text_lines):
        return
    consumed: set[int] = set()
    yield from find_smi(text_lines, consumed)
    for paragraph in _paragraphs(text_lines, kind, consumed):
        yield from _prose_findings(paragraph)


# --- nvidia-smi -------------------------------------------------------------------------------------------------
def find_smi(lines: list[str], consumed: set[int], bare: bool = False) -> Iterator[RawFinding]:
    """One WAC713 finding per GPU name per table (at its first row), with the row count; `-L` lines and reports likewise.

    Read: `nvidia-smi` tables, `nvidia-smi -L` lines, `nvidia-smi --query-gpu=name --format=csv` output (after its
    `name` header), device reports ("Using device: NVIDIA ..."), `_CudaDeviceProperties(name='...')` reprs, and,
    with `bare` (a notebook cell that asked for the device name), lines that are only a GPU name.
    The numbers of the lines read as output go into `consumed` (they are not prose).
    """
    window_end = csv_end = 0
    table: dict[str, list] = {}
    for number, line in enumerate(lines, start=1):
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
        found = _other_forms(line, bare)
        if found:
            name, column, how = found
            _note(table, name, number, column, how)
            consumed.add(number)
    yield from _flush(table)


def _other_forms(line: str, bare: bool) -> tuple[str, int, str] | None:
    listed = _SMI_LIST.search(line) if "UUID" in line else None
    if listed:
        return listed.group("name"), listed.start("name"), "nvidia-smi -L"
    props = _DEVICE_PROPS.search(line)
    if props:
        return props.group("name"), props.start("name"), "device properties"
    report = _DEVICE_REPORT.search(line)
    if report and gpunames.first(report.group("name"), loose=False):
        name = report.group("name").strip()
        return name, report.start("name"), "device report"
    only = _BARE_NAME.match(line) if bare else None
    if only and gpunames.first(only.group("name"), loose=False):
        return only.group("name"), only.start("name"), "device name"
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
        yield RawFinding("WAC713", name, State.ENABLED, span, f"listed in {how} output", props)
    table.clear()


# --- prose --------------------------------------------------------------------------------------------------
def _paragraphs(lines: list[str], kind: str, consumed: set[int]) -> Iterator[_Paragraph]:
    heading = ""
    current = _Paragraph(heading)
    in_fence = False
    rst_literal_indent: int | None = None
    for number, raw in enumerate(lines, start=1):
        line = _MASK.sub(lambda m: " " * len(m.group()), raw)
        stripped = line.strip()
        if kind == "markdown" and _FENCE.match(raw):
            in_fence = not in_fence
            yield from _done(current)
            current = _Paragraph(heading)
            continue
        if in_fence or number in consumed:
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
                heading = current.text
                current = _Paragraph(heading)
                continue
            yield from _done(current)
            current = _Paragraph(heading)
            if kind != "log" or not stripped:
                continue
        heading_match = _MD_HEADING.match(line) if kind == "markdown" else None
        if heading_match:
            yield from _done(current)
            heading = heading_match.group(1)
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
        word = text[:m.start()].rsplit(None, 1)[-1].lower() if text[:m.start()].strip() else ""
        if m.group() == "." and word.lstrip("(") in _NO_SPLIT_AFTER:
            continue
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _prose_findings(paragraph: _Paragraph) -> Iterator[RawFinding]:
    text = paragraph.text
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        if not _CHEAP.search(sentence):
            continue
        mentions = list(gpunames.find(sentence))
        if not mentions:
            continue
        declares_section = not _NOT_DECLARING_SECTION.search(paragraph.heading)
        hedged = _HEDGE.search(sentence)
        for mention in mentions:
            before = sentence[: mention.start]
            if paragraph.mode == "heading":
                declared = False
            elif paragraph.mode == "row":
                first_cell = sentence.strip().strip("|").split("|", 1)[0]
                declared = bool(_LABEL.match(first_cell + ":")) and declares_section and not hedged
            else:
                declared = not hedged and _declares(sentence, before, declares_section)
            props = mention.properties()
            count = _count(before, sentence[mention.end :])
            if count:
                props["count"] = count
            line, column = paragraph.position(s_start + mention.start)
            end_line, end_column = paragraph.position(s_start + mention.end - 1)
            span = Span(line, column + 1, end_line, end_column + 2)
            if declared:
                yield RawFinding("WAC712", mention.text, State.ENABLED, span, "stated as the hardware a run used", props)
            else:
                yield RawFinding("WAC712", mention.text, State.MENTIONED, span, "named, not stated as training hardware",
                                 props)


def _declares(sentence: str, before: str, declares_section: bool) -> bool:
    cue = None
    for cue in _TRAIN_CUE.finditer(before):
        pass
    if cue is not None and _PLACE.search(before[cue.end():]):
        return True
    if _USE_VERB.search(before) and _TRAIN_CUE.search(sentence):
        return True
    run = _RUN_CUE.search(before)
    if run is not None and _USE_VERB.search(before[run.end():]):
        return True
    if _CJK_PLACE.search(before) and _TRAIN_CUE.search(sentence[len(before):]):
        return True
    return declares_section and bool(_LABEL.match(before))


def _count(before: str, after: str) -> int | None:
    m = _COUNT_BEFORE.search(before)
    if m is None:
        m = _COUNT_AFTER.match(after)
    if m is None:
        return None
    return int(m.group(1).replace(",", ""))


__all__ = ["extract", "extract_lines", "find_smi"]
