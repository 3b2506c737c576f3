"""Markdown fenced code blocks (extract/fences.py, CommonMark's rules), as the prose reader and the documented
commands (doc_commands.py) both see them."""

from __future__ import annotations

import pytest

from whackachip_lint.extract.fences import fenced_lines, fences

from ..conftest import scan_snippet

SENTENCE = "We trained the model on 64 H800 GPUs."
COMMAND = "export NCCL_IB_HCA=mlx5"


def blocks(text: str) -> list[tuple]:
    """(first line, line after the body, info, what ended it, commented) of each fence, 1-based."""
    return [(f.opened + 1, f.end + 1, f.info, f.ended_by, f.commented) for f in fences(text.split("\n"))]


def found(text: str) -> list[tuple]:
    """(rule, state, line) of the prose declaration and the documented command of a README."""
    result = scan_snippet(text, "markdown")
    assert not result.diagnostics
    return sorted((f.rule, f.state.value, f.line) for f in result.findings if f.rule in ("WAC712", "WAC301"))


def test_backtick_and_tilde_fences_with_their_info_strings():
    text = '```bash title="run.sh"\nA\n```\n\n~~~ {.python}\nB\n~~~~\n\n```\nC\n```'
    assert blocks(text) == [(1, 3, 'bash title="run.sh"', "fence", False), (5, 7, "{.python}", "fence", False),
                            (9, 11, "", "fence", False)]
    assert [f.language for f in fences(text.split("\n"))] == ["bash", "python", ""]


def test_a_closing_fence_is_of_the_same_character_at_least_as_long_and_bare():
    text = "````markdown\n```bash\nA\n```\n~~~~\n```` -->\n`````\nB"
    assert blocks(text) == [(1, 7, "markdown", "fence", False)]
    # A stray closer opens a block, which a fence with an info string does not close (as GitHub renders it).
    assert blocks("```\nA\n```python\nB\n```\nC") == [(1, 5, "", "fence", False)]


def test_a_backtick_line_holding_another_backtick_is_inline_code_not_a_fence():
    assert blocks("```torch.compile(model)```\nB\n```bash\nC\n```") == [(3, 5, "bash", "fence", False)]
    assert blocks("~~~ a`b\nC\n~~~") == [(1, 3, "a`b", "fence", False)]


def test_indentation_up_to_three_spaces_and_in_list_items():
    assert blocks("   ```bash\nA\n  ```") == [(1, 3, "bash", "fence", False)]
    assert blocks("    ```bash\nA\n    ```") == []  # an indented code block's text
    assert blocks("```bash\nA\n    ```\nB\n```") == [(1, 5, "bash", "fence", False)]  # four spaces: no closer
    listed = "1. Run:\n\n   ```bash\n   A\n   ```\n   - then:\n\n\t  ```sh\n     B\n     ```"
    assert blocks(listed) == [(3, 5, "bash", "fence", False), (8, 10, "sh", "fence", False)]
    assert blocks("1. Run:\n\n       ```bash\n       A\n       ```") == []  # seven spaces: four past the item
    # The item's content starts after the spaces that follow its marker (one to four of them).
    assert blocks("1.  Run:\n\n       ```bash\n       A\n       ```") == [(3, 5, "bash", "fence", False)]
    assert blocks("-\tRun:\n\n       ```bash\n       A\n       ```") == [(3, 5, "bash", "fence", False)]


def test_a_line_less_indented_than_its_list_item_ends_the_item_and_its_fence():
    assert blocks("- Run:\n  ```bash\n  A\n\nB\n  ```") == [(2, 5, "bash", "item", False),
                                                            (6, 7, "", "document", False)]


def test_a_fence_never_closed_runs_to_the_end_of_the_document():
    assert blocks("```bash\nA\n\nB") == [(1, 5, "bash", "document", False)]
    assert fenced_lines("x\n```\nA\n```bash".split("\n")) == frozenset({1, 2, 3})


def test_fences_in_an_html_comment_are_commented_and_end_with_it():
    text = "<!--\n```bash\nA\n``` -->\n\n```sh\nB\n```"
    assert blocks(text) == [(2, 4, "bash", "comment", True), (6, 8, "sh", "fence", False)]
    assert blocks("<!-- ``` -->\n```bash\nA\n```") == [(2, 4, "bash", "fence", False)]


@pytest.mark.parametrize(("before", "prose"), [
    ("````markdown\n```bash\n```\n````\n", True),  # the inner fence closes nothing outside
    ("```bash\nA\n```` \n", True),
    ("~~~\n```\n~~~\n", True),
    ("- step:\n  ```bash\n  A\n  ```\n", True),
    ("```inline```\n\n", True),  # not a fence: the sentence is prose
    ("```bash\nA\n``` -->\n", False),  # no closer: the block runs on over the sentence
    ("```bash\nA\n", False),  # never closed
    ("    ```\n", True),  # indented code: no fence opened
])
def test_prose_is_what_lies_outside_the_fences(before, prose):
    text = f"# Model\n\n{before}\n{SENTENCE}\n"
    line = text.split("\n").index(SENTENCE) + 1
    assert found(text) == ([("WAC712", "enabled", line)] if prose else [])


@pytest.mark.parametrize(("text", "rows"), [
    (f"````md\n```bash\n{COMMAND}\n```\n````\n", []),  # an example of Markdown, not a shell block
    (f"~~~bash\n{COMMAND}\n~~~\n", [("WAC301", "enabled", 2)]),
    (f'```bash title="setup.sh"\n{COMMAND}\n```\n', [("WAC301", "enabled", 2)]),
    (f"1. Set:\n\n   ```bash\n   {COMMAND}\n   ```\n", [("WAC301", "enabled", 4)]),
    (f"   ```bash\n{COMMAND}\n   ```\n", [("WAC301", "enabled", 2)]),
    (f"    ```bash\n    {COMMAND}\n    ```\n", []),  # indented code holding a fence's text
    (f"```bash\n{COMMAND}\n", []),  # never closed: not read
    (f"<!--\n```bash\n{COMMAND}\n```\n-->\n", [("WAC301", "mentioned", 3)]),  # the author hid it
])
def test_documented_commands_are_read_from_the_same_fences(text, rows):
    assert found(text) == rows
