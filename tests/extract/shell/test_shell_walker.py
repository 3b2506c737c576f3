"""The shell walker, table-driven: each row is a snippet and every finding it gives, in full (rule, value, state,
span, properties, message), so a wrong state, place, property or phrase fails a row.

Written against the walker's surviving mutants (docs/testing.md, "Mutation testing"): each table holds the
snippets that tell one part of `extract/shell/walker.py` from its one-line mutants, both sides of each behaviour.
"""

from __future__ import annotations

import pytest

from whackachip_lint.config import Settings

from ...conftest import finding_records

# Every row reaches the walker, also those that give nothing (the pre-filter would skip some of them unread).
WALKER = Settings(prefilter=False)


def launch_on_line_2(value) -> list[tuple]:
    """The findings of `torchrun --nproc_per_node VALUE train.py` on line 2: VALUE a count the file decides (a number),
    or the text as written when it does not."""
    written = f"--nproc_per_node {value}"
    span = f"2:10-2:{10 + len(written)}"
    properties = {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2}
    if isinstance(value, int):
        count = ("WAC401", value, "enabled", span, properties,
                 f"Devices per node ({value}) is in force here. {written} passed to torchrun.")
    else:
        count = ("WAC401", value, "conditional", span, properties,
                 f"Devices per node ({value}) is used only under a runtime condition here. {written} is not decided "
                 "by this file.")
    launcher = ("WAC404", "torchrun", "enabled", "2:1-2:9", {"script": "train.py", "command_line": 2},
                "Distributed launcher (torchrun) is in force here. It runs train.py.")
    return [launcher, count]


ENVIRONMENT = [
    # a value the file does not decide: a presence switch is still set, an on/off switch is decided at run time; an
    # assignment nothing exports; the empty string
    ("export NCCL_IB_HCA=$X\nexport NCCL_IB_DISABLE=$Y\nNCCL_P2P_DISABLE=1\nexport NCCL_SOCKET_IFNAME=\"\"\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:8-1:22", {"variable": "NCCL_IB_HCA", "setting": "$X"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=$X."),
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "2:8-2:26", {"variable": "NCCL_IB_DISABLE", "setting": "$Y"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=$Y (the value is decided at run time)."),
         ("WAC303", "NCCL_P2P_DISABLE", "conditional", "3:1-3:19", {"variable": "NCCL_P2P_DISABLE", "setting": "1"},
          "GPU peer-to-peer transport (NCCL_P2P_DISABLE) is used only under a runtime condition here."
          " NCCL_P2P_DISABLE=1 (assigned but not exported in this file)."),
         ("WAC304", "NCCL_SOCKET_IFNAME", "disabled", "4:8-4:29", {"variable": "NCCL_SOCKET_IFNAME", "setting": ""},
          "NCCL socket interface (NCCL_SOCKET_IFNAME) is explicitly switched off here. "
          "NCCL_SOCKET_IFNAME=\"\" (set to the empty string)."),
     ]),
    # several assignments on one line, no command: each one, none exported
    ("NCCL_IB_HCA=mlx5_0 NCCL_IB_DISABLE=1\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:1-1:19", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (assigned but not exported in this file)."),
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "1:20-1:37", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=1 (assigned but not exported in this file)."),
     ]),
    # an array element is not tracked as the variable
    ("NCCL_IB_HCA[0]=mlx5_0\n", []),
    # `+=` appends to the value the file set
    ("NCCL_IB_HCA=mlx5_0\nNCCL_IB_HCA+=,mlx5_1\nexport NCCL_IB_HCA\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:1-1:19", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
         ("WAC301", "NCCL_IB_HCA", "enabled", "2:1-2:21", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0,mlx5_1"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0,mlx5_1."),
     ]),
    # `+=` to a value the file never set: the caller's value comes first
    ("export NCCL_IB_HCA+=mlx5_1\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:8-1:27",
          {"variable": "NCCL_IB_HCA", "setting": "${NCCL_IB_HCA}mlx5_1"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. "
          "NCCL_IB_HCA=${NCCL_IB_HCA}mlx5_1."),
     ]),
    # `+=` to an on/off switch the file never set: decided at run time
    ("export NCCL_IB_DISABLE+=1\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "1:8-1:26",
          {"variable": "NCCL_IB_DISABLE", "setting": "${NCCL_IB_DISABLE}1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=${NCCL_IB_DISABLE}1 (the value is decided at run time)."),
     ]),
    # `+=` to a variable the file never set, used later: the caller's value stands where the `+=` is written
    ("G+=4\ntorchrun --nproc_per_node $G train.py\n",
     [
         ("WAC404", "torchrun", "enabled", "2:1-2:9", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", "$G", "conditional", "2:10-2:26",
          {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2},
          "Devices per node ($G) is used only under a runtime condition here. --nproc_per_node $G is "
          "not decided by this file."),
     ]),
    # an empty assignment gives nothing (and reads no compiler flags)
    ("CFLAGS=\n", []),
    # `env NAME=VALUE cmd`: split at the first `=`; a value from the environment; a default
    ("env NCCL_IB_HCA=mlx5_0=x NCCL_IB_DISABLE=$NO_IB NCCL_P2P_DISABLE=${NO_P2P:-1} torchrun train.py\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:5-1:25", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0=x"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0=x."),
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "1:26-1:48",
          {"variable": "NCCL_IB_DISABLE", "setting": "$NO_IB"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=$NO_IB (the value is decided at run time)."),
         ("WAC303", "NCCL_P2P_DISABLE", "disabled", "1:49-1:77",
          {"variable": "NCCL_P2P_DISABLE", "setting": "1", "default_of": "NO_P2P"},
          "GPU peer-to-peer transport (NCCL_P2P_DISABLE) is explicitly switched off here. "
          "NCCL_P2P_DISABLE=1."),
         ("WAC404", "torchrun", "enabled", "1:79-1:87", {"script": "train.py", "command_line": 1},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
     ]),
    # `declare -x $VAR` exports each NAME=VALUE word of the value
    ("ENVS=\"NCCL_IB_HCA=mlx5_0 NCCL_IB_DISABLE=0\"\ndeclare -x $ENVS\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:7-1:25", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
         ("WAC301", "NCCL_IB_DISABLE", "enabled", "1:26-1:43", {"variable": "NCCL_IB_DISABLE", "setting": "0"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is in force here. NCCL_IB_DISABLE=0."),
     ]),
    # `export ${VAR}`
    ("ENVS=\"NCCL_IB_HCA=mlx5_0\"\nexport ${ENVS}\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:7-1:25", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # `export "$VAR"`
    ("ENVS=\"NCCL_IB_HCA=mlx5_0\"\nexport \"$ENVS\"\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:7-1:25", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # a name built from a variable: the span starts where the expanded text is written
    ("P=NCCL_IB\nexport ${P}_HCA=mlx5_0\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:3-2:23", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # `declare` without -x exports nothing
    ("ENVS=\"NCCL_IB_HCA=mlx5_0\"\ndeclare $ENVS\n", []),
    # `declare -r`: assigned, not exported
    ("declare -r NCCL_IB_HCA=mlx5_0\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:12-1:30", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (assigned but not exported in this file)."),
     ]),
    # `export $V` where V holds a bare name: no assignment
    ("V=NCCL_IB_DISABLE\nexport $V\n", []),
    # a value holding `=`, exported in a runtime branch
    ("ENVS=\"NCCL_IB_HCA=a=b\"\nif [ -f x ]; then export $ENVS; fi\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:7-1:22", {"variable": "NCCL_IB_HCA", "setting": "a=b"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=a=b (in a branch that runs only under a runtime condition)."),
     ]),
    # `unset` of a lowercase variable forgets its value
    ("gpus=8\nunset gpus\ntorchrun --nproc_per_node $gpus train.py\n",
     [
         ("WAC404", "torchrun", "enabled", "3:1-3:9", {"script": "train.py", "command_line": 3},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", "$gpus", "conditional", "3:10-3:32",
          {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 3},
          "Devices per node ($gpus) is used only under a runtime condition here. --nproc_per_node "
          "$gpus is not decided by this file."),
     ]),
    # every name `unset` lists
    ("unset A NCCL_IB_DISABLE\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "mentioned", "1:9-1:24", {"variable": "NCCL_IB_DISABLE"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is only mentioned here. NCCL_IB_DISABLE is "
          "unset (the library default applies)."),
     ]),
    # `unset -v`: the option is skipped, the name unset
    ("unset -v NCCL_IB_DISABLE\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "mentioned", "1:10-1:25", {"variable": "NCCL_IB_DISABLE"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is only mentioned here. NCCL_IB_DISABLE is "
          "unset (the library default applies)."),
     ]),
    # `unset` in a runtime branch
    ("if [ -f a ]; then unset NCCL_IB_DISABLE; fi\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "mentioned", "1:25-1:40", {"variable": "NCCL_IB_DISABLE"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is only mentioned here. NCCL_IB_DISABLE is "
          "unset (the library default applies) (in a branch that runs only under a runtime "
          "condition)."),
     ]),
]


