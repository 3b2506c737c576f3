"""Command line: `wac-lint [OPTIONS] PATH...` (the scan), `wac-lint rule CODE`. Wiring only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .evidence import Level
from .options import OPTIONS, flag, flag_values

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class DefaultGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, belongs to the `scan` command."""

    default_command = "scan"
    # Commands whose module is imported only when one is named (a scan never pays for the monitoring modules):
    # name -> (module, attribute).
    lazy_commands = {"history": (".fleet.commands", "history"), "fleet": (".fleet.commands", "fleet")}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in self.lazy_commands
                        and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy_commands:
            import importlib

            module, attribute = self.lazy_commands[name]
            self.add_command(getattr(importlib.import_module(module, __package__), attribute), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole first sentence (click cuts them to the line), wrapped."""
        rows = [(name, command.get_short_help_str(limit=10_000)) for name, command in
                ((name, self.get_command(ctx, name)) for name in self.list_commands(ctx))
                if command is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    """`--version`: the package version and the catalog revision, since a verdict depends on both."""
    if not value or ctx.resilient_parsing:
        return
    from .data import catalog_revision

    click.echo(f"wac-lint {__version__} (hardware catalog {catalog_revision()})")
    ctx.exit()


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="The options of a scan are listed by `wac-lint scan --help`; those of another command by "
                    "`wac-lint COMMAND --help`.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the hardware catalog's revision, then exit.")
def main() -> None:
    """Find the accelerator hardware an ML code base was built for, with every conclusion traced to a line.

    Run `wac-lint PATH...` to scan (the `scan` command is the default, so `wac-lint scan PATH...` is the same).
    """


def _settings(paths, flags: dict, config_file: Path | None, isolated: bool):
    """Defaults, then the configuration file, then the flags given on the command line."""
    from click.core import ParameterSource

    from .config import ConfigError, Settings, apply_config, find_config, load_config

    settings = Settings()
    try:
        path = config_file or (None if isolated else find_config(paths[0]))
        if path is not None:
            apply_config(settings, load_config(path, found=config_file is None))
    except ConfigError as exc:  # quotes the file's keys and values: the scanned repository's, maybe (escaped)
        click.echo(f"wac-lint: error: {printable_message(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    for note in settings.config_ignored:
        click.echo(f"wac-lint: warning: {note}", err=True)
    ctx = click.get_current_context()
    given = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    for option in OPTIONS:  # a flag only counts when given, so a file's value is not overridden by a default
        if not option.flags:
            continue
        if option.extends:
            setattr(settings, option.extends, [*getattr(settings, option.extends), *flags[option.name]])
        elif ctx.get_parameter_source(option.param_name) in given:
            setattr(settings, option.name, flags[option.name])
    settings.select = settings.select or ["ALL"]
    return settings, path


@main.command(short_help="Scan PATHS (files or directories) for hardware evidence (the default command).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), required=True)
@flag("output_format")
@click.option("--statistics", is_flag=True, help="Count the findings per rule and state instead of listing them.")
@click.option("--show-source", is_flag=True, help="Print the source line under each finding.")
@click.option("--verdict-only", is_flag=True, help="Print only the hardware verdict (text and markdown formats).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the report to FILE (`-`: standard output).")
@flag("select")
@flag("ignore")
@flag("fail_level")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings reach the fail level.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print the findings and nothing else (text format; unscanned files go to standard error).")
@click.option("--show-suppressed", is_flag=True, help="Also list findings silenced by wac-lint directives.")
@click.option("--show-mentions", is_flag=True,
              help="List the [mentioned] findings (an accelerator only named, e.g. in docs), which the text report "
                   "counts but leaves out by default. Text format only: -q, concise, JSON and HTML list every finding, "
                   "SARIF, GitHub and Markdown list selections without the mentions.")
@click.option("-v", "--verbose", is_flag=True,
              help="Everything: the verdict with every reason, location and part, and every finding, mentions and "
                   "repeats included (text); uncapped evidence (JSON).")
@click.option("--color/--no-color", "colour", default=None,
              help="Colour the text output (default: when a terminal; NO_COLOR and FORCE_COLOR are honoured).")
@flag("jobs")
@flag("use_cache")
@flag("cache_dir")
@flag("include_docs")
@flag("targets")
@flag("max_file_bytes")
@flag("doc_read_bytes")
@flag("extend_select")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Read settings from this TOML file instead of looking for one.")
@click.option("--isolated", is_flag=True,
              help="Ignore configuration files (use it to scan code you do not trust: see docs/robustness.md).")
@flag("respect_gitignore")
@flag("exclude")
@flag("extend_exclude")
@flag("force_exclude")
@click.option("--stdin-filename", help="With `-` as the path: the name of the file read from standard input "
              "(its kind comes from it; default: Python, reported as `-`).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Leave out the findings this baseline file records: only new ones are reported and counted.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record every current finding in this baseline file (then use it with --baseline) and exit 0.")
@click.option("--add-noqa", is_flag=True, help="Add `# wac-lint: disable=CODE` to each line with a finding at or "
              "above the fail level (Python, shell, requirements files), then exit 0.")
@flag("sarif_evidence")
@flag("file_timeout")
@flag("prefilter")
def scan(paths, output_format, statistics, show_source, verdict_only, output, select, ignore, fail_level, exit_zero,
         quiet, show_suppressed, show_mentions, verbose, colour, jobs, no_cache, cache_dir, no_docs, targets,
         max_file_size, doc_read_cap, extend_select, config_file, isolated, no_prefilter, force_exclude, sarif_evidence, exclude, extend_exclude,
         baseline, write_baseline, add_noqa, stdin_filename, file_timeout, no_respect_gitignore):
    """Scan PATHS (files or directories) for hardware evidence.

    Settings come from `[tool.wac-lint]` in the nearest pyproject.toml (or a wac-lint.toml), found by walking up
    from the first PATH; flags given on the command line override them.
    """
    from .report.render import TEXT_FORMATS, mode_problem
    from .report.render import render as render_report
    from .rules import check_selectors, removed_notices

    reads_stdin = any(str(p) == "-" for p in paths)
    if reads_stdin and len(paths) > 1:
        raise click.UsageError("`-` (standard input) cannot be combined with other paths")
    if stdin_filename and not reads_stdin:
        raise click.UsageError("--stdin-filename names standard input: give `-` as the path")
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink() and str(p) != "-"]
    if missing:  # a typo in CI must fail the job, as in ShellCheck
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    flags = flag_values(click.get_current_context().params)
    unknown = check_selectors(flags["select"] + flags["ignore"] + flags["extend_select"])
    if unknown:
        from .suggest import did_you_mean_code

        hints = "".join(did_you_mean_code(code) for code in unknown)
        raise click.UsageError(f"unknown rule code or prefix: {', '.join(unknown)}{hints} (see `wac-lint rule --all`)")
    if not reads_stdin:
        from . import replay

        replay.scan_starting(paths[0])  # what the configuration lookup may read, before it reads it
    config_start = [Path(stdin_filename or ".")] if reads_stdin else paths
    settings, config_path = _settings(config_start, flags, config_file, isolated)
    for notice in removed_notices(settings.named_codes()):
        click.echo(f"warning: {notice}", err=True)
    output_format = settings.output_format
    problem = mode_problem(output_format, {"--statistics": statistics, "--verdict-only": verdict_only,
                                           "--quiet": quiet and (statistics or verdict_only),
                                           "--show-mentions": show_mentions, "--show-source": show_source,
                                           "--show-suppressed": show_suppressed})
    if problem:
        raise click.UsageError(problem)
    if settings.targets:
        from .policy import PolicyError, unknown_targets

        try:
            unknown = unknown_targets(settings.targets)
        except PolicyError as exc:
            raise click.UsageError(str(exc)) from None
        if unknown:
            from .suggest import catalog_choices, did_you_mean

            from_flag = click.get_current_context().get_parameter_source("targets").name == "COMMANDLINE"
            where = "--target" if from_flag else f"`target` in {config_path}"
            hints = "".join(did_you_mean(t, catalog_choices()) for t in unknown)
            # a target from the scanned repository's configuration
            raise click.UsageError(printable_message(f"unknown target {', '.join(unknown)}{hints} ({where}; "
                                                  "`wac-lint hardware` lists the catalog ids)"))
    from .lint import lint

    try:
        stdin = sys.stdin.buffer.read() if reads_stdin else None
        from .progress import ProgressBar

        bar = ProgressBar() if stdin is None else None
        try:
            report = lint(list(paths), settings, progress=bar, stdin=stdin, stdin_filename=stdin_filename,
                          config_file=config_path)
        finally:
            if bar is not None:
                bar.close()
        result, verdict = report.result, report.verdict
    except Exception as exc:  # an internal error: say so, exit 2
        # the message may quote a path of the scanned tree
        click.echo(printable_message(f"wac-lint: internal error: {type(exc).__name__}: {exc}"), err=True)
        sys.exit(EXIT_ERROR)

    from .report.locations import SarifLocator, relocate, relocate_verdict, sarif_base, shown_root

    if add_noqa:
        sys.exit(_add_noqa(result, settings.fail_level))
    root = shown_root(result.root)
    verdict = relocate_verdict(verdict, result)
    result = relocate(result)  # from here on, paths are as printed: relative to the current directory
    if write_baseline is not None:
        sys.exit(_write_baseline(result, write_baseline))
    if baseline is not None:
        result = _apply_baseline(result, baseline)
    to_stdout = output is None or str(output) == "-"
    use_colour = use_colour_for(colour, to_stdout)
    if quiet and output_format in TEXT_FORMATS:
        for d in result.diagnostics:  # problems still reach the user, on standard error
            click.echo(diagnostic_line(d), err=True)
    text = render_report(
        output_format, result, verdict, quiet=quiet, statistics=statistics, verdict_only=verdict_only,
        colour=use_colour, show_suppressed=show_suppressed, show_mentions=show_mentions, show_source=show_source,
        verbose=verbose, root=root,
        paths=[shown_root(p) for p in paths], targets=settings.targets, locator=SarifLocator(sarif_base(list(paths))),
        sarif_evidence=settings.sarif_evidence, fail_level=settings.fail_level,
    )

    if not to_stdout:
        from .safe_write import write_text

        try:
            write_text(output, text)  # never through a link the scanned repository planted
        except OSError as exc:  # a bad --output is a usage error: name it, exit 2, no traceback
            click.echo(f"wac-lint: error: cannot write --output {output}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_ERROR)
    else:
        click.echo(text, nl=False, color=use_colour)

    if not reads_stdin:  # a whole run, written out: the console entry may keep it for replay (replay.py)
        from . import replay

        replay.scan_finished(paths=list(paths), settings=settings, scanned=report.scanned,
                             inputs=[p for p in (config_path, baseline) if p is not None],
                             report=None if to_stdout else (output, text),
                             progress_shown=bar is not None and bar.enabled and bar.done > 0)
    sys.exit(exit_code(result, settings.fail_level, exit_zero))


def exit_code(result, fail_level: Level, exit_zero: bool) -> int:
    """2 when nothing could be scanned; else 1 when an unsuppressed finding reaches the fail level (0 with
    --exit-zero); else 0. A plain function, so the exit codes can be tested (and mutation-tested) on their own."""
    if nothing_scanned(result):
        return EXIT_ERROR
    failing = [f for f in result.findings if not f.suppressed and f.level.rank >= fail_level.rank]
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_OK


def _add_noqa(result, fail_level: Level) -> int:
    from .noqa import add_noqa

    from .suppress import UNUSED_RULE

    # A stale directive (WAC001) is fixed by removing it, not by another directive.
    wanted = [(Path(f.path) if Path(f.path).is_absolute() else result.root / f.path, f) for f in result.findings
              if not f.suppressed and f.level.rank >= fail_level.rank and f.rule != UNUSED_RULE]
    added, left = add_noqa(wanted)
    click.echo(f"Added {added} wac-lint: disable directive{'s' if added != 1 else ''}.", err=True)
    if left:
        click.echo("Not added (a comment there would change the code; write a directive by hand):", err=True)
        for where in left:
            click.echo(f"  {where}", err=True)
    return EXIT_OK


def _write_baseline(result, path: Path) -> int:
    from .baseline import baseline_text

    recorded = sum(1 for f in result.findings if not f.suppressed)
    from .safe_write import write_text

    try:
        write_text(path, baseline_text(result.findings, path))
    except OSError as exc:
        click.echo(f"wac-lint: error: cannot write --write-baseline {path}: {exc.strerror or exc}", err=True)
        return EXIT_ERROR
    click.echo(f"Wrote {recorded} finding{'s' if recorded != 1 else ''} to the baseline {path}.", err=True)
    return EXIT_OK


def _apply_baseline(result, path: Path):
    import dataclasses

    from .baseline import BaselineError, apply_baseline

    try:
        findings, matched = apply_baseline(result.findings, path)
    except BaselineError as exc:
        raise click.UsageError(str(exc)) from None
    return dataclasses.replace(result, findings=findings, baseline=(str(path), matched))


def use_colour_for(flag: bool | None, to_terminal_stream: bool) -> bool:
    """--color/--no-color first, then NO_COLOR and FORCE_COLOR (https://no-color.org), then: is stdout a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return to_terminal_stream and sys.stdout.isatty()


def printable_message(text: str) -> str:
    """A message quoting the scanned repository, safe on standard error: no control sequence, no line of its own,
    and no GitHub workflow command (`##[error]` in a configured target), as the reports print it."""
    from .report.escape import printable_text, terminal_text

    return terminal_text(printable_text(text))


def diagnostic_line(diagnostic) -> str:
    from .report.escape import terminal_text
    from .report.text import diagnostic_text

    return terminal_text(diagnostic_text(diagnostic, lambda text, **_kw: text))


def nothing_scanned(result) -> bool:
    """True when files were named or found but not one could be read and parsed (exit 2).

    One bad file among good ones never makes the scan fail: it gets its diagnostic and
    the exit code follows the findings of the rest. A file read in part (a log up to the read cap)
    that gave findings was read: the exit code follows those findings too.
    """
    if not result.diagnostics or result.findings:
        return False
    failed = {d.path for d in result.diagnostics}
    return not any(path not in failed for path in result.files)


@main.command(short_help="Explain rule CODE (e.g. WAC101), or list every rule with --all.")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code, show_all):
    """Explain rule CODE (e.g. WAC101), or list every rule with --all."""
    from .docs import rule_list_line, rule_text
    from .rules import ALL_RULES, get_rule

    if show_all or not code:
        for r in ALL_RULES.values():
            click.echo(rule_list_line(r))
        return
    try:
        r = get_rule(code)
    except KeyError as exc:
        from .suggest import did_you_mean, rule_choices

        by_name = {rule.name: rule for rule in ALL_RULES.values()}
        if code.lower() not in by_name:
            raise click.UsageError(str(exc.args[0]) + did_you_mean(code, rule_choices())) from None
        r = by_name[code.lower()]  # a rule name works too
    click.echo(rule_text(r), nl=False)


@main.command(short_help="List the hardware catalog, or show one entry (e.g. nvidia-h20) with its sources.")
@click.argument("hardware_id", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def hardware(hardware_id, output_format):
    """List the hardware catalog, or show entry HARDWARE_ID (e.g. nvidia-h20) with its sources."""
    from .infer.catalog import load_catalog
    from .report import hardware as report

    catalog = load_catalog()
    if hardware_id is None:
        click.echo(report.render_catalog(catalog, output_format), nl=False)
        return
    try:
        entry = catalog.get(hardware_id)
    except KeyError as exc:
        from .suggest import did_you_mean

        raise click.UsageError(str(exc.args[0]) + did_you_mean(hardware_id, [e.id for e in catalog])) from None
    click.echo(report.render_entry(entry, output_format), nl=False)


@main.command(short_help="Print the JSON Schema of the `--format json` report.")
def schema():
    """Print the JSON Schema (draft 2020-12) that every `--format json` report follows (see its schema_version)."""
    from .report.json import schema_text

    click.echo(schema_text(), nl=False)
