"""The user docs against the command line: every wac-lint flag they name exists where they name it (and a value they
give it is one it takes), docs/cli.md names every scan option, and `.ci/run` runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from whackachip_lint.cli import main

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
CLI_DOC = ROOT / "docs" / "cli.md"
USER_DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
# README sections about wac-lint itself: a bare flag in their inline code is a wac-lint flag. The others quote flags
# of the code wac-lint reads (`--bf16`, `--gres=gpu:a100:8`) or of pytest (`-n auto`).
README_CLI_SECTIONS = ("Use", "Configuration, CI and pre-commit", "Monitoring and plugins")

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+)`")
# `wac-lint` as a command: not `wac-lint-repo`, `wac-lint.toml`, `[tool.wac-lint]`, `wac-lint@v1`, `wac-lint: disable`.
_COMMAND = re.compile(r"(?<![\w/.@\[-])wac-lint(?![\w.@:\]-])([^|#;&>`\n]*)")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_FLAG = re.compile(r"^(--?[a-zA-Z][\w-]*)(?:=(\S+))?$")


class Command:
    """One wac-lint command: its options (with the values a choice takes) and its subcommands."""

    def __init__(self, command: click.Command, context: click.Context) -> None:
        self.options: dict[str, list[str] | None] = {"-h": None, "--help": None}
        for param in command.get_params(context):
            choices = list(param.type.choices) if isinstance(param.type, click.Choice) else None
            for name in (*param.opts, *param.secondary_opts):
                if name.startswith("-"):
                    self.options[name] = choices
        self.hidden = {name for param in command.get_params(context) if getattr(param, "hidden", False)
                       for name in param.opts}
        self.subcommands: dict[str, Command] = {}
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                self.subcommands[name] = Command(sub, click.Context(sub, info_name=name, parent=context))


def the_cli() -> Command:
    return Command(main, click.Context(main, info_name="wac-lint"))


def code_texts(markdown: str) -> list[str]:
    """The code of a Markdown page: each fenced block's lines, then each inline code span outside the blocks."""
    lines = [line for block in _FENCE.findall(markdown) for line in block.splitlines()]
    return lines + _SPAN.findall(_FENCE.sub("", markdown))


def command_problems(code: str, cli: Command) -> list[str]:
    """What is wrong with the wac-lint command lines in `code`: a flag the command lacks, a value its choice lacks."""
    problems = []
    for match in _COMMAND.finditer(code):
        words = _QUOTED.sub('""', match.group(1)).split()
        path, known = [cli], dict(cli.options)
        while words and words[0] in path[-1].subcommands:
            path.append(path[-1].subcommands[words.pop(0)])
            known |= path[-1].options
        if len(path) == 1 and "scan" in cli.subcommands:  # `wac-lint PATH...` is `wac-lint scan PATH...`
            known |= cli.subcommands["scan"].options
        for i, word in enumerate(words):
            flag = _FLAG.match(word.strip("[]()"))
            if not flag:
                continue
            name, value = flag.group(1), flag.group(2)
            if name not in known:
                problems.append(f"`wac-lint ... {name}` in `{code.strip()}`: no such option")
                continue
            value = value if value is not None else (words[i + 1] if i + 1 < len(words) else None)
            if known[name] is not None and value is not None and not value.startswith("-"):
                wrong = [v for v in value.strip("[]()").split("|") if v not in known[name]]
                if wrong:
                    problems.append(f"`{name} {value}` in `{code.strip()}`: not one of {known[name]}")
    return problems


