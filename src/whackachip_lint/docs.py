"""Rule documentation, generated from the rule declarations (one source for every reader).

The same text feeds `wac-lint rule CODE` (plain text), SARIF `help.text` / `help.markdown`, and the
files under `docs/rules/` (Markdown). Regenerate the files after adding or changing a rule:

    python -m whackachip_lint.docs            # write docs/rules/
    python -m whackachip_lint.docs --check    # exit 1 when docs/rules/ is stale (a test does this too)
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path

from . import plugins
from .kinds import fence
from .plugin_words import words_of
from .rules import ALL_RULES
from .rules.base import Example, Rule
from .safe_write import write_text

# The project's home and where the rendered rule docs live online (SARIF `informationUri` and `helpUri`; GitHub
# links each alert to its rule page). Change PROJECT_URL here if the repository moves.
PROJECT_URL = "https://github.com/whackachip/wac-lint"
DOCS_BASE_URL = f"{PROJECT_URL}/blob/main/docs/rules/"

SECTIONS = (
    "What it finds", "Why it matters for hardware", "Found in", "What it implies for hardware", "Example",
    "How to suppress", "References",
)


def help_uri(rule: Rule) -> str:
    return f"{DOCS_BASE_URL}{rule.code}.md"


def _example_label(example: Example, positive: bool) -> str:
    where = f" as `{example.filename}`" if example.filename else f" ({example.kind})"
    if positive:
        value = "" if example.value is None else f", value `{example.value}`"
        label = f"Reported{where}, state `{example.state.value}`{value}:"
    else:
        label = f"Not reported as in force{where}:"
    if example.note:
        label += f" {example.note.rstrip('.')}."
    return label


def _fence(example: Example) -> str:
    code = example.code if example.code.endswith("\n") else example.code + "\n"
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{fence(example.kind)}\n{code}{ticks}"


def found_in(rule: Rule) -> list[str]:
    """The file kinds the rule's positive examples are scanned as (the formats it is found in), first seen first."""
    return list(dict.fromkeys(example.kind for example in rule.positives))


def implies_lines(rule: Rule) -> list[str]:
    """What a finding implies for hardware, one line per value pattern (from `Rule.implies`), strongest wording."""
    lines = [_implies_line("", pattern, specs) for pattern, specs in rule.implies]
    lines += [_implies_line("switched off, ", pattern, specs) for pattern, specs in rule.implies_when_disabled]
    if rule.plugin:  # a plugin may give its rules' rows as data (plugins.Plugin.implies)
        lines += [_data_line(pattern, specs) for _name, implies in plugins.each("implies")
                  for pattern, specs in implies.get(rule.code, ())]
    if rule.names_hardware:
        lines.append(f"the catalog parts its value names: declared hardware ({rule.names_hardware})")
    return lines or ["No constraint rows of its own (docs/inference.md says what else the inference reads)."]


def _implies_line(state: str, pattern: str, specs) -> str:
    value = "any value" if pattern == "*" else f"value `{pattern}`"
    said = "; ".join(f"{spec.text} ({spec.strength})" for spec in specs) or "no requirement"
    return f"{state}{value}: {said}"


def _data_line(pattern: str, specs: tuple[dict, ...]) -> str:
    value = "any value" if pattern == "*" else f"value `{pattern}`"
    said = "; ".join(f"{spec['text']} ({spec['strength']})" for spec in specs) or "no requirement"
    return f"{value}: {said}"


def plugin_word_lines(rule: Rule) -> list[str]:
    """The words installed plugins added to the vocabulary that this rule reports, with what they imply,
    marked with the plugin's name (`wac-lint rule CODE`; the generated docs describe wac-lint alone)."""
    return [
        f"{_data_line(added.word, added.specs)} [plugin {added.plugin}]" if not added.switch
        else f"variable `{added.word}` ({added.switch} switch) [plugin {added.plugin}]"
        for added in words_of(rule.code)
    ]


def _suppress_lines(rule: Rule) -> list[str]:
    return [
        f"# wac-lint: disable={rule.code}            (at the end of the line it covers)",
        f"# wac-lint: disable={rule.code}            (on its own line: covers the next line)",
        f"# wac-lint: disable-file={rule.code}       (before the first statement: the whole file)",
    ]


