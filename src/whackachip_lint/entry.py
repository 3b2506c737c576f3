"""The `wac-lint` command: replay an unchanged scan (replay.py), else run the command line (cli.py) and record it
(replay_record.py). Imports only the standard library until it knows which."""

from __future__ import annotations

import os
import sys
import time

from . import replay
from .replay import Plan, Session, eligible


def main() -> None:
    """`wac-lint`: replay an unchanged scan, else run the command line (recording what it writes)."""
    started_ns = time.time_ns()
    argv = sys.argv[1:]
    plan = None
    wanted = os.environ.get("WAC_LINT_REPLAY") != "0"  # WAC_LINT_REPLAY=0: neither replay nor record
    if wanted and eligible(argv) and all(getattr(s, "buffer", None) is not None for s in (sys.stdout, sys.stderr)):
        try:
            plan = Plan(argv, started_ns)
            code = replay.replay(plan)
        except Exception:  # never let the fast path stand between the user and a scan
            code = None
        if code is not None:
            sys.exit(code)
    from .cli import main as cli_main

    if plan is None:
        cli_main()
        return
    session = Session(plan)
    if not session.start():
        cli_main()
        return
    replay.report_to(session)
    code = 0
    try:
        cli_main()
    except SystemExit as exc:
        code = exc.code
    finally:
        replay.report_to(None)
        session.stop()
    if session.finished is not None and isinstance(code, int):
        try:
            from .replay_record import save

            save(session, code)
        except Exception:  # a record is an optimisation: failing to write one costs only the next run's time
            pass
    sys.exit(code)


__all__ = ["main"]
