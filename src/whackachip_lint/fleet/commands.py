"""`wac-lint history` and `wac-lint fleet ...`: click wiring for monitoring (the work is in this package)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..safe_write import write_text


def _settings(no_docs: bool):
    from ..config import Settings

    return Settings(use_cache=False, include_docs=not no_docs)


def _report_text(data, output_format: str, render) -> str:
    """The JSON or rendered report, with the repositories' text (paths, commit subjects) made harmless to print:
    no terminal control sequence, no GitHub workflow command (report/escape.py)."""
    from ..report.escape import json_text, terminal_text

    if output_format == "json":
        return json_text(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    return terminal_text(render(data))


def _emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
    else:
        write_text(output, text)


@click.command()
@click.argument("repo", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--branch", help="Branch or revision to follow (default: the repository's HEAD branch).")
@click.option("--since", help="Only commits after this date (YYYY-MM-DD) or revision.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to a file.")
@click.option("--no-docs", is_flag=True, help="Leave READMEs, docs and logs out (code only).")
def history(repo, branch, since, output_format, output, no_docs):
    """The verdict at each commit of a branch (first-parent) and what changed: evidence added and removed, how the
    vendor, floor, class, consistent set and memory moved. Reads git objects only: no checkout, nothing run."""
    from . import git
    from .history import history as run_history, render_text

    try:
        report = run_history(repo, branch, since, _settings(no_docs))
    except git.GitError as exc:
        raise click.ClickException(str(exc)) from None
    _emit(_report_text(report, output_format, render_text), output)


_STORE = click.option("--store", type=click.Path(path_type=Path), default=None,
                      help="The SQLite store (default: $XDG_DATA_HOME/wac-lint/fleet.sqlite).")


def _open(store_path: Path | None):
    from .monitor import default_store_path
    from .store import Store

    return Store(store_path or default_store_path())


@click.group()
def fleet():
    """Monitor many repositories: `add` them, `scan` new commits, `report` what changed, `query` the store."""


@fleet.command("add")
@click.argument("sources", nargs=-1, required=True)
@_STORE
@click.option("--branch", help="Branch to follow (default: each repository's HEAD branch).")
def fleet_add(sources, store, branch):
    """Register local repositories (paths) or remote ones (URLs, kept as bare mirrors beside the store)."""
    from . import git
    from .monitor import add

    db = _open(store)
    try:
        for name in add(db, list(sources), branch):
            click.echo(f"added {name}")
    except git.GitError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()


@fleet.command("scan")
@_STORE
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where repository scans run; dask needs the [dask] extra and --scheduler.")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--no-docs", is_flag=True, help="Leave READMEs, docs and logs out (code only).")
def fleet_scan(store, executor, scheduler, no_docs):
    """Scan the commits not yet in the store, for every registered repository."""
    from .monitor import scan

    db = _open(store)
    try:
        scan(db, _settings(no_docs), executor, scheduler, progress=lambda line: click.echo(line, err=True))
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()


@fleet.command("report")
@_STORE
@click.option("--since", default="1970-01-01", show_default=True, help="Changes on or after this date (YYYY-MM-DD).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to a file.")
def fleet_report(store, since, output_format, output):
    """What changed since a date, per repository, from the store (no scanning)."""
    from .monitor import render_report, report

    db = _open(store)
    try:
        data = report(db, since)
    finally:
        db.close()
    _emit(_report_text(data, output_format, lambda d: render_report(d, markdown=output_format == "markdown")), output)


@fleet.command("query")
@_STORE
@click.argument("sql")
def fleet_query(store, sql):
    """Run a read-only SQL query on the store (tables and views: docs/monitoring.md); tab-separated output."""
    import sqlite3

    db = _open(store)
    try:
        columns, rows = db.query(sql)
    except sqlite3.Error as exc:
        raise click.ClickException(f"query failed: {exc}") from None
    finally:
        db.close()
    from ..report.escape import terminal_text

    click.echo(terminal_text("\t".join(columns)))
    for row in rows:
        click.echo(terminal_text("\t".join("" if v is None else str(v) for v in row)))
