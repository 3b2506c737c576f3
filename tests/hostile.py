"""Helpers shared by the hostile-repository tests (issue 19)."""

from __future__ import annotations

# A Python file with one finding (WAC101, bf16 in force), so a test can see that a file was scanned.
BF16 = "import torch\nx = torch.zeros(1, dtype=torch.bfloat16)\n"


def messages_by_path(result) -> dict[str, list[str]]:
    """A scan's diagnostics as {path: [message, ...]}."""
    out: dict[str, list[str]] = {}
    for d in result.diagnostics:
        out.setdefault(d.path, []).append(d.message)
    return out
