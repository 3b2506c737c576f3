"""Commands in the shell code blocks of READMEs (extract/doc_commands.py): which blocks are read, and where."""

from __future__ import annotations

from ..conftest import finding_columns, finding_props, scan_snippet


def rows(text: str, kind: str = "markdown", filename: str | None = None) -> list[tuple]:
    """(rule, value, state, line, column) of the documented-command findings of one document."""
    return sorted(finding_columns(text, kind, filename, lambda f: f.properties.get("documented")))


def props(text: str, rule: str, kind: str = "markdown") -> list[dict]:
    return finding_props(text, rule, kind)


def test_a_bash_fence_is_read_with_the_documents_lines_and_columns():
    text = "# Train\n\nRun:\n\n```bash\nexport NCCL_IB_HCA=mlx5\n  torchrun --nproc_per_node=8 train.py --bf16\n```\n"
    assert rows(text) == [
        ("WAC101", "bf16", "enabled", 7, 40),
        ("WAC301", "NCCL_IB_HCA", "enabled", 6, 8),
        ("WAC401", 8, "enabled", 7, 12),
        ("WAC404", "torchrun", "enabled", 7, 3),
    ]


def test_findings_say_they_are_documented_and_in_which_block():
    text = "Intro\n\n```sh\ntorchrun --nproc_per_node 8 train.py\n```\n"
    (launch,) = [f for f in scan_snippet(text, "markdown").findings if f.rule == "WAC404"]
    assert launch.properties["documented"] is True and launch.properties["doc_block"] == 3
    assert launch.properties["command_line"] == 4
    assert launch.message.endswith("It runs train.py, in a code block of README.md.")


def test_every_shell_tag_is_read_and_other_languages_are_not():
    for tag in ("bash", "sh", "shell", "zsh", "{bash}", "bash title=run.sh", "Bash"):
        assert [r[0] for r in rows(f"```{tag}\nexport NCCL_IB_HCA=mlx5\n```\n")] == ["WAC301"], tag
    for tag in ("python", "yaml", "text", "dockerfile", "json", "diff"):
        assert rows(f"```{tag}\nexport NCCL_IB_HCA=mlx5\n```\n") == [], tag


def test_a_python_fence_is_not_read_as_shell():
    assert rows("```python\nimport os\nos.environ['NCCL_IB_HCA'] = 'mlx5'\n```\n") == []


def test_an_untagged_fence_is_read_only_when_every_line_reads_as_a_command():
    commands = "```\n# on 8 GPUs\nOMP_NUM_THREADS=1 torchrun --nproc_per_node=8 train.py \\\n    --bf16\n```\n"
    assert [r[0] for r in rows(commands)] == ["WAC101", "WAC401", "WAC404"]
    output = "```\nTraining with\nexport NCCL_IB_HCA=mlx5\n```\n"  # a log line first: not a command block
    assert rows(output) == []
    fragment = "```\n  --use_tpu=True \\\n  --tpu_name=$TPU_NAME\n```\n"  # flags to add to some command
    assert rows(fragment) == []


def test_an_untagged_lightning_launch_is_read_as_a_command():
    text = "```\nlightning run model --accelerator=cuda --devices=8 pretrain/train.py\n```\n"
    assert [r[:3] for r in rows(text)] == [("WAC204", "cuda", "enabled"), ("WAC401", 8, "enabled"),
                                            ("WAC404", "lightning", "enabled")]


def test_tilde_fences_are_read():
    assert [r[0] for r in rows("~~~bash\nexport NCCL_IB_HCA=mlx5\n~~~\n")] == ["WAC301"]
    assert [r[0] for r in rows("~~~\nexport NCCL_IB_HCA=mlx5\n~~~\n")] == ["WAC301"]


def test_prompts_are_blanked_keeping_columns_and_output_lines_are_not_commands():
    text = ("```console\n$ torchrun --nproc_per_node=8 train.py \\\n    --bf16\n"
            "export NCCL_IB_HCA=mlx5\n$ echo done\n```\n")
    # The export line is output of the command (no prompt): not a command. The prompt is blanked, not removed.
    assert rows(text) == [
        ("WAC101", "bf16", "enabled", 3, 5),
        ("WAC401", 8, "enabled", 2, 12),
        ("WAC404", "torchrun", "enabled", 2, 3),
    ]


