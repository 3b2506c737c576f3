"""The CI and pre-commit docs: no placeholders, the version the project defines, current action majors."""

from __future__ import annotations

import re
from pathlib import Path

from whackachip_lint import __version__
from whackachip_lint.docs import PROJECT_URL

ROOT = Path(__file__).parent.parent
ACTIONS = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
USER_DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# The newest major of each action the workflow uses (checked 2026-12 on each action's releases page).
CURRENT_MAJORS = {"actions/checkout": 6, "actions/setup-python": 6, "github/codeql-action/upload-sarif": 4}


def test_no_placeholder_owner_and_one_project_url():
    for path in USER_DOCS:
        text = path.read_text(encoding="utf-8")
        assert "OWNER" not in text, path
        for url in re.findall(r"https://github\.com/[\w.-]+/wac-lint", text):
            assert url == PROJECT_URL, (path, url)


def test_the_workflow_pins_the_version_the_project_defines():
    assert set(re.findall(r"wac-lint@(v[\d.]+)", ACTIONS)) == {f"v{__version__}"}


def test_the_workflow_uses_current_action_majors():
    used = [(name, int(major)) for name, major in re.findall(r"uses: ([\w./-]+)@v(\d+)", ACTIONS)
            if name != "whackachip/wac-lint"]
    assert {name for name, _ in used} == set(CURRENT_MAJORS)
    assert all(major == CURRENT_MAJORS[name] for name, major in used), used


def test_private_repositories_are_told_to_enable_code_scanning():
    assert "private" in ACTIONS.lower() and "code scanning enabled" in ACTIONS
