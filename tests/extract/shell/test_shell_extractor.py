"""The shell extractor: environment, launchers, variables, branches, comments, spans."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.evidence import State
from whackachip_lint.extract import ExtractionError, Source
from whackachip_lint.extract.shell import cap_operator_runs, extract
from whackachip_lint.scan import scan

from ...conftest import scan_snippet

E, C, D, M, X = State.ENABLED, State.CONDITIONAL, State.DISABLED, State.MENTIONED, State.DEAD


def facts(code: str, rule: str | None = None) -> list[tuple]:
    """(rule, value, state, line) for every finding, optionally of one rule."""
    result = scan_snippet(textwrap.dedent(code), "shell")
    assert not result.diagnostics, result.diagnostics
    return [(f.rule, f.value, f.state, f.line) for f in result.findings if rule is None or f.rule == rule]


def only(code: str, rule: str) -> tuple:
    found = facts(code, rule)
    assert len(found) == 1, found
    return found[0][1:]


# -- environment -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rule", "value", "state"),
    [
        ("export NCCL_IB_DISABLE=1\n", "WAC301", "NCCL_IB_DISABLE", D),
        ("export NCCL_IB_DISABLE=0\n", "WAC301", "NCCL_IB_DISABLE", E),
        ("export NCCL_NVLS_ENABLE=0\n", "WAC305", "NCCL_NVLS_ENABLE", D),
        ("export NCCL_NET_GDR_LEVEL=PHB\n", "WAC302", "NCCL_NET_GDR_LEVEL", E),
        ("export NCCL_NET_GDR_LEVEL=LOC\n", "WAC302", "NCCL_NET_GDR_LEVEL", D),
        ("export NCCL_NET_GDR_LEVEL=2\n", "WAC302", "NCCL_NET_GDR_LEVEL", E),
        ('export CUDA_VISIBLE_DEVICES=""\n', "WAC403", "", D),
        ("export CUDA_VISIBLE_DEVICES=0,1,2,3\n", "WAC403", "0,1,2,3", E),
        ("export NCCL_DEBUG=INFO\n", "WAC206", "NCCL_DEBUG", E),
        ("declare -x NCCL_IB_HCA=mlx5_0\n", "WAC301", "NCCL_IB_HCA", E),
        ("export TORCH_CUDA_ARCH_LIST='8.0 9.0+PTX'\n", "WAC603", "8.0;9.0+PTX", E),
    ],
)
def test_exported_variables_are_interpreted(code, rule, value, state):
    assert only(code, rule) == (value, state, 1)


def test_p2p_and_ib_disabled_together():
    code = "export NCCL_P2P_DISABLE=1\nexport NCCL_IB_DISABLE=1\n"
    assert facts(code) == [("WAC303", "NCCL_P2P_DISABLE", D, 1), ("WAC301", "NCCL_IB_DISABLE", D, 2)]


def test_commented_out_export_is_mentioned():
    assert only("# export NCCL_IB_HCA=mlx5_0,mlx5_1\n", "WAC301") == ("NCCL_IB_HCA", M, 1)
    assert only("    #export NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", M, 1)


def test_commented_out_multiline_command():
    code = "# deepspeed --num_gpus 8 \\\n#     train.py --bf16\n"
    assert facts(code) == [("WAC404", "deepspeed", M, 1), ("WAC401", 8, M, 1), ("WAC101", "bf16", M, 2)]
    result = scan_snippet(code, "shell")
    bf16 = [f for f in result.findings if f.rule == "WAC101"][0]
    assert bf16.span.column == code.splitlines()[1].index("--bf16") + 1


def test_prose_comments_give_nothing():
    assert facts("# NCCL_IB_HCA is for the a100 partition only\n# set NCCL_IB_DISABLE=1 to turn IB off\n") == []


def test_plain_assignment_not_exported_is_conditional():
    assert only("NCCL_IB_HCA=mlx5_0\npython train.py\n", "WAC301") == ("NCCL_IB_HCA", C, 1)


def test_plain_assignment_exported_later_counts():
    assert only("NCCL_IB_HCA=mlx5_0\nexport NCCL_IB_HCA\n", "WAC301") == ("NCCL_IB_HCA", E, 1)


def test_set_a_exports_plain_assignments():
    assert only("set -a\nNCCL_IB_HCA=mlx5_0\nset +a\n", "WAC301") == ("NCCL_IB_HCA", E, 2)


def test_inline_env_prefix_applies_to_the_command():
    code = "NCCL_IB_DISABLE=1 NCCL_P2P_DISABLE=1 deepspeed train.py\n"
    assert facts(code, "WAC301") == [("WAC301", "NCCL_IB_DISABLE", D, 1)]
    assert facts(code, "WAC303") == [("WAC303", "NCCL_P2P_DISABLE", D, 1)]
    assert facts(code, "WAC404") == [("WAC404", "deepspeed", E, 1)]


def test_env_command_and_mpirun_x_pass_variables():
    assert only("env NCCL_IB_DISABLE=1 torchrun train.py\n", "WAC301") == ("NCCL_IB_DISABLE", D, 1)
    assert only("mpirun -np 16 -x NCCL_IB_HCA=mlx5_0 python train.py\n", "WAC301") == ("NCCL_IB_HCA", E, 1)


def test_unset_restores_the_default():
    # Was pinned as disabled; unsetting CUDA_VISIBLE_DEVICES makes every device visible again, it hides none.
    assert only("unset CUDA_VISIBLE_DEVICES\n", "WAC403") == ("", M, 1)


def test_unsetting_a_disable_switch_is_no_evidence_either_way():
    assert only("unset NCCL_IB_DISABLE\n", "WAC301") == ("NCCL_IB_DISABLE", M, 1)


def test_variable_in_env_value_is_resolved():
    code = "LEVEL=PHB\nexport NCCL_NET_GDR_LEVEL=$LEVEL\n"
    assert only(code, "WAC302") == ("NCCL_NET_GDR_LEVEL", E, 2)


def test_unknown_switch_value_is_conditional():
    assert only("export NCCL_IB_DISABLE=$NO_IB\n", "WAC301") == ("NCCL_IB_DISABLE", C, 1)


def test_default_expansion_gives_the_default():
    result = scan_snippet("export NCCL_IB_DISABLE=${NO_IB:-1}\n", "shell")
    (finding,) = [f for f in result.findings if f.rule == "WAC301"]
    assert finding.state is D
    assert finding.properties["default_of"] == "NO_IB"


# -- branches ----------------------------------------------------------------------------------------------------


def test_dead_branch_is_dead_and_live_branch_enabled():
    code = """\
        NET_TYPE="high"
        if [[ $NET_TYPE == "low" ]]; then
            export NCCL_IB_DISABLE=1
        else
            export NCCL_IB_HCA=mlx5_0
        fi
        """
    assert facts(code) == [("WAC301", "NCCL_IB_DISABLE", X, 3), ("WAC301", "NCCL_IB_HCA", E, 5)]


def test_branch_on_an_overridable_default_is_conditional():
    code = """\
        NET=${NET:-tcp}
        if [ "$NET" = ib ]; then
            export NCCL_IB_HCA=mlx5_0
        else
            export NCCL_IB_DISABLE=1
        fi
        """
    assert facts(code) == [("WAC301", "NCCL_IB_HCA", C, 3), ("WAC301", "NCCL_IB_DISABLE", C, 5)]


def test_undecidable_branch_is_conditional():
    code = """\
        if [ "$CLUSTER" = "a100" ]; then
            export NCCL_IB_HCA=mlx5_0
        fi
        """
    assert only(code, "WAC301") == ("NCCL_IB_HCA", C, 2)


def test_elif_chain_after_live_branch_is_dead():
    code = """\
        MODE=ib
        if [ "$MODE" == ib ]; then
            export NCCL_IB_HCA=mlx5_0
        elif [ "$MODE" == tcp ]; then
            export NCCL_IB_DISABLE=1
        else
            export NCCL_SOCKET_IFNAME=eth0
        fi
        """
    assert facts(code) == [
        ("WAC301", "NCCL_IB_HCA", E, 3),
        ("WAC301", "NCCL_IB_DISABLE", X, 5),
        ("WAC304", "NCCL_SOCKET_IFNAME", X, 7),
    ]


def test_case_on_known_value():
    code = """\
        NET=roce
        case $NET in
          ib|roce) export NCCL_IB_GID_INDEX=3 ;;
          *) export NCCL_IB_DISABLE=1 ;;
        esac
        """
    assert facts(code) == [("WAC301", "NCCL_IB_GID_INDEX", E, 3), ("WAC301", "NCCL_IB_DISABLE", X, 4)]


def test_case_on_unknown_value_is_conditional():
    code = "case $1 in\n  ib) export NCCL_IB_HCA=mlx5_0 ;;\nesac\n"
    assert only(code, "WAC301") == ("NCCL_IB_HCA", C, 2)


def test_test_and_operator():
    assert only('MODE=tcp\n[ "$MODE" = ib ] && export NCCL_IB_HCA=mlx5_0\n', "WAC301") == ("NCCL_IB_HCA", X, 2)
    assert only('MODE=ib\n[ "$MODE" = ib ] && export NCCL_IB_HCA=mlx5_0\n', "WAC301") == ("NCCL_IB_HCA", E, 2)
    assert only("cd /work && export NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", E, 1)
    assert only("make || export NCCL_IB_DISABLE=1\n", "WAC301") == ("NCCL_IB_DISABLE", C, 1)


def test_variable_set_in_undecided_branch_becomes_unknown():
    code = """\
        GPUS=8
        if [ -n "$SMALL" ]; then GPUS=2; fi
        torchrun --nproc_per_node $GPUS train.py
        """
    assert only(code, "WAC401") == ("$GPUS", C, 3)


def test_variable_set_in_dead_branch_is_ignored():
    code = """\
        GPUS=8
        SMALL=no
        if [ "$SMALL" = yes ]; then GPUS=2; fi
        torchrun --nproc_per_node $GPUS train.py
        """
    assert only(code, "WAC401") == (8, E, 4)


def test_nested_dead_branch_inside_conditional_stays_dead():
    code = """\
        A=1
        if [ -f /etc/ib ]; then
          if [ "$A" = 2 ]; then export NCCL_IB_DISABLE=1; fi
        fi
        """
    assert only(code, "WAC301") == ("NCCL_IB_DISABLE", X, 3)


def test_function_bodies_run_when_called():
    code = """\
        setup() {
          export NCCL_IB_HCA=mlx5_0
        }
        never() {
          export NCCL_SOCKET_IFNAME=eth0
        }
        setup
        """
    assert facts(code) == [("WAC301", "NCCL_IB_HCA", E, 2), ("WAC304", "NCCL_SOCKET_IFNAME", C, 5)]


def test_function_sees_variables_set_before_the_call():
    code = """\
        launch() {
          torchrun --nproc_per_node "$GPUS" train.py
        }
        GPUS=4
        launch
        """
    assert only(code, "WAC401") == (4, E, 2)


def test_while_loop_body_is_conditional():
    assert only("while true; do\n  export NCCL_IB_HCA=mlx5_0\ndone\n", "WAC301") == ("NCCL_IB_HCA", C, 2)


def test_bash_dash_c_behind_srun_is_read_in_place():
    code = 'N=8\nsrun --nodes 2 bash -c "torchrun --nproc_per_node $N --nnodes \\$SLURM_NNODES train.py --bf16"\n'
    assert [f[1] for f in facts(code, "WAC404")] == ["srun", "torchrun"]
    assert only(code, "WAC401") == (8, E, 2)
    assert only(code, "WAC101") == ("bf16", E, 2)
    result = scan_snippet(code, "shell")
    (bf16,) = [f for f in result.findings if f.rule == "WAC101"]
    assert bf16.span.column == code.splitlines()[1].index("--bf16") + 1


def test_env_string_exported_or_passed_through_env():
    code = 'NET_ENV="NCCL_IB_DISABLE=1 NCCL_P2P_DISABLE=1"\nexport $NET_ENV\n'
    assert facts(code) == [("WAC301", "NCCL_IB_DISABLE", D, 1), ("WAC303", "NCCL_P2P_DISABLE", D, 1)]
    code = 'NET_ENV="NCCL_IB_DISABLE=1"\nenv $NET_ENV torchrun train.py\n'
    assert facts(code, "WAC301") == [("WAC301", "NCCL_IB_DISABLE", D, 1)]


def test_eval_of_quoted_variable_reads_its_value():
    code = 'SETUP="export NCCL_IB_HCA=mlx5_0; export NCCL_IB_GID_INDEX=3"\neval "$SETUP"\n'
    assert facts(code) == [("WAC301", "NCCL_IB_HCA", C, 1), ("WAC301", "NCCL_IB_GID_INDEX", C, 1)]


def test_eval_string_with_expansions_resolves_them():
    code = 'HCA=mlx5_0\neval "export NCCL_IB_HCA=$HCA"\n'
    result = scan_snippet(code, "shell")
    (finding,) = result.findings
    assert (finding.state, finding.properties["setting"], finding.line) == (C, "mlx5_0", 2)


def test_variable_read_from_input_is_decided_at_run_time():
    # After `read N` the default in ${N:-8} is no longer what runs.
    code = 'read -r -p "GPUs? " N\ntorchrun --nproc_per_node ${N:-8} t.py\n'
    assert facts(code, "WAC401") == [("WAC401", "${N:-8}", C, 2)]
    assert facts('read -p "N" X\ntorchrun --nproc_per_node ${N:-8} t.py\n', "WAC401") == [("WAC401", 8, E, 2)]


def test_eval_of_env_string_before_a_command():
    # eval expands "$ENVS python ..." before parsing, so $ENVS's assignments are env prefixes of the command.
    code = 'ENVS="NCCL_IB_DISABLE=1 NCCL_P2P_DISABLE=1"\neval "$ENVS python train.py"\n'
    assert facts(code) == [("WAC301", "NCCL_IB_DISABLE", C, 2), ("WAC303", "NCCL_P2P_DISABLE", C, 2)]
    spans = {(f.span.line, f.span.column, f.span.end_column) for f in scan_snippet(code, "shell").findings}
    assert spans == {(2, 6, 29)}  # the whole eval'd string: exact columns exist only after expansion
    unknown = 'eval "$ENVS python train.py"\n'
    assert facts(unknown) == []


def test_eval_of_literal_is_conditional():
    assert only('eval "export NCCL_IB_DISABLE=1"\n', "WAC301") == ("NCCL_IB_DISABLE", C, 1)
    code = 'ENV_STR="export NCCL_IB_HCA=mlx5_0"\neval $ENV_STR\n'
    assert only(code, "WAC301") == ("NCCL_IB_HCA", C, 1)


# -- launchers ---------------------------------------------------------------------------------------------------


def test_torchrun_counts_and_script():
    result = scan_snippet("torchrun --nnodes=4 --nproc_per_node=8 train.py --bf16\n", "shell")
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["WAC404"].value == "torchrun"
    assert by_rule["WAC404"].properties["script"] == "train.py"
    assert (by_rule["WAC401"].value, by_rule["WAC402"].value) == (8, 4)
    assert by_rule["WAC101"].properties == {"flag": "--bf16", "launcher": "torchrun", "command_line": 1}


@pytest.mark.parametrize(
    ("code", "launcher"),
    [
        ("python -m torch.distributed.run --nproc_per_node 8 train.py\n", "torchrun"),
        ("python3 -u -m torch.distributed.launch --nproc_per_node 8 train.py\n", "torch.distributed.launch"),
        ("deepspeed --num_gpus 8 train.py\n", "deepspeed"),
        ("accelerate launch --num_processes 8 train.py\n", "accelerate"),
        ("nohup torchrun --nproc_per_node 8 train.py > log 2>&1 &\n", "torchrun"),
        ("numactl -N 0 -m 0 sudo -E torchrun --nproc_per_node 8 train.py\n", "torchrun"),
    ],
)
def test_launchers_and_gpus_per_node(code, launcher):
    assert only(code, "WAC404") == (launcher, E, 1)
    assert only(code, "WAC401") == (8, E, 1)


def test_gpus_from_variable_with_default():
    code = "GPUS=${GPUS:-8}\ntorchrun --nproc_per_node $GPUS train.py\n"
    assert only(code, "WAC401") == (8, E, 2)


def test_assigning_default_expansion():
    code = ': "${GPUS:=4}"\ntorchrun --nproc_per_node $GPUS train.py\n'
    assert only(code, "WAC401") == (4, E, 2)


@pytest.mark.parametrize(
    "setup",
    [
        'if [ -z "$GPUS" ]; then\n  GPUS=8\nfi\n',
        '[ -z "$GPUS" ] && GPUS=8\n',
        "[[ -n $GPUS ]] || GPUS=8\n",
    ],
)
def test_emptiness_test_gives_a_default(setup):
    result = scan_snippet(setup + "torchrun --nproc_per_node $GPUS train.py\n", "shell")
    (gpus,) = [f for f in result.findings if f.rule == "WAC401"]
    assert (gpus.value, gpus.state, gpus.properties["default_of"]) == (8, E, "GPUS")


def test_emptiness_test_of_a_variable_set_in_the_file_is_decided():
    code = 'GPUS=4\nif [ -z "$GPUS" ]; then GPUS=8; fi\ntorchrun --nproc_per_node $GPUS train.py\n'
    assert only(code, "WAC401") == (4, E, 3)


def test_default_expansion_inline():
    result = scan_snippet("torchrun --nproc_per_node ${GPUS_PER_NODE:-8} train.py\n", "shell")
    (finding,) = [f for f in result.findings if f.rule == "WAC401"]
    assert (finding.value, finding.state, finding.properties["default_of"]) == (8, E, "GPUS_PER_NODE")


def test_unresolved_gpu_count_keeps_raw_text():
    assert only("torchrun --nproc_per_node $NGPU train.py\n", "WAC401") == ("$NGPU", C, 1)
    assert only("torchrun --nproc_per_node=$(nvidia-smi -L | wc -l) train.py\n", "WAC401")[1] is C


def test_unresolved_count_shows_the_text_where_it_is_used():
    code = "GPUS_PER_NODE=$(nvidia-smi --list-gpus | wc -l)\ntorchrun --nproc_per_node $GPUS_PER_NODE train.py\n"
    assert only(code, "WAC401") == ("$GPUS_PER_NODE", C, 2)
    assert only("torchrun --nproc_per_node=${N} train.py\n", "WAC401") == ("${N}", C, 1)


def test_arguments_string_is_word_split_and_traced_to_its_line():
    code = """\
        GPUS_PER_NODE=8
        NNODES=2
        DISTRIBUTED_ARGS="--nproc_per_node $GPUS_PER_NODE --nnodes $NNODES"
        torchrun $DISTRIBUTED_ARGS pretrain.py
        """
    assert only(code, "WAC401") == (8, E, 3)
    assert only(code, "WAC402") == (2, E, 3)
    assert only(code, "WAC404") == ("torchrun", E, 4)


def test_bash_array_arguments():
    code = """\
        LAUNCH=(--nproc_per_node 4 --nnodes 2)
        torchrun "${LAUNCH[@]}" train.py
        """
    assert only(code, "WAC401") == (4, E, 1)
    assert only(code, "WAC402") == (2, E, 1)


def test_escaped_blank_in_a_variable_splits_like_bash():
    code = "ARGS=--nnodes\\ 2\ntorchrun $ARGS train.py\n"
    assert only(code, "WAC402") == (2, E, 1)


def test_arithmetic_expansion():
    assert only("N=2\ntorchrun --nproc_per_node $((N*4)) train.py\n", "WAC401") == (8, E, 2)


def test_deepspeed_hostfile_config_and_precision_flags():
    code = "deepspeed --hostfile hostfile --num_nodes 4 train.py --deepspeed ds.json --bf16 True --fp16 False\n"
    assert only(code, "WAC405") == ("hostfile", E, 1)
    assert only(code, "WAC402") == (4, E, 1)
    assert only(code, "WAC406") == ("ds.json", E, 1)
    assert only(code, "WAC101") == ("bf16", E, 1)
    assert only(code, "WAC102") == ("fp16", D, 1)


def test_facts_of_a_multiline_command_share_its_command_line():
    code = "echo start\ndeepspeed --num_gpus 8 \\\n    train.py \\\n    --deepspeed ds.json \\\n    --bf16\n"
    result = scan_snippet(code, "shell")
    launch = {f.rule: (f.line, f.properties["command_line"]) for f in result.findings}
    assert launch == {"WAC404": (2, 2), "WAC401": (2, 2), "WAC406": (4, 2), "WAC101": (5, 2)}


def test_training_script_memory_flags():
    code = "torchrun train.py --per_device_train_batch_size 4 --gradient_accumulation_steps 1 --zero-stage 2\n"
    assert only(code, "WAC504") == (4, E, 1)
    assert only(code, "WAC503") == (1, D, 1)
    assert only(code, "WAC501") == (2, E, 1)
    assert only("torchrun pretrain.py --micro-batch-size $MBS\n", "WAC504") == ("$MBS", C, 1)


def test_a_script_that_starts_one_process_per_local_gpu():
    # `python train.py --gpus=8` (the script spawns its own workers) and detectron2's `--num-gpus 8`: devices on
    # this node. A list of device ids or an undecided count names no number; zero GPUs is a CPU run.
    code = """\
        python train.py --outdir=runs --gpus=8 --batch=32
        python tools/train_net.py --num-gpus 4 --num-machines 2
        GPUS=${GPUS:-2}
        python main.py --ngpus $GPUS
        python main.py --gpus 0,1,2,3
        python main.py --gpus $NGPU
        python main.py --num_gpus 0
        python main.py --gpu 1
        """
    assert facts(code, "WAC401") == [("WAC401", 8, E, 1), ("WAC401", 4, E, 2), ("WAC401", 2, E, 4),
                                     ("WAC401", 0, D, 7)]


def test_lightning_fabric_launcher():
    code = """\
        lightning run model --node-rank=0 --main-address=10.0.0.5 --accelerator=cuda --devices=8 --num-nodes=2 \\
            pretrain/train.py --train_data_dir data
        fabric run --devices auto --precision bf16-mixed train.py
        fabric run model --devices=4 train.py
        lightning run app app.py
        """
    found = {(rule, value, state, line) for rule, value, state, line in facts(code)}
    assert found == {
        ("WAC404", "lightning", E, 1), ("WAC204", "cuda", E, 1), ("WAC401", 8, E, 1), ("WAC402", 2, E, 1),
        ("WAC404", "lightning", E, 3), ("WAC401", "auto", C, 3), ("WAC101", "bf16", E, 3),
        ("WAC404", "lightning", E, 4), ("WAC401", 4, E, 4),
    }
    launch = [f for f in scan_snippet(textwrap.dedent(code), "shell").findings if f.rule == "WAC404"][0]
    assert launch.properties["script"] == "pretrain/train.py"


def test_a_template_with_angle_bracket_placeholders_is_read():
    # Megatron-style example scripts: `DATA_PATH=<Specify path and file prefix>` is no redirection but a blank to fill.
    code = ("#!/bin/bash\nDATA_PATH=<Specify path and file prefix>\nVOCAB_FILE=<Specify path to vocab.txt>\n"
            "CHECKPOINT_PATH=<Specify path>\n\n"
            "torchrun --nproc_per_node 8 pretrain_t5.py \\\n  --data-path $DATA_PATH --vocab-file $VOCAB_FILE \\\n"
            "  --save <CHECKPOINT_DIR>/t5 \\\n  --bf16\n")
    assert sorted((r, str(v)) for r, v, s, _ in facts(code) if s is E) == [
        ("WAC101", "bf16"), ("WAC401", "8"), ("WAC404", "torchrun")]


@pytest.mark.parametrize("redirect", ["<in.txt > out.log", "< in.txt >out.log", "<<EOF\nx\nEOF", "2>&1 >log.txt",
                                      "< <(echo x)"])
def test_real_redirections_are_not_placeholders(redirect):
    code = f"torchrun --nproc_per_node 8 train.py --bf16 {redirect}\n"
    assert sorted((r, str(v)) for r, v, s, _ in facts(code) if s is E) == [
        ("WAC101", "bf16"), ("WAC401", "8"), ("WAC404", "torchrun")]
    from whackachip_lint.extract.shell import blank_placeholders
    assert blank_placeholders(code) == code


def test_hugging_face_fsdp_flag_shards_unless_it_says_no_shard():
    # TrainingArguments' --fsdp takes FSDPOption words: sharding ones put FSDP in force, "no_shard" switches it off.
    assert only('torchrun --nproc_per_node 4 train.py --fsdp "full_shard auto_wrap" --bf16 True\n', "WAC505") == (
        "fsdp", E, 1)
    assert only("python train.py --fsdp=shard_grad_op\n", "WAC505") == ("fsdp", E, 1)
    assert only('python train.py --fsdp "no_shard"\n', "WAC505") == ("fsdp", D, 1)
    assert only('python train.py --fsdp ""\n', "WAC505") == ("fsdp", D, 1)
    assert only("python train.py --fsdp $FSDP_MODE\n", "WAC505") == ("fsdp", C, 1)
    assert only("python train.py --fsdp offload\n", "WAC505") == ("fsdp", C, 1)
    assert only('# torchrun train.py --fsdp "full_shard"\n', "WAC505") == ("fsdp", M, 1)
    assert facts("python train.py --fsdp_config fsdp.json --seed 1\n", "WAC505") == []


def test_megatron_fp8_format_flag():
    assert only("torchrun pretrain_gpt.py --bf16 --fp8-format hybrid\n", "WAC104") == ("fp8", E, 1)
    assert only("# torchrun pretrain_gpt.py --fp8-format hybrid\n", "WAC104") == ("fp8", M, 1)


def test_bf16_flag_from_unknown_variable_is_conditional():
    assert only("torchrun train.py --bf16 $USE_BF16\n", "WAC101") == ("bf16", C, 1)


def test_megatron_bare_deepspeed_switch_is_no_config():
    code = "deepspeed pretrain.py --deepspeed --deepspeed_config ds_config.json\n"
    assert only(code, "WAC406") == ("ds_config.json", E, 1)


def test_backend_flags():
    assert only("torchrun train.py --ddp_backend nccl\n", "WAC201") == ("nccl", E, 1)
    assert only("torchrun pretrain.py --distributed-backend=hccl\n", "WAC201") == ("hccl", E, 1)


def test_accelerate_options():
    code = "accelerate launch --config_file cfg.yaml --num_machines 2 --num_processes 16 --mixed_precision bf16 t.py\n"
    assert only(code, "WAC406") == ("cfg.yaml", E, 1)
    assert only(code, "WAC402") == (2, E, 1)
    assert only(code, "WAC401") == (8, E, 1)
    assert only(code, "WAC101") == ("bf16", E, 1)


def test_srun_options_and_inner_launcher():
    code = "srun -N 4 --gres=gpu:8 torchrun --nproc_per_node 8 train.py\n"
    assert [f[1] for f in facts(code, "WAC404")] == ["srun", "torchrun"]
    assert only(code, "WAC402") == (4, E, 1)
    assert [f[1] for f in facts(code, "WAC401")] == [8, 8]


def test_glued_short_option():
    result = scan_snippet("srun -N4 python train.py\n", "shell")
    (nodes,) = [f for f in result.findings if f.rule == "WAC402"]
    assert (nodes.value, nodes.properties["flag"], nodes.span.column, nodes.span.end_column) == (4, "-N", 6, 9)


def test_sbatch_options_without_launcher():
    code = "sbatch --nodes=2 --gpus-per-node=a100:4 job.sh\n"
    assert facts(code, "WAC404") == []
    assert only(code, "WAC402") == (2, E, 1)
    assert only(code, "WAC401") == (4, E, 1)


def test_mpirun_hostfile_and_per_node():
    code = "mpirun -np 16 --hostfile hosts -npernode 8 python train.py\n"
    assert only(code, "WAC405") == ("hosts", E, 1)
    assert only(code, "WAC401") == (8, E, 1)


def test_plain_python_run_is_no_launcher_but_flags_count():
    code = "python train.py --bf16 --deepspeed ds.json\n"
    assert facts(code, "WAC404") == []
    assert only(code, "WAC101") == ("bf16", E, 1)
    assert only(code, "WAC406") == ("ds.json", E, 1)


def test_commented_out_launch_is_mentioned():
    code = "# deepspeed --num_gpus 8 train.py --bf16\n"
    assert facts(code) == [
        ("WAC404", "deepspeed", M, 1),
        ("WAC401", 8, M, 1),
        ("WAC101", "bf16", M, 1),
    ]


def test_echo_of_flags_is_nothing():
    assert facts("echo torchrun --nnodes 4 --bf16\n") == []


def test_launch_in_dead_branch_is_dead():
    code = 'MODE=single\nif [ "$MODE" = multi ]; then\n  torchrun --nnodes 4 train.py\nfi\n'
    assert only(code, "WAC402") == (4, X, 3)


def test_compiler_flags_on_command_lines():
    code = "nvcc -gencode arch=compute_90a,code=sm_90a -o k k.cu\nhipcc --offload-arch=gfx942 k.cpp\n"
    assert facts(code) == [("WAC603", "9.0a", E, 1), ("WAC209", "amd", E, 2), ("WAC604", "gfx942", E, 2)]


def test_heredoc_deepspeed_config_is_read():
    code = """\
        cat > ds.json <<EOF
        {"zero_optimization": {"stage": 3}, "bf16": {"enabled": true}}
        EOF
        """
    assert facts(code) == [("WAC501", 3, C, 2), ("WAC101", "bf16", C, 2)]


def test_heredoc_finding_says_why_it_is_conditional():
    # "sets bf16.enabled to true" marked conditional must say the heredoc is the reason.
    code = 'cat > ds.json <<EOF\n{"bf16": {"enabled": true}}\nEOF\n'
    [bf16] = scan_snippet(code, "shell").findings
    assert bf16.state is C and "heredoc" in bf16.message
    dead = 'if false; then\ncat > ds.json <<EOF\n{"bf16": {"enabled": true}}\nEOF\nfi\n'
    [bf16] = scan_snippet(dead, "shell").findings
    assert bf16.state is X and "cannot run" in bf16.message and "rule out" in bf16.message


def test_heredoc_template_with_expansions():
    code = """\
        ZERO_STAGE=3
        cat <<EOT > $CONFIG_JSON
        {
          "train_micro_batch_size_per_gpu": $MICRO_BATCH,
          "zero_optimization": {"stage": $ZERO_STAGE},
          "bf16": {"enabled": true}
        }
        EOT
        """
    assert facts(code) == [("WAC501", 3, C, 5), ("WAC101", "bf16", C, 6)]
    result = scan_snippet(textwrap.dedent(code), "shell")
    bf16 = [f for f in result.findings if f.rule == "WAC101"][0]
    assert bf16.span.column == 12 and bf16.properties["heredoc"] is True  # the "enabled" key


def test_heredoc_that_is_not_json_gives_nothing():
    assert facts("cat <<EOF > notes.txt\n{ not json, $X }\nEOF\n") == []


# -- spans and robustness ----------------------------------------------------------------------------------------


def test_columns_count_code_points_not_bytes():
    result = scan_snippet('echo "héllo wörld"; export NCCL_IB_HCA=mlx5_0\n', "shell")
    (finding,) = result.findings
    line = 'echo "héllo wörld"; export NCCL_IB_HCA=mlx5_0'
    assert finding.span.column == line.index("NCCL_IB_HCA") + 1
    assert finding.span.end_column == len(line) + 1


def test_span_covers_flag_and_value():
    result = scan_snippet("torchrun --nproc_per_node 8 train.py\n", "shell")
    (finding,) = [f for f in result.findings if f.rule == "WAC401"]
    assert (finding.span.column, finding.span.end_column) == (10, 28)


def test_broken_script_still_reports_valid_parts():
    code = "export NCCL_IB_HCA=mlx5_0\nif then fi (\n"
    result = scan_snippet(code, "shell")
    assert [(f.rule, f.line) for f in result.findings] == [("WAC301", 1)]


def test_non_shell_text_gets_a_diagnostic():
    result = scan_snippet("}}}} ((( ]] ;; esac fi done )) {{\n" * 5, "shell")
    assert result.findings == []
    assert result.diagnostics and "not valid bash" in result.diagnostics[0].message


def test_crlf_line_endings():
    code = "export NCCL_IB_DISABLE=1\r\ntorchrun --nproc_per_node 8 train.py --bf16\r\n"
    assert facts(code) == [
        ("WAC301", "NCCL_IB_DISABLE", D, 1),
        ("WAC404", "torchrun", E, 2),
        ("WAC401", 8, E, 2),
        ("WAC101", "bf16", E, 2),
    ]


def test_empty_file():
    assert facts("") == []


# -- never crash -------------------------------------------------------------------------------------------------


_TOKENS = st.sampled_from(
    [
        "export",
        "NCCL_IB_DISABLE=1",
        "GPUS=8",
        "${GPUS:-8}",
        "$GPUS",
        '"$X"',
        "torchrun",
        "deepspeed",
        "srun",
        "--nproc_per_node",
        "--bf16",
        "False",
        "if",
        "then",
        "fi",
        "else",
        "[[",
        "]]",
        "==",
        "case",
        "in",
        "esac",
        ";;",
        ")",
        "(",
        "{",
        "}",
        "&&",
        "||",
        "|",
        ";",
        "\n",
        "#",
        "eval",
        "<<EOF",
        "EOF",
        "$((1+",
        "ARR=(",
        "é",
        "${A[@]}",
        "-N4",
        "--gres=gpu:8",
        "unset",
        "set -a",
        "'",
        '"',
        "\\",
        "$(",
        "`",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=40))
def test_token_soup_never_crashes(tokens):
    data = " ".join(tokens).encode()
    try:
        extract(Source(Path("x.sh"), "x.sh", "shell", data))
    except ExtractionError:
        pass


# -- paths resolved against the scanned root ---------------------------------------------------------------------


def _scan_tree(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return scan([tmp_path])


def test_config_path_resolved_relative_to_the_script(tmp_path):
    result = _scan_tree(
        tmp_path,
        {
            "scripts/run.sh": "deepspeed ../train.py --deepspeed ../configs/ds.json\n",
            "configs/ds.json": '{"zero_optimization": {"stage": 3}}\n',
            "train.py": "print('hi')\n",
        },
    )
    by_rule = {f.rule: f for f in result.findings if f.path == "scripts/run.sh"}
    assert by_rule["WAC406"].value == "../configs/ds.json"
    assert by_rule["WAC406"].properties["resolved"] == "configs/ds.json"
    assert by_rule["WAC404"].properties["script_resolved"] == "train.py"


def test_config_path_under_the_script_directory_idiom(tmp_path):
    script = (
        'SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)\n'
        "deepspeed --hostfile ${SCRIPT_DIR}/hosts.txt train.py --deepspeed $SCRIPT_DIR/ds.json\n"
    )
    result = _scan_tree(
        tmp_path, {"launch/run.sh": script, "launch/ds.json": "{}\n", "launch/hosts.txt": "n1 slots=8\n"}
    )
    by_rule = {f.rule: f for f in result.findings}
    assert (by_rule["WAC406"].value, by_rule["WAC406"].state) == ("$SCRIPT_DIR/ds.json", E)
    assert by_rule["WAC406"].properties["resolved"] == "launch/ds.json"
    assert by_rule["WAC405"].properties["resolved"] == "launch/hosts.txt"


def test_missing_config_is_reported_without_resolution(tmp_path):
    result = _scan_tree(tmp_path, {"run.sh": "deepspeed train.py --deepspeed nowhere.json\n"})
    (config,) = [f for f in result.findings if f.rule == "WAC406"]
    assert config.state is E and "resolved" not in config.properties


def test_multiline_argument_string_places_each_flag_on_its_line():
    code = 'N=8\nARGS="\n    --nproc_per_node $N \\\n    --nnodes 2\n"\ntorchrun $ARGS train.py --bf16\n'
    result = scan_snippet(code, "shell")
    spans = {f.rule: (f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in result.findings}
    assert spans["WAC401"] == (3, 5, 3, 21)  # the flag; its value was written on line 1
    assert spans["WAC402"] == (4, 5, 4, 15)
    assert {f.rule: f.value for f in result.findings}["WAC402"] == 2


def test_script_directory_inside_an_argument_string(tmp_path):
    script = 'HERE=$(dirname "$0")\nARGS="--deepspeed ${HERE}/ds.json"\ndeepspeed train.py $ARGS\n'
    result = _scan_tree(tmp_path, {"s/run.sh": script, "s/ds.json": "{}\n"})
    (config,) = [f for f in result.findings if f.rule == "WAC406"]
    assert (config.value, config.line, config.properties["resolved"]) == ("${HERE}/ds.json", 2, "s/ds.json")


# -- dead code: after exit, functions nothing calls ------------------------------------------------------------


def test_code_after_a_top_level_exit_is_dead():
    code = "export NCCL_IB_HCA=mlx5_0\nexit 0\nexport NCCL_IB_DISABLE=1\n"
    assert facts(code) == [("WAC301", "NCCL_IB_HCA", E, 1), ("WAC301", "NCCL_IB_DISABLE", X, 3)]
    [dead] = [f for f in scan_snippet(code, "shell").findings if f.line == 3]
    assert "after the unconditional exit at line 2" in dead.message


def test_exit_that_may_not_run_leaves_the_rest_live():
    assert only('[ -f x ] && exit 1\nexport NCCL_IB_HCA=mlx5_0\n', "WAC301") == ("NCCL_IB_HCA", E, 2)
    assert only("if [ -f x ]; then exit 1; fi\nexport NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", E, 2)
    assert only("(exit 1)\nexport NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", E, 2)  # a subshell's exit
    assert only("f() { exit 1; }\nexport NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", E, 2)


def test_code_after_exec_of_a_command_is_dead():
    code = "exec torchrun --nproc_per_node 8 train.py\nexport NCCL_IB_HCA=mlx5_0\n"
    assert only(code, "WAC301") == ("NCCL_IB_HCA", X, 2)
    assert only(code, "WAC401") == (8, E, 1)
    [dead] = [f for f in scan_snippet(code, "shell").findings if f.line == 2]
    assert "after the unconditional exec at line 1" in dead.message
    # exec with redirections only keeps the shell running
    assert only("exec > log 2>&1\nexport NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", E, 2)
    assert only("exec 3>&1\nexport NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", E, 2)


def test_commented_command_after_exit_is_still_only_mentioned():
    assert only("exit 0\n# export NCCL_IB_HCA=mlx5_0\n", "WAC301") == ("NCCL_IB_HCA", M, 2)


LAUNCHING = "torchrun --nproc_per_node 8 train.py\n"


def test_function_never_called_in_a_launch_script_is_dead():
    code = "low() {\n  export NCCL_IB_DISABLE=1\n}\nhigh() {\n  export NCCL_IB_HCA=mlx5_0\n}\nhigh\n" + LAUNCHING
    assert facts(code, "WAC301") == [("WAC301", "NCCL_IB_DISABLE", X, 2), ("WAC301", "NCCL_IB_HCA", E, 5)]
    [dead] = [f for f in scan_snippet(code, "shell").findings if f.line == 2]
    assert "in function low, which nothing calls" in dead.message


@pytest.mark.parametrize(
    "launch",
    ["env OMP_NUM_THREADS=8 python train.py", "timeout 12h torchrun --nproc_per_node 8 train.py",
     "nohup env -u DISPLAY deepspeed train.py", "exec numactl -N 0 python -m torch.distributed.run train.py"],
)
def test_a_launch_behind_any_wrapper_makes_the_script_an_entry_point(launch):
    # The same wrappers every command reader looks past (vocab/commands.py): `env` and `timeout` were not.
    code = f"low() {{\n  export NCCL_IB_DISABLE=1\n}}\n{launch}\n"
    assert only(code, "WAC301") == ("NCCL_IB_DISABLE", X, 2)


@pytest.mark.parametrize("command", ["env OMP_NUM_THREADS=8 ls", "timeout 5 nvidia-smi", "nohup sleep 1"])
def test_a_wrapped_command_that_launches_no_training_leaves_a_library(command):
    assert only(f"low() {{\n  export NCCL_IB_DISABLE=1\n}}\n{command}\n", "WAC301") == ("NCCL_IB_DISABLE", C, 2)


@pytest.mark.parametrize(
    "code",
    [
        # a library of functions meant to be sourced: nothing launched at top level
        "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\n",
        # launches only inside a function: still a library
        "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\nrun() { torchrun train.py; }\nrun\n",
        # sourced: returns at top level
        'setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\n[ -n "$LOADED" ] && return\n' + LAUNCHING,
        # exported for child shells
        "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\nexport -f setup\n" + LAUNCHING,
        "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\ndeclare -fx setup\n" + LAUNCHING,
        # named elsewhere: a trap, a call inside a command substitution
        "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\ntrap setup EXIT\n" + LAUNCHING,
        "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\nX=$(setup)\n" + LAUNCHING,
        # dispatch by a computed name
        'setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\n"$@"\n' + LAUNCHING,
        'setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\neval "$STEP"\n' + LAUNCHING,
    ],
)
def test_function_that_may_still_be_called_stays_conditional(code):
    assert only(code, "WAC301") == ("NCCL_IB_HCA", C, 2)


def test_function_defined_in_dead_code_is_dead():
    assert only("if false; then\n  f() { export NCCL_IB_HCA=mlx5_0; }\nfi\n", "WAC301") == ("NCCL_IB_HCA", X, 2)


def test_function_called_from_dead_code_and_then_live_is_live():
    code = "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\nif false; then setup; fi\nsetup\n"
    assert facts(code) == [("WAC301", "NCCL_IB_HCA", E, 2)]


def test_function_called_only_from_dead_code_is_dead():
    code = "setup() {\n  export NCCL_IB_HCA=mlx5_0\n}\nif false; then setup; fi\n"
    assert facts(code) == [("WAC301", "NCCL_IB_HCA", X, 2)]


# --- scripts that do not parse: an unclosed string, backquote, $( or heredoc (issue 14) -------------------------

import pytest as _pytest  # noqa: E402

from ...conftest import scan_snippet as _scan  # noqa: E402

_OPENERS = [
    ('export NCCL_IB_HCA="mlx5_0\n', "a double-quoted string"),
    ("X=`hostname\n", "a backquoted command"),
    ("X=$(hostname\n", "a $(...) command substitution"),
    ("cat <<EOT\n", "a heredoc"),
]


@_pytest.mark.parametrize("opener, what", _OPENERS)
def test_an_unclosed_construct_gives_one_diagnostic_and_no_swallowed_findings(opener, what):
    code = f"export NCCL_P2P_DISABLE=1\n{opener}torchrun --nproc_per_node 8 train.py\nexport NCCL_DEBUG=INFO\n"
    result = _scan(code, "shell")
    assert [d.message for d in result.diagnostics] == [
        f"shell syntax error: {what} opened at line 2 is never closed (it runs to line 4); "
        "findings come only from the lines outside it"]
    assert [(f.rule, f.value, f.line) for f in result.findings] == [("WAC303", "NCCL_P2P_DISABLE", 1)]


def test_a_closed_script_has_no_diagnostic():
    code = 'export NCCL_IB_HCA="mlx5_0"\ncat <<EOT\nx\nEOT\ntorchrun --nproc_per_node 8 train.py\n'
    result = _scan(code, "shell")
    assert result.diagnostics == [] and {f.rule for f in result.findings} >= {"WAC301", "WAC404"}


# Runs tree-sitter-bash's error recovery is super-linear on: 64 KB of any of them took it 5-17 s of CPU, past the
# per-file budget, and the file's other evidence was lost with it.
SLOW_RUNS = {
    "pipes": "|" * 65536,
    "parentheses": ")" * 65536,
    "case-like": "x)" * 32768,
    "here-strings": "<<<" * 21845,
    "pipe-ampersands": "|&" * 32768,
    "short lines": "\n".join(["x)x)x)x)x"] * 6554),  # each line's run is too short to cut: the file's count decides
    "array openers": "\n".join(["a=(a=(a=("] * 6554),
}
AROUND_RUN = "export NCCL_IB_HCA=mlx5\n{run}\n\nexport NCCL_DEBUG=INFO\n"


def _cpu_seconds_and_rows(text: str, kind: str = "shell") -> tuple[float, list[tuple], list[str]]:
    """In a worker with a time budget (a regression fails instead of hanging the suite): the CPU time a scan of
    the script takes (CPU, not wall: other jobs on a loaded machine do not count), its NCCL rows and diagnostics."""
    import time

    from whackachip_lint import workers

    def work(payload: str):
        started = time.process_time()
        result = scan_snippet(payload, kind)
        rows = sorted((f.value, f.line) for f in result.findings if str(f.value).startswith("NCCL"))
        return time.process_time() - started, rows, [d.message for d in result.diagnostics]

    (outcome,) = workers.run([text], work, lambda _text, why: (float("inf"), [], [why]), jobs=1, timeout=120,
                             memory_bytes=None)
    return outcome


@pytest.mark.parametrize("name", SLOW_RUNS)
def test_a_long_run_of_operators_is_cut_and_the_rest_of_the_script_read(name):
    run = SLOW_RUNS[name]
    seconds, rows, diagnostics = _cpu_seconds_and_rows(AROUND_RUN.format(run=run))
    last = run.count("\n") + 4
    assert rows == [("NCCL_DEBUG", last), ("NCCL_IB_HCA", 1)]
    assert len(diagnostics) == 1 and diagnostics[0].startswith("a run of shell operators at line 2 ")
    assert seconds < 3.0, f"{seconds:.1f} s of CPU"


def test_cutting_runs_keeps_lines_and_columns_and_leaves_shell_alone():
    text, first = cap_operator_runs("a=1\necho " + "|-" * 32 + " x\n")
    assert (text, first) == ("a=1\necho " + " " * 64 + " x\n", 2)
    # Shell, and the longest run the corpora's scripts hold (a sed expression of 14 operators), stay as written.
    script = ('cmd 2>&1 | tee log.txt; [[ -f x ]] && { echo "a|b"; }\n'
              'case $x in a|b) y=$(( (1+2)*3 ));; esac\n'
              'out=$(ls <(cat a) >>b) || exit 1\nwait;;\n'
              "sed 's/^jax(>=|==)([0-9.]+).*/\\2/; s/\\(\\[[^]]*\\]\\)\\?\\)[[:space:]]*==/x/'\n" * 400)
    assert cap_operator_runs(script) == (script, None)


def test_a_readme_block_with_a_long_run_keeps_the_documents_other_commands():
    # Before, the block's parse took the document over its budget: the whole README was lost.
    text = f"# Run\n\n```bash\n{')' * 65536}\n```\n\n```bash\nexport NCCL_IB_HCA=mlx5\n```\n"
    seconds, rows, diagnostics = _cpu_seconds_and_rows(text, "markdown")
    assert (rows, diagnostics) == ([("NCCL_IB_HCA", 8)], [])
    assert seconds < 3.0, f"{seconds:.1f} s of CPU"