def test_prompts_in_a_bash_fence_make_the_other_lines_output():
    text = "```bash\n$ export NCCL_IB_HCA=mlx5\nexport NCCL_SOCKET_IFNAME=eth0\n```\n"
    assert rows(text) == [("WAC301", "NCCL_IB_HCA", "enabled", 2, 10)]


def test_a_session_block_without_prompts_is_all_output():
    for tag in ("console", "shell-session"):
        assert rows(f"```{tag}\nexport NCCL_IB_HCA=mlx5\n```\n") == []
        assert [r[0] for r in rows(f"```{tag}\n$ export NCCL_IB_HCA=mlx5\n```\n")] == ["WAC301"]


def test_an_indented_fence_in_a_list_item_is_read():
    text = "1. Launch:\n\n   ```bash\n   deepspeed --num_gpus 4 train.py\n   ```\n"
    assert rows(text) == [("WAC401", 4, "enabled", 4, 14), ("WAC404", "deepspeed", "enabled", 4, 4)]


def test_an_unclosed_fence_is_not_read():
    assert rows("Text\n\n```bash\nexport NCCL_IB_HCA=mlx5\n\nMore prose.\n") == []


def test_a_longer_fence_holds_a_shorter_one_and_is_closed_only_by_its_own_length():
    text = "````markdown\n```bash\nexport NCCL_IB_HCA=mlx5\n```\n````\n\n```bash\nexport NCCL_SOCKET_IFNAME=eth0\n```\n"
    assert rows(text) == [("WAC304", "NCCL_SOCKET_IFNAME", "enabled", 8, 8)]


def test_blocks_are_read_apart_so_an_unclosed_quote_does_not_swallow_the_next_block():
    text = "```bash\necho 'oops\n```\n\n```bash\nexport NCCL_IB_HCA=mlx5\n```\n"
    assert rows(text) == [("WAC301", "NCCL_IB_HCA", "enabled", 6, 8)]


def test_a_commented_command_is_only_mentioned():
    assert rows("```bash\n# export NCCL_IB_HCA=mlx5\n```\n") == [("WAC301", "NCCL_IB_HCA", "mentioned", 2, 10)]


def test_an_angle_bracket_placeholder_is_a_value_to_fill_in_not_a_redirection():
    # To bash `<path_to_data> --bf16` redirects from one file and to another named `--bf16`: the flag would be lost.
    text = "```bash\ntorchrun --nproc_per_node 8 train.py --data_path <path_to_data> --bf16 --out <dir>\n```\n"
    assert rows(text) == [
        ("WAC101", "bf16", "enabled", 2, 65),
        ("WAC401", 8, "enabled", 2, 10),
        ("WAC404", "torchrun", "enabled", 2, 1),
    ]
    (launch,) = props(text, "WAC404")
    assert launch["script_args"] == "--data_path '$path_to_data_' --bf16 --out '$dir_'"
    # Real redirections (a space after the bracket) are left alone.
    text = "```bash\ntorchrun --nproc_per_node 8 train.py < in.txt > log\n```\n"
    assert rows(text) == [("WAC401", 8, "enabled", 2, 10), ("WAC404", "torchrun", "enabled", 2, 1)]


def test_a_python_run_carries_its_script_and_arguments():
    text = "```shell\npython run_squad.py \\\n  --do_train=True \\\n  --use_tpu=True --tpu_name=$TPU_NAME\n```\n"
    (tpu,) = props(text, "WAC208")
    assert tpu["script"] == "run_squad.py"
    assert tpu["script_args"] == "--do_train=True --use_tpu=True '--tpu_name=$TPU_NAME'"
    assert tpu["command_line"] == 2


def test_angle_bracket_placeholders_are_words_not_redirections():
    # To bash, `<your_port> train.py` reads from a file and writes to train.py: the launch would lose its script
    # and every flag after it. A README's `<...>` is a value for the reader to fill in.
    text = ("```bash\ntorchrun --nproc_per_node=4 --master_port=<your_random_port> train.py \\\n"
            "    --model_name_or_path <PATH/TO/CKPT> \\\n    --bf16 True\n```\n")
    assert rows(text) == [("WAC101", "bf16", "enabled", 4, 5), ("WAC401", 4, "enabled", 2, 10),
                          ("WAC404", "torchrun", "enabled", 2, 1)]
    (launch,) = props(text, "WAC404")
    assert launch["script"] == "train.py"