@pytest.mark.parametrize(("code", "records"), ENVIRONMENT)
def test_environment_assignments(code, records):
    """Assignments, `export`/`declare`, `env` and `unset` of hardware variables: state, span, properties, message."""
    assert finding_records(code, "shell", settings=WALKER) == records


COMMANDS = [
    # sourcing CANN's set_env.sh in a runtime branch
    ("if [ -f /etc/x ]; then\n  source /usr/local/Ascend/ascend-toolkit/set_env.sh\nfi\n",
     [
         ("WAC205", "ASCEND_TOOLKIT_HOME", "conditional", "2:3-2:53",
          {"variable": "ASCEND_TOOLKIT_HOME", "sourced": "/usr/local/Ascend/ascend-toolkit/set_env.sh"},
          "Vendor runtime variable (ASCEND_TOOLKIT_HOME) is used only under a runtime condition here."
          " Source /usr/local/Ascend/ascend-toolkit/set_env.sh sets ASCEND_TOOLKIT_HOME and the other"
          " ASCEND_* variables (Huawei CANN) (in a branch that runs only under a runtime condition)."),
     ]),
    # `.` and a later word: the span ends at the script's path
    (". /usr/local/Ascend/ascend-toolkit/latest/set_env.sh extra\n",
     [
         ("WAC205", "ASCEND_TOOLKIT_HOME", "enabled", "1:1-1:53",
          {"variable": "ASCEND_TOOLKIT_HOME", "sourced": "/usr/local/Ascend/ascend-toolkit/latest/set_env.sh"},
          "Vendor runtime variable (ASCEND_TOOLKIT_HOME) is in force here. . "
          "/usr/local/Ascend/ascend-toolkit/latest/set_env.sh sets ASCEND_TOOLKIT_HOME and the other "
          "ASCEND_* variables (Huawei CANN)."),
     ]),
    # another script, an echo, no script, a path the file does not decide: nothing
    ("source ./set_env.sh\necho /usr/local/Ascend/ascend-toolkit/set_env.sh\nsource\n"
     "source $ASCEND/ascend-toolkit/set_env.sh\n",
     []),
    # compiler flags in an assignment before the command and on the command, each read once
    ("if [ -f a ]; then\n  NVCC_APPEND_FLAGS=\"-arch=sm_80\" nvcc -gencode arch=compute_90,code=sm_90 k.cu\n"
     "fi\n",
     [
         ("WAC603", "8.0", "conditional", "2:22-2:33", {},
          "CUDA compile target list (8.0) is used only under a runtime condition here. Compiler flag "
          "-arch=sm_80 (in a branch that runs only under a runtime condition)."),
         ("WAC603", "9.0", "conditional", "2:40-2:75", {},
          "CUDA compile target list (9.0) is used only under a runtime condition here. Compiler flag "
          "-gencode arch=compute_90,code=sm_90 (in a branch that runs only under a runtime "
          "condition)."),
     ]),
    # a launcher and its environment in a runtime branch
    ("if [ -f a ]; then\n  env NCCL_IB_DISABLE=1 torchrun --nproc_per_node 4 train.py\nfi\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "2:7-2:24", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=1 (in a branch that runs only under a runtime condition)."),
         ("WAC404", "torchrun", "conditional", "2:25-2:33", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is used only under a runtime condition here. It runs "
          "train.py (in a branch that runs only under a runtime condition)."),
         ("WAC401", 4, "conditional", "2:34-2:52",
          {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2},
          "Devices per node (4) is used only under a runtime condition here. --nproc_per_node 4 "
          "passed to torchrun (in a branch that runs only under a runtime condition)."),
     ]),
    # a launcher without a script in a runtime branch: the message gives the phrase alone
    ("if [ -f a ]; then\n  deepspeed --num_gpus 8\nfi\n",
     [
         ("WAC404", "deepspeed", "conditional", "2:3-2:12", {"command_line": 2},
          "Distributed launcher (deepspeed) is used only under a runtime condition here. In a branch "
          "that runs only under a runtime condition."),
         ("WAC401", 8, "conditional", "2:13-2:25", {"flag": "--num_gpus", "launcher": "deepspeed", "command_line": 2},
          "Devices per node (8) is used only under a runtime condition here. --num_gpus 8 passed to "
          "deepspeed (in a branch that runs only under a runtime condition)."),
     ]),
    # eval of "${VAR}", of ${VAR} and of a raw string
    ("CMD=\"export NCCL_IB_HCA=mlx5_0\"\neval \"${CMD}\"\neval ${CMD}\neval 'export NCCL_IB_DISABLE=1'\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:13-1:31", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:13-1:31", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "4:14-4:31", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=1 (in a branch that runs only under a runtime condition)."),
     ]),
    # eval of a value the file does not fully decide; `-c` after a program that is no shell: nothing
    ("CMD=\"export NCCL_IB_HCA=mlx5_0 $X\"\neval \"$CMD\"\nmytool -c \"export NCCL_IB_DISABLE=1\"\n", []),
    # eval of a string that starts with a known expansion: read expanded, placed on the whole string
    ("ENVS=\"NCCL_IB_DISABLE=1\"\neval \"${ENVS} torchrun train.py\"\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "2:6-2:33", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=1 (in a branch that runs only under a runtime condition)."),
         ("WAC404", "torchrun", "conditional", "2:6-2:33", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is used only under a runtime condition here. It runs "
          "train.py (in a branch that runs only under a runtime condition)."),
     ]),
    # text before the expansion: read as written; an undecided expansion first: nothing it could run is guessed
    ("export NCCL_P2P_DISABLE=1\neval \"export NCCL_IB_HCA=mlx5_0 $REST\"\n"
     "eval \"$ENVS torchrun --nproc_per_node 2 train.py\"\n",
     [
         ("WAC303", "NCCL_P2P_DISABLE", "disabled", "1:8-1:26", {"variable": "NCCL_P2P_DISABLE", "setting": "1"},
          "GPU peer-to-peer transport (NCCL_P2P_DISABLE) is explicitly switched off here. "
          "NCCL_P2P_DISABLE=1."),
         ("WAC301", "NCCL_IB_HCA", "conditional", "2:14-2:32", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
    # eval inside `bash -c`: the whole string's place in the file
    ("ENVS=\"NCCL_IB_DISABLE=1\"\nbash -c 'eval \"$ENVS torchrun train.py\"'\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "2:15-2:40", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=1 (in a branch that runs only under a runtime condition)."),
         ("WAC404", "torchrun", "conditional", "2:15-2:40", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is used only under a runtime condition here. It runs "
          "train.py (in a branch that runs only under a runtime condition)."),
     ]),
    # eval of text that starts with an expansion the file does not decide, or with a blank: read as written
    ("eval \"$X; export NCCL_IB_HCA=mlx5_0\"\neval \" $Y; export NCCL_IB_DISABLE=1\"\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:18-1:36", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
         ("WAC301", "NCCL_IB_DISABLE", "conditional", "2:19-2:36", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is used only under a runtime condition here."
          " NCCL_IB_DISABLE=1 (in a branch that runs only under a runtime condition)."),
     ]),
    # a known expansion first, after another finding: only the eval's findings take the string's place, each once
    ("export NCCL_P2P_DISABLE=1\nFLAGS=\"-O2\"\neval \"$FLAGS nvcc -arch=sm_80 k.cu\"\n",
     [
         ("WAC303", "NCCL_P2P_DISABLE", "disabled", "1:8-1:26", {"variable": "NCCL_P2P_DISABLE", "setting": "1"},
          "GPU peer-to-peer transport (NCCL_P2P_DISABLE) is explicitly switched off here. "
          "NCCL_P2P_DISABLE=1."),
         ("WAC603", "8.0", "conditional", "3:6-3:36", {},
          "CUDA compile target list (8.0) is used only under a runtime condition here. Compiler flag "
          "-arch=sm_80 (in a branch that runs only under a runtime condition)."),
     ]),
    # compiler flags in code that `bash -c` or eval runs: read once, as code, in its state (not also as the outer
    # command's flags)
    ("bash -c \"nvcc -arch=sm_80 k.cu\"\neval \"nvcc -arch=sm_90 k.cu\"\n",
     [
         ("WAC603", "8.0", "enabled", "1:15-1:26", {},
          "CUDA compile target list (8.0) is in force here. Compiler flag -arch=sm_80."),
         ("WAC603", "9.0", "conditional", "2:12-2:23", {},
          "CUDA compile target list (9.0) is used only under a runtime condition here. Compiler flag "
          "-arch=sm_90 (in a branch that runs only under a runtime condition)."),
     ]),
    # flags before the shell that runs the code are the command line's; a bare eval runs nothing
    ("mpirun -x FLAGS=-arch=sm_80 bash -c \"torchrun train.py\"\neval\n",
     [
         ("WAC404", "mpirun", "enabled", "1:1-1:7", {"command": "bash", "command_line": 1},
          "Distributed launcher (mpirun) is in force here. It runs bash."),
         ("WAC603", "8.0", "enabled", "1:17-1:28", {},
          "CUDA compile target list (8.0) is in force here. Compiler flag -arch=sm_80."),
         ("WAC404", "torchrun", "enabled", "1:38-1:46", {"script": "train.py", "command_line": 1},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
     ]),
    # an unknown command word calls no function, whatever the function is called
    ("XXXX() { export NCCL_IB_HCA=mlx5_0; }\n$CMD\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:17-1:35", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
    # code in `bash -c`: its comments are not read as commented-out commands
    ("bash -c 'export NCCL_IB_HCA=mlx5_0 # export NCCL_IB_DISABLE=1'\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:17-1:35", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # `set -a` holds inside eval: the assignment is exported
    ("set -a\neval \"NCCL_IB_HCA=mlx5_0\"\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "2:7-2:25", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
    # eval after an exit: dead, for that reason
    ("exit 0\neval \"export NCCL_IB_HCA=mlx5_0\"\n",
     [
         ("WAC301", "NCCL_IB_HCA", "dead", "2:14-2:32", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) stands in code that cannot run here. "
          "NCCL_IB_HCA=mlx5_0 (after the unconditional exit at line 1)."),
     ]),
    # a function `bash -c` defines and never calls may still run
    ("bash -c 'f() { export NCCL_IB_HCA=mlx5_0; }'\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:23-1:41", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
    # a C-style rank loop
    ("for ((i=0; i<4; i++)); do\n  DEVICE_ID=$i python train.py &\ndone\n",
     [
         ("WAC401", 4, "enabled", "1:1-1:23", {"launcher": "rank-loop"},
          "Devices per node (4) is in force here. The loop starts 4 processes."),
         ("WAC404", "rank-loop", "enabled", "1:1-1:23", {"launcher": "rank-loop"},
          "Distributed launcher (rank-loop) is in force here. One background process per DEVICE_ID."),
     ]),
    # a C-style rank loop over a range the file does not decide
    ("for ((i=0; i<N; i++)); do\n  DEVICE_ID=$i python train.py &\ndone\n",
     [
         ("WAC401", "for ((i=0; i<N; i++)); ", "conditional", "1:1-1:23", {"launcher": "rank-loop"},
          "Devices per node (for ((i=0; i<N; i++)); ) is used only under a runtime condition here. "
          "The loop's range (for ((i=0; i<N; i++)); ) is not decided by this file."),
         ("WAC404", "rank-loop", "enabled", "1:1-1:23", {"launcher": "rank-loop"},
          "Distributed launcher (rank-loop) is in force here. One background process per DEVICE_ID."),
     ]),
    # a C-style loop's body may not run
    ("for ((i=0; i<2; i++)); do export NCCL_IB_HCA=mlx5_0; done\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:34-1:52", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
]


@pytest.mark.parametrize(("code", "records"), COMMANDS)
def test_commands(code, records):
    """Commands the walker reads itself: CANN's set_env.sh, compiler flags, launchers in a branch, eval and `sh -c`."""
    assert finding_records(code, "shell", settings=WALKER) == records


COMMENTS = [
    # a commented command, then prose that would not parse: each line on its own
    ("# export NCCL_IB_HCA=mlx5_0\n# a note (see the docs\n",
     [
         ("WAC301", "NCCL_IB_HCA", "mentioned", "1:10-1:28", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is only mentioned here. NCCL_IB_HCA=mlx5_0 (in a"
          " comment)."),
     ]),
    # a command continued over comment lines after a command, then a live command
    ("cd /x\n# deepspeed --num_gpus 8 \\\n#     train.py --bf16\nexport NCCL_IB_HCA=mlx5_0\n",
     [
         ("WAC404", "deepspeed", "mentioned", "2:3-2:12",
          {"script": "train.py", "script_args": "--bf16", "command_line": 2},
          "Distributed launcher (deepspeed) is only mentioned here. It runs train.py (in a comment)."),
         ("WAC401", 8, "mentioned", "2:13-2:25", {"flag": "--num_gpus", "launcher": "deepspeed", "command_line": 2},
          "Devices per node (8) is only mentioned here. --num_gpus 8 passed to deepspeed (in a "
          "comment)."),
         ("WAC101", "bf16", "mentioned", "3:16-3:22", {"flag": "--bf16", "launcher": "deepspeed", "command_line": 2},
          "bf16 precision (bf16) is only mentioned here. --bf16 passed to deepspeed (in a comment)."),
         ("WAC301", "NCCL_IB_HCA", "enabled", "4:8-4:26", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # a commented command, then live ones: each read once, in its own state
    ("# export NCCL_IB_HCA=mlx5_0\nexport NCCL_IB_DISABLE=1\nexport NCCL_P2P_DISABLE=1\n",
     [
         ("WAC301", "NCCL_IB_HCA", "mentioned", "1:10-1:28", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is only mentioned here. NCCL_IB_HCA=mlx5_0 (in a"
          " comment)."),
         ("WAC301", "NCCL_IB_DISABLE", "disabled", "2:8-2:25", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is explicitly switched off here. "
          "NCCL_IB_DISABLE=1."),
         ("WAC303", "NCCL_P2P_DISABLE", "disabled", "3:8-3:26", {"variable": "NCCL_P2P_DISABLE", "setting": "1"},
          "GPU peer-to-peer transport (NCCL_P2P_DISABLE) is explicitly switched off here. "
          "NCCL_P2P_DISABLE=1."),
     ]),
    # a commented launcher without a script: the phrase alone
    ("# deepspeed --num_gpus 8\n",
     [
         ("WAC404", "deepspeed", "mentioned", "1:3-1:12", {"command_line": 1},
          "Distributed launcher (deepspeed) is only mentioned here. In a comment."),
         ("WAC401", 8, "mentioned", "1:13-1:25", {"flag": "--num_gpus", "launcher": "deepspeed", "command_line": 1},
          "Devices per node (8) is only mentioned here. --num_gpus 8 passed to deepspeed (in a "
          "comment)."),
     ]),
    # prose with a flag in it is no command
    ("# see -arch=sm_80 for details\n", []),
    # a commented plain assignment
    ("# NCCL_IB_HCA=mlx5_0\n",
     [
         ("WAC301", "NCCL_IB_HCA", "mentioned", "1:3-1:21", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is only mentioned here. NCCL_IB_HCA=mlx5_0 "
          "(assigned but not exported in this file) (in a comment)."),
     ]),
    # a comment inside a `&&` list: the command after it is read, in its state
    ("cd /x && # a note\n  export NCCL_IB_HCA=mlx5_0\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "2:10-2:28", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
]


@pytest.mark.parametrize(("code", "records"), COMMENTS)
def test_commented_out_code(code, records):
    """Commented-out commands: which comment lines are read together, and nothing else."""
    assert finding_records(code, "shell", settings=WALKER) == records


BRANCHES = [
    # launchers in conditions: the first test runs; a later one may; one after a branch that surely ran cannot
    ("M=a\nif torchrun --nproc_per_node 1 probe.py; then\n  :\n"
     "elif torchrun --nproc_per_node 2 probe.py; [ \"$M\" = a ]; then\n  :\n"
     "elif torchrun --nproc_per_node 4 probe.py; torchrun --nproc_per_node 8 probe.py; then\n  :\nfi\n",
     [
         ("WAC404", "torchrun", "enabled", "2:4-2:12", {"script": "probe.py", "command_line": 2},
          "Distributed launcher (torchrun) is in force here. It runs probe.py."),
         ("WAC401", 1, "enabled", "2:13-2:31", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2},
          "Devices per node (1) is in force here. --nproc_per_node 1 passed to torchrun."),
         ("WAC404", "torchrun", "conditional", "4:6-4:14", {"script": "probe.py", "command_line": 4},
          "Distributed launcher (torchrun) is used only under a runtime condition here. It runs "
          "probe.py (in a branch that runs only under a runtime condition)."),
         ("WAC401", 2, "conditional", "4:15-4:33",
          {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 4},
          "Devices per node (2) is used only under a runtime condition here. --nproc_per_node 2 "
          "passed to torchrun (in a branch that runs only under a runtime condition)."),
         ("WAC404", "torchrun", "dead", "6:6-6:14", {"script": "probe.py", "command_line": 6},
          "Distributed launcher (torchrun) stands in code that cannot run here. It runs probe.py (a "
          "branch the file's own values rule out)."),
         ("WAC401", 4, "dead", "6:15-6:33", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 6},
          "Devices per node (4) stands in code that cannot run here. --nproc_per_node 4 passed to "
          "torchrun (a branch the file's own values rule out)."),
         ("WAC404", "torchrun", "dead", "6:44-6:52", {"script": "probe.py", "command_line": 6},
          "Distributed launcher (torchrun) stands in code that cannot run here. It runs probe.py (a "
          "branch the file's own values rule out)."),
         ("WAC401", 8, "dead", "6:53-6:71", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 6},
          "Devices per node (8) stands in code that cannot run here. --nproc_per_node 8 passed to "
          "torchrun (a branch the file's own values rule out)."),
     ]),
    # an assignment in the first condition holds for its test
    ("if M=b; [ \"$M\" = b ]; then export NCCL_IB_HCA=mlx5_0; fi\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:35-1:53", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # an assignment in a later condition may not have run
    ("if [ -f a ]; then :; elif G=2; false; then :; fi\ntorchrun --nproc_per_node $G train.py\n",
     launch_on_line_2("$G")),
    # an assignment in a condition that may run: the variable may hold either value after the if
    ("G=4\nif [ -f a ]; then :; elif G=2; [ -f b ]; then :; fi\ntorchrun --nproc_per_node $G train.py\n",
     [
         ("WAC404", "torchrun", "enabled", "3:1-3:9", {"script": "train.py", "command_line": 3},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", "$G", "conditional", "3:10-3:29",
          {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 3},
          "Devices per node ($G) is used only under a runtime condition here. --nproc_per_node $G is "
          "not decided by this file."),
     ]),
    # the same value from a branch and from a later condition that holds when reached
    ("if [ -f a ]; then G=2; elif G=2; [ 1 = 1 ]; then :; fi\ntorchrun --nproc_per_node $G train.py\n",
     [
         ("WAC404", "torchrun", "enabled", "2:1-2:9", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", 2, "enabled", "2:10-2:26", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2},
          "Devices per node (2) is in force here. --nproc_per_node 2 passed to torchrun."),
     ]),
    # a branch inside a dead one: dead, whatever its own test says
    ("M=a\nif [ \"$M\" = b ]; then\n"
     "  if [ \"$M\" = a ]; then export NCCL_IB_HCA=mlx5_0; else export NCCL_IB_DISABLE=1; fi\nfi\n",
     [
         ("WAC301", "NCCL_IB_HCA", "dead", "3:32-3:50", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) stands in code that cannot run here. "
          "NCCL_IB_HCA=mlx5_0 (a branch the file's own values rule out)."),
         ("WAC301", "NCCL_IB_DISABLE", "dead", "3:64-3:81", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) stands in code that cannot run here. "
          "NCCL_IB_DISABLE=1 (a branch the file's own values rule out)."),
     ]),
    # a branch that surely runs inside one that may
    ("if [ -f a ]; then\n  if [ 1 = 1 ]; then export NCCL_IB_HCA=mlx5_0; fi\nfi\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "2:29-2:47", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
    # `if [ -z ]` with an elif is no default idiom
    ("if [ -z \"$GPUS\" ]; then GPUS=8; elif [ -f x ]; then :; fi\ntorchrun --nproc_per_node $GPUS train.py\n",
     launch_on_line_2("$GPUS")),
    # branches that disagree
    ("if [ -f a ]; then G=2; else G=4; fi\ntorchrun --nproc_per_node $G train.py\n", launch_on_line_2("$G")),
    # branches that agree, the last one sure to run if reached
    ("if [ -f a ]; then G=2; elif [ 1 = 1 ]; then G=2; fi\ntorchrun --nproc_per_node $G train.py\n",
     [
         ("WAC404", "torchrun", "enabled", "2:1-2:9", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", 2, "enabled", "2:10-2:26", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2},
          "Devices per node (2) is in force here. --nproc_per_node 2 passed to torchrun."),
     ]),
    # if and else agree
    ("if [ -f a ]; then G=2; else G=2; fi\ntorchrun --nproc_per_node $G train.py\n",
     [
         ("WAC404", "torchrun", "enabled", "2:1-2:9", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", 2, "enabled", "2:10-2:26", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 2},
          "Devices per node (2) is in force here. --nproc_per_node 2 passed to torchrun."),
     ]),
    # a value set in a branch that may not run is no unset variable: its default does not decide
    ("if [ -f a ]; then G=2; fi\ntorchrun --nproc_per_node ${G:-8} train.py\n", launch_on_line_2("${G:-8}")),
    # an elif condition of several commands: the last one decides (here: it fails)
    ("M=a\nif [ -f a ]; then :\nelif cd /; [ \"$M\" = b ]; then export NCCL_IB_HCA=mlx5_0\nfi\n",
     [
         ("WAC301", "NCCL_IB_HCA", "dead", "3:38-3:56", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) stands in code that cannot run here. "
          "NCCL_IB_HCA=mlx5_0 (a branch the file's own values rule out)."),
     ]),
    # `&&` after a failing test: dead, and says why
    ("M=a\n[ \"$M\" = b ] && export NCCL_IB_HCA=mlx5_0\n",
     [
         ("WAC301", "NCCL_IB_HCA", "dead", "2:24-2:42", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) stands in code that cannot run here. "
          "NCCL_IB_HCA=mlx5_0 (a branch the file's own values rule out)."),
     ]),
    # `[ -n ] &&` is no default idiom
    ("[ -n \"$GPUS\" ] && GPUS=8\ntorchrun --nproc_per_node $GPUS train.py\n", launch_on_line_2("$GPUS")),
    # a case with no item sure to match
    ("case $1 in a) G=2 ;; b) G=2 ;; esac\ntorchrun --nproc_per_node $G train.py\n", launch_on_line_2("$G")),
    # items after a fallthrough may be skipped
    ("case $1 in a) G=4 ;& b) G=2 ;; esac\ntorchrun --nproc_per_node $G train.py\n", launch_on_line_2("$G")),
    # a subshell in a runtime branch
    ("if [ -f a ]; then ( export NCCL_IB_HCA=mlx5_0 ); fi\n",
     [
         ("WAC301", "NCCL_IB_HCA", "conditional", "1:28-1:46", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is used only under a runtime condition here. "
          "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
     ]),
    # arrays: `+=` appends, `=` replaces, a default inside an element
    ("A=(--nproc_per_node)\nA+=(8)\ntorchrun \"${A[@]}\" train.py\nB=(--nproc_per_node 2)\n"
     "B=(--nproc_per_node 4)\ntorchrun \"${B[@]}\" train.py\nC=(--nproc_per_node ${G:-8})\n"
     "torchrun \"${C[@]}\" train.py\n",
     [
         ("WAC401", 8, "enabled", "1:4-1:20", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 3},
          "Devices per node (8) is in force here. --nproc_per_node 8 passed to torchrun."),
         ("WAC404", "torchrun", "enabled", "3:1-3:9", {"script": "train.py", "command_line": 3},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", 4, "enabled", "5:4-5:22", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 6},
          "Devices per node (4) is in force here. --nproc_per_node 4 passed to torchrun."),
         ("WAC404", "torchrun", "enabled", "6:1-6:9", {"script": "train.py", "command_line": 6},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", 8, "enabled", "7:4-7:27",
          {"flag": "--nproc_per_node", "launcher": "torchrun", "default_of": "G", "command_line": 8},
          "Devices per node (8) is in force here. --nproc_per_node 8 passed to torchrun."),
         ("WAC404", "torchrun", "enabled", "8:1-8:9", {"script": "train.py", "command_line": 8},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
     ]),
]


@pytest.mark.parametrize(("code", "records"), BRANCHES)
def test_branches_and_variables(code, records):
    """if/elif/case/&&: the state of what conditions and bodies hold, and what variables hold after them."""
    assert finding_records(code, "shell", settings=WALKER) == records


FUNCTIONS = [
    # a recursive call stops
    ("f() { export NCCL_IB_HCA=mlx5_0; f; }\nf\n",
     [
         ("WAC301", "NCCL_IB_HCA", "enabled", "1:14-1:32", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # walked again from a livelier call: only the body's earlier findings are dropped
    ("export NCCL_IB_DISABLE=1\nf() { export NCCL_IB_HCA=mlx5_0; }\nif [ -f a ]; then f; fi\nf\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "disabled", "1:8-1:25", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) is explicitly switched off here. "
          "NCCL_IB_DISABLE=1."),
         ("WAC301", "NCCL_IB_HCA", "enabled", "2:14-2:32", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) is in force here. NCCL_IB_HCA=mlx5_0."),
     ]),
    # called twice as live: read once, from the first call (bash also runs it with N=4; one reading per body is the
    # walker's simplification)
    ("f() { torchrun --nproc_per_node $N train.py; }\nN=2\nf\nN=4\nf\n",
     [
         ("WAC404", "torchrun", "enabled", "1:7-1:15", {"script": "train.py", "command_line": 1},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
         ("WAC401", 2, "enabled", "1:16-1:32", {"flag": "--nproc_per_node", "launcher": "torchrun", "command_line": 1},
          "Devices per node (2) is in force here. --nproc_per_node 2 passed to torchrun."),
     ]),
    # defined after an exit and never called: dead for that reason
    ("exit 0\nf() { export NCCL_IB_DISABLE=1; }\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "dead", "2:14-2:31", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) stands in code that cannot run here. "
          "NCCL_IB_DISABLE=1 (after the unconditional exit at line 1)."),
     ]),
    # defined in a dead branch
    ("M=a\nif [ \"$M\" = b ]; then\n  f() { export NCCL_IB_DISABLE=1; }\nfi\n",
     [
         ("WAC301", "NCCL_IB_DISABLE", "dead", "3:16-3:33", {"variable": "NCCL_IB_DISABLE", "setting": "1"},
          "InfiniBand / RoCE transport (NCCL_IB_DISABLE) stands in code that cannot run here. "
          "NCCL_IB_DISABLE=1 (a branch the file's own values rule out)."),
     ]),
    # never called in a launch script
    ("f() { export NCCL_IB_HCA=mlx5_0; }\ntorchrun train.py\n",
     [
         ("WAC301", "NCCL_IB_HCA", "dead", "1:14-1:32", {"variable": "NCCL_IB_HCA", "setting": "mlx5_0"},
          "InfiniBand / RoCE transport (NCCL_IB_HCA) stands in code that cannot run here. "
          "NCCL_IB_HCA=mlx5_0 (in function f, which nothing calls)."),
         ("WAC404", "torchrun", "enabled", "2:1-2:9", {"script": "train.py", "command_line": 2},
          "Distributed launcher (torchrun) is in force here. It runs train.py."),
     ]),
]


@pytest.mark.parametrize(("code", "records"), FUNCTIONS)
def test_functions(code, records):
    """Function bodies: walked once, from their liveliest call; the reason an uncalled body is dead."""
    assert finding_records(code, "shell", settings=WALKER) == records


HEREDOCS = [
    # indented JSON
    ("cat > ds.json <<EOF\n  {\"bf16\": {\"enabled\": true}}\nEOF\n",
     [
         ("WAC101", "bf16", "conditional", "2:13-2:28", {"key": "bf16.enabled", "heredoc": True},
          "bf16 precision (bf16) is used only under a runtime condition here. The config sets "
          "bf16.enabled to true (in a config a heredoc writes: whether a launch reads it is decided "
          "at run time)."),
     ]),
    # a block without `enabled` stays mentioned; `auto` stays conditional, with its own detail
    ("cat > ds.json <<EOF\n{\"bf16\": {}, \"fp16\": {\"enabled\": \"auto\"}}\nEOF\n",
     [
         ("WAC101", "bf16", "mentioned", "2:2-2:12", {"key": "bf16", "heredoc": True},
          "bf16 precision (bf16) is only mentioned here. The config has a bf16 block without "
          "\"enabled\" (DeepSpeed's default is off)."),
         ("WAC102", "fp16", "conditional", "2:23-2:40", {"key": "fp16.enabled", "auto": True, "heredoc": True},
          "fp16 precision (fp16) is used only under a runtime condition here. The config sets "
          "fp16.enabled to \"auto\" (the trainer decides it from its own flags)."),
     ]),
    # after an exit
    ("exit 0\ncat > ds.json <<EOF\n{\"bf16\": {\"enabled\": true}}\nEOF\n",
     [
         ("WAC101", "bf16", "dead", "3:11-3:26", {"key": "bf16.enabled", "heredoc": True},
          "bf16 precision (bf16) stands in code that cannot run here. The config sets bf16.enabled to"
          " true (after the unconditional exit at line 1)."),
     ]),
    # a scalar exactly as wide as its expansion, and one narrower (padded after it)
    ("ONE=true\nOFF=false\ncat > ds.json <<EOF\n"
     "{\"bf16\": {\"enabled\": $ONE}, \"fp16\": {\"enabled\": ${OFF}}}\nEOF\n",
     [
         ("WAC101", "bf16", "conditional", "4:11-4:26", {"key": "bf16.enabled", "heredoc": True},
          "bf16 precision (bf16) is used only under a runtime condition here. The config sets "
          "bf16.enabled to true (in a config a heredoc writes: whether a launch reads it is decided "
          "at run time)."),
         ("WAC102", "fp16", "conditional", "4:38-4:54", {"key": "fp16.enabled", "heredoc": True},
          "fp16 precision (fp16) is used only under a runtime condition here. The config sets "
          "fp16.enabled to false (in a config a heredoc writes: whether a launch reads it is decided "
          "at run time)."),
     ]),
]


@pytest.mark.parametrize(("code", "records"), HEREDOCS)
def test_heredoc_configs(code, records):
    """DeepSpeed JSON written by a heredoc: conditional, and why; known scalars written in place."""
    assert finding_records(code, "shell", settings=WALKER) == records


# The script's own directory (`$(dirname "$0")`) in a script under launch/: resolved from the scanned root, also in
# code `bash -c` runs and in an array's elements (a path from the root, not from the script's directory).
SCRIPT_DIRECTORY = [
    ('deepspeed train.py --deepspeed "$(dirname "$0")/ds.json"\n', [
        ("WAC404", "deepspeed", "enabled", "1:1-1:10",
         {"script": "train.py", "script_args": "--deepspeed '\"$(dirname \"$0\")/ds.json\"'", "command_line": 1},
         "Distributed launcher (deepspeed) is in force here. It runs train.py."),
        ("WAC406", '"$(dirname "$0")/ds.json"', "enabled", "1:20-1:56",
         {"flag": "--deepspeed", "launcher": "deepspeed", "resolved": "launch/ds.json", "command_line": 1},
         'Configuration passed to a launch ("$(dirname "$0")/ds.json") is in force here. --deepspeed '
         '"$(dirname "$0")/ds.json" passed to deepspeed.'),
    ]),
    ('bash -c \'deepspeed train.py --deepspeed "$(dirname "$0")/ds.json"\'\n', [
        ("WAC404", "deepspeed", "enabled", "1:10-1:19",
         {"script": "train.py", "script_args": "--deepspeed '\"$(dirname \"$0\")/ds.json\"'", "command_line": 1},
         "Distributed launcher (deepspeed) is in force here. It runs train.py."),
        ("WAC406", '"$(dirname "$0")/ds.json"', "enabled", "1:29-1:65",
         {"flag": "--deepspeed", "launcher": "deepspeed", "resolved": "launch/ds.json", "command_line": 1},
         'Configuration passed to a launch ("$(dirname "$0")/ds.json") is in force here. --deepspeed '
         '"$(dirname "$0")/ds.json" passed to deepspeed.'),
    ]),
    ('A=(--deepspeed "$(dirname "$0")/ds.json")\ndeepspeed train.py "${A[@]}"\n', [
        ("WAC406", "launch/ds.json", "enabled", "1:4-1:40",
         {"flag": "--deepspeed", "launcher": "deepspeed", "resolved": "launch/ds.json", "command_line": 2},
         "Configuration passed to a launch (launch/ds.json) is in force here. --deepspeed launch/ds.json passed to "
         "deepspeed."),
        ("WAC404", "deepspeed", "enabled", "2:1-2:10",
         {"script": "train.py", "script_args": "--deepspeed launch/ds.json", "command_line": 2},
         "Distributed launcher (deepspeed) is in force here. It runs train.py."),
    ]),
]


@pytest.mark.parametrize(("code", "records"), SCRIPT_DIRECTORY)
def test_the_script_directory(code, records, tmp_path, monkeypatch):
    (tmp_path / "launch").mkdir()
    (tmp_path / "launch" / "ds.json").write_text("{}\n")
    (tmp_path / "launch" / "launch").mkdir()  # a decoy: launch/ds.json read from the script's directory
    (tmp_path / "launch" / "launch" / "ds.json").write_text("{}\n")
    monkeypatch.chdir(tmp_path)  # the snippet's path, launch/run.sh, is read from the current directory
    assert finding_records(code, "shell", "launch/run.sh", WALKER) == records


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("srun python -u train.py --lr 1\n", "train.py"),
        ("mpirun -np 8 python3 -W ignore scripts/pretrain.py\n", "scripts/pretrain.py"),
        ("srun python -m pkg.train\n", "python"),  # a module: the interpreter, as before
        ("mpirun -np 8 ./a.out\n", "./a.out"),
    ],
)
def test_a_launch_that_runs_python_names_the_script(code, shown):
    (launch,) = [r for r in finding_records(code, "shell") if r[0] == "WAC404"]
    assert launch[-1].endswith(f"It runs {shown}."), launch
