"""WAC4xx: launch and topology (launchers, devices per node, nodes, configs passed)."""

from .base import Example, Rule
from .implies import HUAWEI, INTEL, STRONG, Spec, WEAK, vendor

_RANK_LOOP = (
    "for i in $(seq 0 7); do\n    export DEVICE_ID=$i RANK_ID=$i\n    python train.py > log_$i.txt 2>&1 &\ndone\n"
)

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Launchers and their sizes.
TRIGGERS = (
    "torchrun", "torch.distributed", "launch", "deepspeed", "accelerate", "srun", "mpirun", "mpiexec",
    "sbatch", "slurm", "composer", "nproc", "nnodes", "nodes", "num_node", "num-node", "num_gpu", "num-gpu", "gpus",
    "per_node", "per-node", "num_processes", "num-processes", "hostfile", "machinefile", "visible_devices",
    "config_file", "config-file", "ntasks", "world_size", "pbs", "bsub", "ngpus", "msrun", "gaudi_spawn",
    "device_id", "lightning", "fabric",
)

# Device classes a job across machines runs on: everything but consumer cards.
CLUSTER_CLASSES = ("datacenter", "workstation")

RULES = (
    Rule(
        code="WAC401",
        name="gpus-per-node",
        signal="launch.gpus_per_node",
        title="devices per node",
        summary=("Finds how many devices a launcher starts per node (--nproc_per_node, --num_gpus, --gpus-per-node), "
                 "or a training script that starts its own processes is given (`python train.py --gpus=8`)."),
        why=(
            "Eight devices per node is the shape of HGX/DGX-class servers (a weak datacenter hint); it can also be "
            "four dual-die MI250X cards or eight Ascend NPUs."
        ),
        positives=(
            Example("torchrun --nproc_per_node 8 train.py\n", kind="shell", value=8),
            Example("GPUS=${GPUS:-8}\ndeepspeed --num_gpus $GPUS train.py\n", kind="shell", value=8),
            Example("python gaudi_spawn.py --world_size 8 --use_deepspeed run_clm.py\n", kind="shell", value=8,
                    note="optimum-habana's launcher (Intel Gaudi)"),
            Example("msrun --worker_num=8 --local_worker_num=8 train.py\n", kind="shell", value=8,
                    note="MindSpore's launcher"),
            Example("composer -n 8 train.py yamls/pretrain/mpt-125m.yaml\n", kind="shell", value=8,
                    note="MosaicML Composer's launcher"),
            Example(_RANK_LOOP, kind="shell", value=8, note="one background process per DEVICE_ID"),
            Example("python train.py --outdir=runs --gpus=8 --batch=32\n", kind="shell", value=8,
                    note="a script that spawns one process per local GPU"),
            Example("num_machines: 2\nnum_processes: 16\n", kind="yaml", value=8, note="16 processes over 2 machines"),
            Example("#!/usr/bin/env python\n#SBATCH --gpus-per-node=4\nimport subprocess\n", value=4,
                    note="a job script written in Python: its #SBATCH lines are read as in a shell script"),
        ),
        negatives=(
            Example("# torchrun --nproc_per_node 8 train.py\n", kind="shell"),
            Example(
                "torchrun --nproc_per_node $NGPU train.py\n",
                kind="shell",
                note="a count the file does not decide stays conditional, with the text as written",
            ),
            Example("python train.py --gpus 0,1,2,3\n", kind="shell", note="device ids, not a count"),
            Example("export HABANA_VISIBLE_DEVICES=all\n", kind="shell",
                    note="`all` exposes every device: it names no count"),
            Example("composer -n 8 install\n", kind="shell", note="no Python script: PHP's composer, no launch"),
            Example("critic:\n  num_gpus: 0\n", kind="yaml", note="zero devices: disabled, not a node's shape"),
        ),
        tags=("topology", "training-setup"),
        implies=(
            (">=8", (Spec("class", WEAK, "8 or more devices per node: server-class nodes", ("datacenter",)),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC402",
        name="node-count",
        signal="launch.nodes",
        title="node count",
        summary="Finds how many nodes a job spans (--nnodes, --num_nodes, SLURM -N/--nodes).",
        why="A multi-node job needs a cluster fabric between nodes; with RDMA settings it points to a datacenter.",
        positives=(
            Example("torchrun --nnodes 4 --nproc_per_node 8 train.py\n", kind="shell", value=4),
            Example("num_machines: 4\n", kind="yaml", value=4),
        ),
        negatives=(
            Example("echo --nnodes 4\n", kind="shell"),
            Example("reward_model:\n  enable: false\n  nnodes: 0\n", kind="yaml",
                    note="zero nodes is no pool of its own, not a job's size: disabled"),
        ),
        tags=("topology", "training-setup"),
        # Consumer cards are rarely clustered (GeForce has no GPUDirect RDMA: gdrcopy #211): disfavoured on this
        # path only; workstation parts (GPUDirect RDMA per NVIDIA's docs) stay consistent.
        implies=(
            (">=2", (Spec("class", WEAK, "multi-node launch: a cluster of servers, not consumer cards",
                          CLUSTER_CLASSES),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC403",
        name="visible-devices",
        signal="launch.visible_devices",
        title="visible devices",
        summary="Finds the device list a process is restricted to (CUDA_VISIBLE_DEVICES, ASCEND_RT_VISIBLE_DEVICES...).",
        why="The list length gives devices per node; `CUDA_VISIBLE_DEVICES=\"\"` hides every GPU.",
        positives=(
            Example("export CUDA_VISIBLE_DEVICES=0,1,2,3\n", kind="shell", value="0,1,2,3"),
            Example('import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0,1"\n', value="0,1"),
            Example("export HABANA_VISIBLE_DEVICES=all\n", kind="shell", value="all",
                    note="every device; the device count is not read from it"),
        ),
        negatives=(
            Example('export CUDA_VISIBLE_DEVICES=""\n', kind="shell"),
            Example('import os\nos.environ["CUDA_VISIBLE_DEVICES"] = ""\n'),
        ),
        tags=("topology",),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC404",
        name="launcher",
        signal="launch.launcher",
        title="distributed launcher",
        summary=("Finds distributed launchers: torchrun, torch.distributed.run/launch, deepspeed, accelerate launch, "
                 "Lightning's `lightning run model` / `fabric run`, srun, mpirun."),
        why="The launcher ties a script to its configs and flags; the inference follows it across files.",
        positives=(
            Example("deepspeed --num_gpus 8 train.py\n", kind="shell", value="deepspeed"),
            Example("python gaudi_spawn.py --world_size 8 --use_mpi run_clm.py\n", kind="shell", value="gaudi_spawn"),
            Example("msrun --worker_num=8 --local_worker_num=8 train.py\n", kind="shell", value="msrun"),
            Example("composer --world_size 16 --node_rank 0 --master_addr 10.0.0.1 --master_port 7501 train.py "
                    "cfg.yaml\n", kind="shell", value="composer", note="MosaicML Composer's launcher"),
            Example("lightning run model --accelerator=cuda --devices=8 --num-nodes=2 pretrain/train.py\n",
                    kind="shell", value="lightning", note="Lightning Fabric's launcher"),
            Example(_RANK_LOOP, kind="shell", value="rank-loop",
                    note="the Ascend idiom: a loop that starts one background process per DEVICE_ID"),
        ),
        negatives=(
            Example("python train.py\n", kind="shell"),
            Example("composer install --no-dev\n", kind="shell", note="PHP's composer: no Python script, no launch"),
            Example("lightning run app app.py\n", kind="shell", note="a Lightning app, not a training launch"),
            Example("for i in 0 1 2 3; do echo $i; done\n", kind="shell", note="a loop that starts no process per device"),
        ),
        tags=("topology", "launcher", "training-setup"),
        implies=(
            ("gaudi_spawn", (
                vendor(INTEL, strength=STRONG, text="gaudi_spawn.py launcher (Intel Gaudi, optimum-habana)"),
            )),
            ("msrun", (vendor(HUAWEI, strength=STRONG, text="msrun launcher (MindSpore, Huawei Ascend)"),)),
            ("rank-loop", (
                vendor(HUAWEI, strength=WEAK, text="one process per DEVICE_ID in a shell loop (the Ascend idiom)"),
            )),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC405",
        name="hostfile",
        signal="launch.hostfile",
        title="hostfile",
        summary="Finds hostfiles passed to launchers (--hostfile, -hostfile, --machinefile).",
        why="A hostfile lists the machines of a multi-node cluster.",
        positives=(Example("deepspeed --hostfile hosts.txt train.py\n", kind="shell", value="hosts.txt"),),
        negatives=(Example("cat hosts.txt\n", kind="shell"),),
        tags=("topology", "launcher", "training-setup"),
        implies=(
            ("*", (Spec("class", WEAK, "hostfile of a multi-node launch: a cluster of servers, not consumer cards",
                        CLUSTER_CLASSES),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC406",
        name="launch-config",
        signal="launch.config",
        title="configuration passed to a launch",
        summary="Finds configuration files passed on a launch command line (--deepspeed CONFIG, --config_file CONFIG).",
        why=(
            "Following the command line to its config resolves values such as DeepSpeed's `\"auto\"` and ties each "
            "recipe to its own settings."
        ),
        positives=(
            Example("deepspeed train.py --deepspeed ds_config.json\n", kind="shell", value="ds_config.json"),
            Example("deepspeed_config:\n  deepspeed_config_file: ds.json\n", kind="yaml", value="ds.json"),
        ),
        negatives=(Example("cat ds_config.json\n", kind="shell"),),
        tags=("topology", "launcher", "training-setup"),
        triggers=TRIGGERS,
    ),
)