def bare_flag_problems(spans: list[str], cli: Command) -> list[str]:
    """Inline code that is a flag (`--show-mentions`, `-o FILE`, `--format concise|github`): a flag of some wac-lint
    command, with values (`|`-separated) that one of them takes when its values are choices."""
    choices: dict[str, set[str] | None] = {}
    stack = [cli]
    while stack:
        command = stack.pop()
        for name, values in command.options.items():
            known = choices.get(name, set())
            choices[name] = None if values is None or (name in choices and known is None) else known | set(values)
        stack += command.subcommands.values()
    problems = []
    for span in spans:
        words = span.split()
        flag = _FLAG.match(words[0]) if span.startswith("-") else None
        if not flag:
            continue
        name, value = flag.group(1), flag.group(2) or (words[1] if len(words) > 1 else None)
        if name not in choices:
            problems.append(f"`{name}`: no wac-lint command has it")
        elif choices[name] is not None and value is not None and not value.isupper():
            problems += [f"`{name} {v}`: no wac-lint command takes it" for v in value.split("|")
                         if v not in choices[name]]
    return problems


def sections(markdown: str, titles: tuple[str, ...]) -> str:
    """The text under the `## ` headings named `titles` (each must exist)."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    found = dict(zip(parts[1::2], parts[2::2]))
    missing = [t for t in titles if t not in found]
    assert not missing, f"README has no section {missing}: update README_CLI_SECTIONS"
    return "\n".join(found[t] for t in titles)


@pytest.fixture(scope="module")
def cli() -> Command:
    return the_cli()


# The checks themselves, both ways: they must catch a wrong flag or value and pass a right one.

def test_a_command_line_with_an_option_the_command_lacks_is_caught(cli):
    assert command_problems("wac-lint --no-such-flag .", cli) == [
        "`wac-lint ... --no-such-flag` in `wac-lint --no-such-flag .`: no such option"]
    # `--since` is `history`'s and `fleet report`'s, not `scan`'s
    assert len(command_problems("wac-lint --since 2024-06-01 repo", cli)) == 1
    assert len(command_problems("wac-lint fleet scan --branch main", cli)) == 1
    assert len(command_problems("wac-lint rule --verbose WAC101", cli)) == 1


def test_a_value_a_choice_lacks_is_caught(cli):
    assert command_problems("wac-lint --format xml .", cli) == [
        "`--format xml` in `wac-lint --format xml .`: not one of "
        "['text', 'grouped', 'concise', 'github', 'markdown', 'html', 'json', 'sarif']"]
    assert len(command_problems("wac-lint fleet report --format sarif", cli)) == 1  # text, json or markdown only
    assert len(command_problems("wac-lint --fail-level=fatal .", cli)) == 1


def test_command_lines_that_exist_pass(cli):
    for line in ["wac-lint --format json -o out.json .", "wac-lint --version", "wac-lint scan --help",
                 "wac-lint --format concise|grouped|github|markdown|html", "wac-lint rule --all",
                 "wac-lint hardware [ID] [--format json]", "wac-lint fleet report --since 2026-11-27 --format markdown",
                 "wac-lint history --branch release --format json -o changes.json repo", "wac-lint -q --fail-level=note .",
                 """wac-lint fleet report --since "$(date -d '7 days ago' +%F)" > weekly.md""",
                 "wac-lint-repo --bogus", "[tool.wac-lint] --bogus", "# wac-lint: disable=WAC101 --bogus"]:
        assert command_problems(line, cli) == [], line


def test_a_bare_flag_no_command_has_is_caught(cli):
    assert bare_flag_problems(["--show-mentions", "-o FILE", "--since REV", "--no-color", "--store PATH",
                               "--format concise|grouped|github|markdown|html", "--format FORMAT"], cli) == []
    assert bare_flag_problems(["--format concise|yaml", "--fail-level=fatal"], cli) == [
        "`--format yaml`: no wac-lint command takes it", "`--fail-level fatal`: no wac-lint command takes it"]
    assert bare_flag_problems(["--show-mention", "-Z", "WAC101", "--bf16 True"], cli) == [
        "`--show-mention`: no wac-lint command has it", "`-Z`: no wac-lint command has it",
        "`--bf16`: no wac-lint command has it"]


def test_code_texts_reads_fenced_blocks_and_inline_code():
    page = "Run `wac-lint --a .` here.\n\n```sh\nwac-lint --b .\n```\n\n`--c` and `x`\n"
    assert code_texts(page) == ["wac-lint --b .", "wac-lint --a .", "--c", "x"]


# The docs themselves.

def test_every_wac_lint_command_line_in_the_docs_exists(cli):
    problems = [f"{path.relative_to(ROOT)}: {problem}" for path in USER_DOCS
                for code in code_texts(path.read_text(encoding="utf-8")) for problem in command_problems(code, cli)]
    assert problems == []


def test_every_flag_docs_cli_md_and_the_readme_name_exists(cli):
    readme = sections(README.read_text(encoding="utf-8"), README_CLI_SECTIONS)
    for name, text in (("docs/cli.md", CLI_DOC.read_text(encoding="utf-8")), ("README.md", readme)):
        assert bare_flag_problems(code_texts(text), cli) == [], name


def test_docs_cli_md_names_every_scan_option(cli):
    """docs/cli.md says it describes every option `wac-lint scan --help` lists."""
    scan = cli.subcommands["scan"]
    named = {flag for code in code_texts(CLI_DOC.read_text(encoding="utf-8"))
             for flag in re.findall(r"(?<![\w-])--?[a-zA-Z][\w-]*", code)}
    assert sorted(set(scan.options) - scan.hidden - named - {"-h"}) == []


def test_ci_runs_the_readme_test_command():
    """The README's two set-up commands: one scans the example repository, one runs the tests, as `.ci/run` does."""
    setup = sections(README.read_text(encoding="utf-8"), ("Set up and try it",))
    blocks = [block.strip() for block in _FENCE.findall(setup)]
    assert len(blocks) == 2
    try_it, tests = blocks
    example = try_it.rpartition("wac-lint ")[2]
    assert (ROOT / example / "train").is_dir(), try_it
    assert tests.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci


