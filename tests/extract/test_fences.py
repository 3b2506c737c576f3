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


def test_fences_in_block_quotes_are_read_with_their_markers_blanked():
    text = "> Run:\n>\n> ```bash\n> A\n>\n>  B\n> ```\n\n> > ~~~sh\n> > C\n> > ~~~"
    found_fences = list(fences(text.split("\n")))
    assert blocks(text) == [(3, 7, "bash", "fence", False), (9, 11, "sh", "fence", False)]
    assert [list(fence.body_lines(text.split("\n"))) for fence in found_fences] == [
        [(3, "  A"), (4, " "), (5, "   B")], [(9, "    C")]]
    # Outside a block quote, the body is the document's lines.
    assert list(next(fences(["```", "> A", "```"])).body_lines(["```", "> A", "```"])) == [(1, "> A")]
    assert next(fences(["```", "> A", "```"])).quoted == ()


def test_a_line_without_the_quote_marker_ends_the_quote_and_its_fence():
    # No lazy continuation in a code block: the quote ends with the first line that lacks its `>`, a blank one too.
    assert blocks("> ```bash\n> A\nB\n```") == [(1, 3, "bash", "item", False), (4, 5, "", "document", False)]
    assert blocks("> ```bash\n> A\n\n> B\n> ```") == [(1, 3, "bash", "item", False), (5, 6, "", "document", False)]
    # A `>` indented four columns past its container is text (here an indented code block's), not a quote.
    assert blocks("    > ```bash\n    > A\n    > ```") == []
    # One `>` and its optional space open the quote: four spaces more make indented code.
    assert blocks(">     ```bash\n>     A\n>     ```") == []


def test_quotes_and_list_items_nest_either_way():
    assert blocks("1. Run:\n   > ```bash\n   > A\n   > ```") == [(2, 4, "bash", "fence", False)]
    assert blocks("> 1. Run:\n>\n>    ```bash\n>    A\n>    ```") == [(3, 5, "bash", "fence", False)]
    assert blocks("- - ```bash\n    A\n    ```") == [(1, 3, "bash", "fence", False)]
    # A thematic break is no list item: the indented fence after it is indented code.
    assert blocks("- - -\n\n    ```bash\n    A\n    ```") == []


def test_a_lazy_paragraph_line_leaves_its_list_item_open():
    # The unindented second line continues the item's paragraph, so the fence four columns in is the item's.
    lazy = "1. Install, then\nrun:\n    ```bash\n    A\n    ```"
    assert blocks(lazy) == [(3, 5, "bash", "fence", False)]
    # After a blank line the item's paragraph is over: the same line ends the item, and the fence is indented code.
    assert blocks("1. Install, then\n\nrun:\n    ```bash\n    A\n    ```") == []
    # A line that starts a block (a fence, a heading) is never lazy: it ends the item.
    assert blocks("- Install\n```bash\nA\n```") == [(2, 4, "bash", "fence", False)]
    assert blocks("- Install\n# Run\n    ```bash\n    A\n    ```") == []
    # A lazy line continues a block quote's paragraph too (the fence then needs its `>`).
    assert blocks("> Install, then\nrun:\n> ```bash\n> A\n> ```") == [(3, 5, "bash", "fence", False)]


def test_fences_inside_details_after_a_blank_line_are_markdown():
    text = "<details>\n<summary>Install</summary>\n\n```bash\nA\n```\n</details>"
    assert blocks(text) == [(4, 6, "bash", "fence", False)]


def test_a_line_of_a_million_quote_markers_opens_a_bounded_number_of_containers():
    hostile = ["> " * 1_000_000 + "```bash", "> " * 1_000_000 + "A", "~~~", "B", "~~~"]
    # Past the nesting limit the rest of the line is text: the first two lines open no fence.
    assert blocks("\n".join(hostile)) == [(3, 5, "", "fence", False)]


@pytest.mark.parametrize(("text", "rows"), [
    (f"> ```bash\n> {COMMAND}\n> ```\n", [("WAC301", "enabled", 2)]),
    (f"> > ```bash\n> > {COMMAND}\n> > ```\n", [("WAC301", "enabled", 2)]),
    (f"> Note:\n{COMMAND}\n", []),  # a quote's prose, no code block
    (f"1. Set\nthe variable:\n    ```bash\n    {COMMAND}\n    ```\n", [("WAC301", "enabled", 4)]),
    (f"1. Set\n\nthe variable:\n    ```bash\n    {COMMAND}\n    ```\n", []),  # indented code: not a fence
    (f"<details>\n<summary>Set</summary>\n\n```bash\n{COMMAND}\n```\n</details>\n", [("WAC301", "enabled", 5)]),
])
def test_documented_commands_in_quotes_details_and_lazy_items(text, rows):
    assert found(text) == rows


def test_a_quoted_command_keeps_the_documents_columns():
    result = scan_snippet(f"> ```bash\n> {COMMAND}\n> ```\n", "markdown")
    assert [(f.line, f.column) for f in result.findings if f.rule == "WAC301"] == [(2, 10)]


def test_blank_lines_inside_deeply_nested_list_items_cost_no_loop_over_the_items():
    import time

    nested = [("  " * depth) + "- x" for depth in range(100)]
    lines = nested + [""] * 1_000_000 + ["```bash", "A", "```"]
    started = time.process_time()  # CPU, not wall: other jobs on a loaded machine do not count
    assert [(f.opened, f.ended_by) for f in fences(lines)] == [(1_000_100, "fence")]
    assert time.process_time() - started < 5.0  # a loop over the 100 items per blank line took about 30 s