def rule_markdown(rule: Rule) -> str:
    """The Markdown page for one rule (docs/rules/CODE.md and SARIF help.markdown)."""
    out = [f"# {rule.code}: {rule.name}", ""]
    meta = f"Signal `{rule.signal}` · default level `{rule.level.value}` · family {rule.family}"
    if rule.tags:
        meta += " · tags " + ", ".join(f"`{t}`" for t in rule.tags)
    out += [meta, "", "## What it finds", "", rule.summary, ""]
    out += ["## Why it matters for hardware", "", rule.why, ""]
    for note in rule.notes:
        out += [f"- {note}"]
    if rule.notes:
        out.append("")
    out += ["## Found in", "", ", ".join(f"`{kind}`" for kind in found_in(rule)) or "No example yet.", ""]
    out += ["## What it implies for hardware", "", *[f"- {line}" for line in implies_lines(rule)], ""]
    out += ["## Example", ""]
    for example in rule.positives:
        out += [_example_label(example, True), "", _fence(example), ""]
    for example in rule.negatives:
        out += [_example_label(example, False), "", _fence(example), ""]
    out += ["## How to suppress", "", "```text", *_suppress_lines(rule), "```", ""]
    out += ["Or leave the rule out of a scan: `--ignore " + rule.code + "`, or `ignore = [\"" + rule.code
            + "\"]` under `[tool.wac-lint]`.", ""]
    out += ["## References", ""]
    out += [f"- <{ref}>" for ref in rule.references] or ["None yet."]
    return "\n".join(out).rstrip("\n") + "\n"


def rule_text(rule: Rule) -> str:
    """The plain-text doc for one rule (`wac-lint rule CODE` and SARIF help.text)."""
    out = [f"{rule.code} {rule.name} (level {rule.level.value}, signal {rule.signal})", ""]
    out += ["What it finds", _wrap(rule.summary), ""]
    out += ["Why it matters for hardware", _wrap(rule.why)]
    out += [f"  - {note}" for note in rule.notes]
    out += ["", "Found in", "  " + (", ".join(found_in(rule)) or "no example yet")]
    out += ["", "What it implies for hardware", *[f"  - {line}" for line in implies_lines(rule)]]
    if added := plugin_word_lines(rule):
        out += ["", "Words plugins add", *[f"  - {line}" for line in added]]
    out += ["", "Example"]
    for example in [(e, True) for e in rule.positives] + [(e, False) for e in rule.negatives]:
        out.append(f"  {_example_label(*example)}")
        out += [f"    {line}" if line else "" for line in example[0].code.rstrip("\n").split("\n")]
    out += ["", "How to suppress"]
    out += [f"  {line}" for line in _suppress_lines(rule)]
    out += ["", "References"]
    out += [f"  {ref}" for ref in rule.references] or ["  None yet."]
    return "\n".join(out) + "\n"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)


def rule_list_line(rule: Rule) -> str:
    origin = f" [plugin {rule.plugin}]" if rule.plugin else ""
    return f"{rule.code}  {rule.name:<28} {rule.level.value:<8} {rule.summary}{origin}"


def index_markdown(rules: list[Rule]) -> str:
    out = [
        "# Rules",
        "",
        "Generated from the rule declarations by `python -m whackachip_lint.docs`; do not edit by hand.",
        "",
        "| Code | Name | Level | Signal | What it finds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        link = f"[{rule.code}]({rule.code}.md)"
        out.append(f"| {link} | {rule.name} | {rule.level.value} | `{rule.signal}` | {summary} |")
    return "\n".join(out) + "\n"


def expected_files(rules: list[Rule] | None = None) -> dict[str, str]:
    """File name -> content of everything docs/rules/ should hold."""
    rules = list(ALL_RULES.values()) if rules is None else rules
    files = {f"{rule.code}.md": rule_markdown(rule) for rule in rules}
    files["README.md"] = index_markdown(rules)
    return files


def stale_files(directory: Path, rules: list[Rule] | None = None) -> list[str]:
    """Names in `directory` that are missing, differ from the generated text, or belong to no rule."""
    want = expected_files(rules)
    stale = [name for name, text in want.items()
             if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text]
    if directory.is_dir():
        stale += sorted(p.name for p in directory.glob("*.md") if p.name not in want)
    return sorted(stale)


def write_docs(directory: Path, rules: list[Rule] | None = None) -> list[str]:
    """Write docs/rules/ and remove pages of rules that no longer exist; returns the names changed."""
    changed = stale_files(directory, rules)
    directory.mkdir(parents=True, exist_ok=True)
    want = expected_files(rules)
    for name in changed:
        if name in want:
            write_text(directory / name, want[name])
        else:
            (directory / name).unlink()
    return changed


def default_directory() -> Path:
    """docs/rules/ of the source checkout this module was imported from."""
    return Path(__file__).resolve().parents[2] / "docs" / "rules"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m whackachip_lint.docs", description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=None, help="default: docs/rules/ of the checkout")
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")
    args = parser.parse_args(argv)
    directory = args.directory or default_directory()
    if args.check:
        stale = stale_files(directory)
        for name in stale:
            print(f"stale: {directory / name}")
        if stale:
            print("run `python -m whackachip_lint.docs` to regenerate", file=sys.stderr)
        return 1 if stale else 0
    for name in write_docs(directory):
        print(f"wrote {directory / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
