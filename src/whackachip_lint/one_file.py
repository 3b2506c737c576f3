"""One file: read it, run its kind's extractors once, attach rule metadata, apply its suppressions.

This is the per-file step of the pipeline (lint.py): it knows nothing about other files, the cache or the
process pool (runner.py), and whole-repository steps (scan.py) come after it.
"""

from __future__ import annotations

from functools import lru_cache

from . import crosscheck, prefilter, suppress
from .config import Settings
from .discover import Candidate
from .evidence import Diagnostic, Finding, RawFinding, Span
from .extract import ExtractionError, PartialExtraction, Source, extractors_for
from .kinds import DOC_KINDS
from .paths.facts import file_facts
from .results import FileResult
from .rules import ALL_RULES, selected_codes
from .rules.declared import DOC_RULES
from .report.escape import printable_text
from .safe_read import NotRead, TooBig, read_bytes, read_head

SNIPPET_MAX = 200
# Raw findings one file may give. Extractors yield lazily, so reaching the cap stops the work, not only the output:
# a 10 KB YAML file whose anchored list of 200 variables is referenced from 500 mappings would otherwise give
# 100,000 findings (68 MB of JSON); a README of a million names, a million.
MAX_FINDINGS_PER_FILE = 5_000

def reported_span(span: Span, lines: list[str]) -> Span:
    """The span as reported: an end at column 1 of a later line is the end of the line before
    (end lines are inclusive: such a span must not claim, or be suppressed from, the next line,
    which may not even exist), and no column is below 1 (SARIF and GitHub reject 0)."""
    column, end_line, end_column = max(1, span.column), span.end_line, max(1, span.end_column)
    if end_column == 1 and end_line > span.line:
        end_line -= 1
        end_column = len(lines[end_line - 1]) + 1 if 1 <= end_line <= len(lines) else 1
    if (column, end_line, end_column) == (span.column, span.end_line, span.end_column):
        return span
    return Span(span.line, column, end_line, end_column)


