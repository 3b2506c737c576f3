"""The verdict in one sentence, for the top of a Markdown summary and the SARIF run note.

A minimal stand-in: the readable-verdict work owns this module and its wording.
"""

from __future__ import annotations

from ..infer.engine import CONSISTENT


def bottom_line(verdict) -> str:
    overall = verdict.overall
    likely = [v.name for v in overall.vendors if v.status == "likely"]
    consistent = [c.entry.name for c in overall.candidates if c.status == CONSISTENT]
    vendor = f"{' and '.join(likely)} hardware" if likely else "vendor undecided"
    parts = f"{len(consistent)} catalog part{'s' if len(consistent) != 1 else ''} consistent with the evidence"
    caveat = " (insufficient evidence: not a conclusion)" if overall.insufficient_evidence else ""
    return f"{vendor[:1].upper()}{vendor[1:]}; {parts}{caveat}."