def test_real_redirections_in_a_block_stay_redirections():
    for redirect in (">log.txt 2>&1", "> <log_file>", "< input.txt", "<<EOF"):
        text = f"```bash\ntorchrun --nproc_per_node=8 train.py --bf16 {redirect}\n```\n"
        (launch,) = props(text, "WAC404")
        assert launch["script"] == "train.py", redirect
        assert [r[0] for r in rows(text)] == ["WAC101", "WAC401", "WAC404"], redirect


def test_a_python_module_run_or_inline_code_carries_no_script():
    assert "script" not in props("```bash\npython -m mypkg.train --use_tpu=True\n```\n", "WAC208")[0]
    assert props("```bash\npython -c 'import x' --use_tpu=True\n```\n", "WAC208") == []


def test_rst_code_blocks_and_literal_blocks():
    text = (".. code-block:: bash\n   :linenos:\n\n   export NCCL_IB_HCA=mlx5\n\nRun::\n\n"
            "    torchrun --nproc_per_node=8 train.py\n\n.. code-block:: python\n\n   NCCL_SOCKET_IFNAME = 1\n")
    assert rows(text, "rst", "README.rst") == [
        ("WAC301", "NCCL_IB_HCA", "enabled", 4, 11),
        ("WAC401", 8, "enabled", 8, 14),
        ("WAC404", "torchrun", "enabled", 8, 5),
    ]


def test_an_rst_literal_block_of_prose_is_not_read():
    assert rows("Output::\n\n    Training took 3 hours\n    NCCL_IB_HCA was mlx5\n", "rst", "README.rst") == []


def test_a_character_the_shell_parser_cannot_read_skips_the_block_only():
    text = "```bash\necho {\U00100000}\n```\n\n```bash\nexport NCCL_IB_HCA=mlx5\n```\n"
    assert rows(text) == [("WAC301", "NCCL_IB_HCA", "enabled", 6, 8)]


def test_prose_outside_blocks_is_left_to_the_prose_reader():
    result = scan_snippet("We export NCCL_IB_HCA=mlx5 on every node.\n", "markdown")
    assert [f for f in result.findings if f.properties.get("documented")] == []


def test_a_literal_marker_inside_an_rst_block_opens_no_block_of_its_own():
    text = ".. code-block:: python\n\n   x = 1  # see::\n       export NCCL_IB_HCA=mlx5\n\nDone.\n"
    assert rows(text, "rst", "README.rst") == []
    text = "Run::\n\n    export NCCL_IB_HCA=mlx5 # a::\n        export NCCL_SOCKET_IFNAME=eth0\n"
    assert [(r[0], r[3]) for r in rows(text, "rst", "README.rst")] == [("WAC301", 3), ("WAC304", 4)]


def test_blocks_past_the_parse_cap_are_not_read(monkeypatch):
    from whackachip_lint.extract import doc_commands

    monkeypatch.setattr(doc_commands, "MAX_PARSED_BLOCKS", 2)
    skipped = "```bash\necho hello\n```\n"  # no trigger word: not parsed, not counted
    block = "```bash\nexport NCCL_IB_HCA=mlx5\n```\n"
    assert [r[3] for r in rows(skipped + block * 3)] == [5, 8]


def test_commands_after_a_git_clone_in_the_block_are_another_projects():
    text = "```bash\nexport NCCL_IB_HCA=mlx5\ngit clone https://example.com/up && cd up\ntorchrun train.py\n```\n"
    found = {f.rule: f.properties for f in scan_snippet(text, "markdown").findings}
    assert "other_project" not in found["WAC301"] and found["WAC404"]["other_project"] is True


def test_a_directive_in_the_block_silences_a_documented_command():
    text = "```bash\n# wac-lint: disable=WAC101\ntorchrun --nproc_per_node=8 train.py --bf16\n```\n"
    found = {f.rule: f.suppressed for f in scan_snippet(text, "markdown").findings}
    assert found == {"WAC101": True, "WAC401": False, "WAC404": False}