def test_every_rule_code_the_docs_name_is_a_rule():
    from whackachip_lint.rules import ALL_RULES, removed_rules

    named = {code for path in USER_DOCS for code in re.findall(r"\bWAC\d{3}\b", path.read_text(encoding="utf-8"))}
    assert {"WAC101", "WAC714"} <= named  # the pattern reads the docs
    assert sorted(named - set(ALL_RULES) - set(removed_rules())) == []


def toml_samples(markdown: str) -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", markdown, flags=re.M | re.S)


def test_a_configuration_sample_with_a_wrong_key_is_caught(tmp_path):
    from whackachip_lint.config import ConfigError, load_config

    config = tmp_path / "pyproject.toml"
    config.write_text(toml_samples('```toml\n[tool.wac-lint]\nfail_level = "note"\n```\n')[0], encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key `fail_level`"):
        load_config(config)


def test_every_configuration_sample_in_the_docs_is_valid(tmp_path):
    from whackachip_lint.config import load_config
    from whackachip_lint.options import CONFIG_KEYS

    config = tmp_path / "pyproject.toml"
    keys = set()
    for path in USER_DOCS:
        for sample in toml_samples(path.read_text(encoding="utf-8")):
            config.write_text(sample, encoding="utf-8")
            keys |= set(load_config(config))  # raises ConfigError on an unknown key or a wrong value
    assert {"select", "per_file_ignores", "targets"} <= keys  # the samples were read
    assert len(keys) == len(CONFIG_KEYS)  # docs/configuration.md's sample sets every key


def test_docs_cli_md_states_the_text_and_markdown_caps_the_code_uses():
    from whackachip_lint.report import markdown, text
    from whackachip_lint.report.verdict_text import DEFAULT

    doc = " ".join(CLI_DOC.read_text(encoding="utf-8").split())
    for stated in (f"over {text.PAGE} lines", f"beyond the first {text.REPEATS_SHOWN} share one line",
                   f"at most {text.LINES_NAMED} lines named", f"{markdown.TOP_EVIDENCE} of each list at most",
                   f"messages cut at {DEFAULT.line} characters"):
        assert stated in doc, stated