class _Lines:
    """`source.lines`, split only if a span needs a line's length (most never do: a log's are not split)."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def __len__(self) -> int:
        return len(self.source.lines)

    def __getitem__(self, index: int) -> str:
        return self.source.lines[index]


def to_finding(raw: RawFinding, source: Source, snippets: dict[int, str] | None = None) -> Finding:
    """`snippets` caches the snippet of each line: a megabyte line with thousands of findings is stripped and
    escaped once, not once per finding."""
    rule = ALL_RULES[raw.rule]
    snippet = snippets.get(raw.span.line) if snippets is not None else None
    if snippet is None:
        snippet = printable_text(source.line_text(raw.span.line).strip())
        if len(snippet) > SNIPPET_MAX:
            snippet = snippet[: SNIPPET_MAX - 1] + "\u2026"
        if snippets is not None:
            snippets[raw.span.line] = snippet
    finding = rule.finding(
        raw.value, raw.state, source.relpath, reported_span(raw.span, _Lines(source)), snippet, raw.detail,
        raw.properties
    )
    return finding.with_changes(message=printable_text(finding.message))


def scan_source(source: Source, settings: Settings) -> FileResult:
    """Findings for one file already read into memory."""
    result = FileResult(source.relpath)
    result.facts = _path_facts(source)
    extractors = extractors_for(source.kind)
    if not extractors or (source.kind in DOC_KINDS and not settings.include_docs):
        return result
    if source.whole_size is not None:
        result.diagnostics.append(Diagnostic(source.relpath, _read_cap_message(source)))
    if settings.prefilter and not prefilter.may_have_findings(source, _selected(settings)):
        return result
    try:
        source.text  # decode first: a file that is not UTF-8 text is reported whatever its extractor reads
        raws = _collect(extractors, source, result)
    except PartialExtraction as exc:  # part of the file was unreadable (a notebook cell): keep the rest, say which
        raws = list(exc.findings[:MAX_FINDINGS_PER_FILE])
        result.diagnostics.append(Diagnostic(source.relpath, printable_text(str(exc))))
    except ExtractionError as exc:
        result.diagnostics.append(Diagnostic(source.relpath, printable_text(str(exc))))
        return result
    except RecursionError:
        result.diagnostics.append(Diagnostic(source.relpath, "too deeply nested to parse"))
        return result
    except MemoryError:  # over the worker's address-space limit (workers.py)
        result.diagnostics.append(Diagnostic(source.relpath, "needs more memory than the per-file budget; not scanned"))
        return result
    except Exception as exc:  # a bug in an extractor must cost one file, not the scan
        result.diagnostics.append(Diagnostic(source.relpath, internal_error_message(exc)))
        return result
    codes = selected_codes(settings.select + settings.extend_select, ignores_for(source.relpath, settings))
    try:
        snippets: dict[int, str] = {}
        findings = [to_finding(raw, source, snippets) for raw in raws if raw.rule in codes]
    except Exception as exc:  # e.g. a raw finding with a rule code nobody declared
        result.diagnostics.append(Diagnostic(source.relpath, internal_error_message(exc)))
        return result
    directives = suppress.parse_directives(source.lines) if "wac-lint:" in source.text else []
    findings = suppress.apply(findings, directives)
    if directives and suppress.UNUSED_RULE in codes:
        unused = suppress.unused_findings(directives, source.lines, codes, frozenset(ALL_RULES))
        # Only a directive that names WAC001 itself (not `all`) silences a report about directives.
        naming = [d for d in directives if any(c != "ALL" and suppress.UNUSED_RULE.startswith(c) for c in d.codes)]
        findings += suppress.apply([to_finding(raw, source) for raw in unused], naming)
    findings.sort(key=Finding.sort_key)
    if crosscheck.CONTRADICTION in codes:  # a declaration and the code it contradicts in one file
        findings += suppress.apply(crosscheck.contradictions(findings), directives)
        findings.sort(key=Finding.sort_key)
    result.findings = findings
    result.unused_directives = [d for d in directives if not d.used]
    return result


def _collect(extractors, source: Source, result: FileResult) -> list[RawFinding]:
    """The raw findings of every extractor, up to MAX_FINDINGS_PER_FILE (a diagnostic says when the cap applies)."""
    raws: list[RawFinding] = []
    for extract in extractors:
        for raw in extract(source):
            if len(raws) == MAX_FINDINGS_PER_FILE:
                result.diagnostics.append(Diagnostic(
                    source.relpath, f"over {MAX_FINDINGS_PER_FILE:,} findings; reading stopped at that cap per file "
                                    f"(the first {MAX_FINDINGS_PER_FILE:,} are reported)"))
                return raws
            raws.append(raw)
    return raws


def _path_facts(source: Source) -> dict:
    """Imports, main guard, commands run (paths/facts.py): read even where no extractor finds anything."""
    try:
        return file_facts(source.kind, source.relpath, source.text)
    except ExtractionError:
        return {}


def _selected(settings: Settings) -> frozenset[str]:
    """The rules selected anywhere in this scan (per-file ignores only ever take rules away)."""
    return selected_codes(settings.select + settings.extend_select, settings.ignore)


def ignores_for(relpath: str, settings: Settings) -> list[str]:
    ignores = list(settings.ignore)
    if not settings.include_docs:  # --no-docs: the rules that read documentation are off
        ignores.extend(sorted(DOC_RULES))
    for pattern, codes in settings.per_file_ignores.items():
        if _file_pattern(pattern).match_file(relpath):
            ignores.extend(codes)
    return ignores


@lru_cache(maxsize=256)
def _file_pattern(pattern: str):
    # Compiled once per pattern, not once per file and pattern (this runs for every file scanned).
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([pattern])


def internal_error_message(exc: BaseException) -> str:
    detail = str(exc)
    if len(detail) > SNIPPET_MAX:
        detail = detail[: SNIPPET_MAX - 1] + "\u2026"
    return printable_text(f"internal error while extracting ({type(exc).__name__}: {detail}); please report this file")


def too_big(size: int, settings: Settings) -> str:
    return (
        f"file is {size:,} bytes, over the {settings.max_file_bytes:,}-byte limit; not scanned "
        "(raise it with --max-file-size)"
    )


def read_source(candidate: Candidate, settings: Settings) -> Source | Diagnostic:
    if candidate.kind in DOC_KINDS:
        return _read_doc(candidate, settings)
    try:
        data = read_bytes(candidate.path, settings.max_file_bytes, within=candidate.within)
    except TooBig as exc:
        return Diagnostic(candidate.relpath, too_big(exc.size, settings))
    except NotRead as exc:
        return Diagnostic(candidate.relpath, str(exc))
    return Source(candidate.path, candidate.relpath, candidate.kind, data)


def _read_doc(candidate: Candidate, settings: Settings) -> Source | Diagnostic:
    """A document or log up to its read cap: the head of a longer one, cut after its last whole line."""
    try:
        data, size = read_head(candidate.path, min(settings.doc_read_bytes, settings.max_file_bytes),
                               within=candidate.within)
    except NotRead as exc:
        return Diagnostic(candidate.relpath, str(exc))
    if size <= len(data):
        return Source(candidate.path, candidate.relpath, candidate.kind, data)
    # A line cut in two (or a UTF-8 character) would read as something the file does not say.
    cut = data.rfind(b"\n") + 1 or len(data)
    return Source(candidate.path, candidate.relpath, candidate.kind, data[:cut], whole_size=size)


def _read_cap_message(source: Source) -> str:
    return (f"read the first {len(source.data):,} of {source.whole_size:,} bytes (the per-file read cap of docs "
            "and logs); the rest is not scanned (raise it with --doc-read-cap)")


def scan_file(candidate: Candidate, settings: Settings) -> FileResult:
    source = read_source(candidate, settings)
    if isinstance(source, Diagnostic):
        return FileResult(candidate.relpath, diagnostics=[source])
    return scan_source(source, settings)



__all__ = ["FileResult", "read_source", "scan_file", "scan_source", "to_finding"]
