"""Inline suppression directives, shared by every format with `#` comments.

    x = torch.bfloat16  # wac-lint: disable=WAC101        (this line)
    # wac-lint: disable=WAC301,WAC302                     (own line: the next line)
    # wac-lint: disable-file=WAC1                         (whole file; before the first statement)

A leading module docstring counts as header, like a licence comment, since Python
files so often open with one.

Codes match by prefix as in `--select` ("WAC1" covers WAC1xx, "all" everything); a rule name
(`bf16-precision`) stands for its code; codes may be separated by commas or spaces, and `=` may have
spaces around it. A directive that names nothing (`# wac-lint: disable`) is reported as WAC001.
Directives are read from the text, like ShellCheck's, so a directive inside a
string literal also counts; that trade keeps one implementation for all formats.
Every directive records whether it suppressed something, so unused ones can be
reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .evidence import Finding, RawFinding, Span, State
from .rules.codes import Code

# The kind, then optionally `=` and codes or rule names ("WAC101", "WAC1", "bf16-precision", "all"), separated by
# commas or spaces. A directive with no `=` (or nothing after it) names nothing and is reported (WAC001).
DIRECTIVE = re.compile(
    r"#\s*wac-lint\s*:\s*(disable-file|disable-next-line|disable)(?![\w-])(?:\s*=\s*([A-Za-z0-9_, \t-]*))?"
)


def directive_codes(raw: str | None) -> tuple[str, ...]:
    """Codes from a directive's list: rule names become their codes; anything else is upper-cased as written."""
    from .rules import ALL_RULES

    by_name = {rule.name: rule.code for rule in ALL_RULES.values()}
    tokens = re.split(r"[,\s]+", raw or "")
    return tuple(by_name.get(t.lower(), t.upper()) for t in tokens if t)


@dataclass
class Directive:
    line: int  # where the directive is written
    column: int
    kind: str  # "disable", "disable-next-line", "disable-file"
    codes: tuple[str, ...]
    targets: tuple[int, ...]  # lines it covers (empty for file-level)
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        if self.kind != "disable-file":
            lines = range(finding.span.line, finding.span.end_line + 1)
            if not any(target in lines for target in self.targets):
                return False
        for code in self.codes:
            if code == "ALL" or finding.rule.startswith(code):
                self.used.add(code)
                return True
        return False


def parse_directives(lines: list[str]) -> list[Directive]:
    directives: list[Directive] = []
    in_header = True
    docstring_end = _leading_docstring_end(lines)
    for index, text in enumerate(lines, start=1):
        stripped = text.strip()
        match = DIRECTIVE.search(text)
        if match:
            kind, codes = match.group(1), directive_codes(match.group(2))
            own_line = stripped.startswith("#")
            if kind == "disable-file":
                if in_header:
                    directives.append(Directive(index, match.start() + 1, kind, codes, ()))
                else:
                    # Too late to govern the file: still recorded so it can be reported as unused.
                    directives.append(Directive(index, match.start() + 1, "misplaced-file", codes, ()))
            elif kind == "disable-next-line" or own_line:
                directives.append(Directive(index, match.start() + 1, kind, codes, (_next_code_line(lines, index),)))
            else:
                directives.append(Directive(index, match.start() + 1, kind, codes, (index,)))
        if index > docstring_end and stripped and not stripped.startswith("#"):
            in_header = False
    return directives


DOCSTRING_OPEN = re.compile(r"""^[rRuU]?(\"\"\"|''')""")


def _leading_docstring_end(lines: list[str]) -> int:
    """Last line of a triple-quoted string that opens the file (after comments), or 0 when there is none."""
    for index, text in enumerate(lines, start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        opener = DOCSTRING_OPEN.match(stripped)
        if not opener:
            return 0
        quote = opener.group(1)
        rest = stripped[opener.end():]
        if quote in rest:
            return index if rest.endswith(quote) else 0
        for end in range(index + 1, len(lines) + 1):
            if quote in lines[end - 1]:
                return end if lines[end - 1].rstrip().endswith(quote) else 0
        return 0
    return 0


def _next_code_line(lines: list[str], index: int) -> int:
    for number in range(index + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return index + 1


def apply(findings: list[Finding], directives: list[Directive]) -> list[Finding]:
    """Mark findings covered by a directive as suppressed (they are kept, as SARIF wants)."""
    if not directives:
        return findings
    out = []
    for finding in findings:
        if any(d.covers(finding) for d in directives if d.kind != "misplaced-file"):
            finding = finding.with_changes(suppressed=True)
        out.append(finding)
    return out


UNUSED_RULE = Code.UNUSED_SUPPRESSION


def unused_findings(directives: list[Directive], lines: list[str], selected: frozenset[str],
                    known: frozenset[str]) -> list[RawFinding]:
    """WAC001 raw findings for directive codes that silenced nothing.

    A code is judged only when it names a rule that exists and was selected for this file (a directive for a rule
    left out of the scan may be needed by a fuller run); a code that names no rule at all is always reported, and
    so is every code of a `disable-file` written too late to govern the file.
    """
    raws: list[RawFinding] = []
    for directive in directives:
        # A code naming WAC001 itself is judged by whether it silences these reports, not here.
        unused = [code for code in directive.codes if code not in directive.used
                  and (code == "ALL" or not UNUSED_RULE.startswith(code))]
        if not directive.codes:
            report = []
            detail = "the directive names no rule, so it silences nothing: write `disable=CODE` (a code, a prefix, " \
                     "a rule name or `all`)"
        elif directive.kind == "misplaced-file":
            report = list(directive.codes)  # too late to govern anything, WAC001 included
            detail = "disable-file must come before the first statement to govern the file"
        else:
            unknown = [c for c in unused if c != "ALL" and not any(k.startswith(c) for k in known)]
            judged = [c for c in unused if c == "ALL" or any(k.startswith(c) for k in selected)]
            report = [c for c in unused if c in unknown or c in judged]
            detail = (f"no rule matches {', '.join(unknown)}" if unknown
                      else "nothing it covers has a finding of " + ", ".join(report))
            from .rules import removed_notices  # the registry imports the evidence model, not the reverse

            removed = removed_notices(unknown)
            if removed:  # a code retired since the directive was written: say what replaced it
                detail = "; ".join(removed)
        if not report and directive.codes:
            continue
        text = lines[directive.line - 1] if directive.line <= len(lines) else ""
        match = DIRECTIVE.search(text)
        end = match.end() + 1 if match else directive.column + 1
        span = Span(directive.line, directive.column, directive.line, end)
        raws.append(RawFinding(UNUSED_RULE, ",".join(report) or None, State.ENABLED, span, detail))
    return raws
