"""WAC3xx: network and fabric (InfiniBand, GPUDirect RDMA, P2P, NVLink SHARP, cloud fabrics)."""

from ..evidence import State
from .base import Example, Rule
from .implies import AMD, CUDA_OR_ROCM, NVIDIA, STRONG, Spec, WEAK, vendor

# An NCCL transport switched off still shows NCCL (or RCCL) in use (a finding's *disabled* state is itself a fact).
NCCL_SWITCHED_OFF = (
    ("nccl_*", (vendor(NVIDIA, AMD, strength=WEAK, text=f"NCCL variables: {CUDA_OR_ROCM} (RCCL reads NCCL_*)",
                       redirectable=True),)),
)

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Interconnect: NCCL_* (and RCCL's use of them), Gloo, libfabric/EFA, InfiniBand.
TRIGGERS = (
    "nccl", "rccl", "gloo", "fi_", "efa_", "infiniband", "rdma", "gdr", "ucx", "ofi_", "ofi-", "tcpx",
    "fastrak", "sharp", "nvls", "socket_ifname",
)

RULES = (
    Rule(
        code="WAC301",
        name="infiniband",
        signal="net.ib",
        title="InfiniBand / RoCE transport",
        summary="Finds NCCL's InfiniBand transport configured or disabled (NCCL_IB_HCA, NCCL_IB_GID_INDEX, NCCL_IB_DISABLE...).",
        why=(
            "Naming HCAs, GID indexes, IB timeouts or traffic classes means RDMA NICs in a cluster, usually on "
            "premises: datacenter parts. `NCCL_IB_DISABLE=1` says the opposite."
        ),
        positives=(
            Example("export NCCL_IB_HCA=mlx5_0,mlx5_1\n", kind="shell", value="NCCL_IB_HCA"),
            Example('import os\nos.environ["NCCL_IB_HCA"] = "mlx5_0,mlx5_1"\n', value="NCCL_IB_HCA"),
            Example(
                'NET_TYPE="high"\nif [[ $NET_TYPE == "low" ]]; then\n  export NCCL_IB_DISABLE=1\n'
                "else\n  export NCCL_IB_HCA=mlx5_0\nfi\n",
                kind="shell",
                state=State.DEAD,
                value="NCCL_IB_DISABLE",
                note="a branch the script's own constants rule out is dead code: it switches nothing off "
                "(the live `else` branch is enabled)",
            ),
            Example("env:\n  - name: NCCL_IB_HCA\n    value: mlx5\n", kind="yaml", value="NCCL_IB_HCA", note="Kubernetes env"),
        ),
        negatives=(
            Example("export NCCL_IB_DISABLE=1\n", kind="shell"),
            Example('import os\nos.environ["NCCL_IB_DISABLE"] = "1"\n'),
            Example("env:\n  - name: NCCL_IB_DISABLE\n    value: '1'\n", kind="yaml", note="InfiniBand switched off"),
        ),
        tags=("network", "training-setup"),
        implies=(
            ("nccl_*", (
                Spec("class", STRONG, "InfiniBand/RoCE NICs in a cluster: datacenter parts", ("datacenter",)),
                vendor(NVIDIA, AMD, strength=WEAK, text=f"NCCL InfiniBand variables: {CUDA_OR_ROCM}",
                       redirectable=True),
            )),
        ),
        implies_when_disabled=NCCL_SWITCHED_OFF,
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC302",
        name="gpudirect-rdma",
        signal="net.gdr",
        title="GPUDirect RDMA",
        summary="Finds GPUDirect RDMA turned on or off (NCCL_NET_GDR_LEVEL, NCCL_NET_GDR_READ, NCCL_IB_CUDA_SUPPORT).",
        why=(
            "NVIDIA supports GPUDirect RDMA on datacenter and professional GPUs only (not GeForce); AMD Instinct has "
            "its own peer-direct path that honours the same variables."
        ),
        positives=(
            Example("export NCCL_NET_GDR_LEVEL=2\n", kind="shell", value="NCCL_NET_GDR_LEVEL"),
            Example("export NCCL_NET_GDR_LEVEL=PHB\n", kind="shell", value="NCCL_NET_GDR_LEVEL"),
            Example('import os\nos.environ["NCCL_NET_GDR_LEVEL"] = "PHB"\n', value="NCCL_NET_GDR_LEVEL"),
        ),
        negatives=(
            Example("export NCCL_NET_GDR_LEVEL=LOC\n", kind="shell"),
            Example('import os\nos.environ["NCCL_NET_GDR_LEVEL"] = "LOC"\n'),
        ),
        tags=("network", "training-setup"),
        implies=(
            ("*", (Spec("gdr", STRONG, "GPUDirect RDMA (datacenter/professional NVIDIA or AMD Instinct)"),)),
        ),
        implies_when_disabled=NCCL_SWITCHED_OFF,
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC303",
        name="gpu-peer-to-peer",
        signal="net.p2p",
        title="GPU peer-to-peer transport",
        summary="Finds NCCL's P2P transport enabled, disabled or levelled (NCCL_P2P_DISABLE, NCCL_P2P_LEVEL).",
        why=(
            "`NCCL_P2P_DISABLE=1` with `NCCL_IB_DISABLE=1` is the classic setting for consumer GPUs without P2P "
            "support; explicitly enabling P2P fits NVLink or PCIe P2P capable parts."
        ),
        positives=(
            Example("export NCCL_P2P_DISABLE=1\n", kind="shell", state=State.DISABLED),
            Example('import os\nos.environ["NCCL_P2P_DISABLE"] = str(1)\n', state=State.DISABLED),
            Example(
                "setup_consumer_gpus() {\n  export NCCL_P2P_DISABLE=1\n}\ntorchrun --nproc_per_node 8 train.py\n",
                kind="shell",
                state=State.DEAD,
                note="a function a launch script never calls is dead code: no consumer-GPU setting",
            ),
        ),
        negatives=(
            Example("echo $NCCL_P2P_DISABLE\n", kind="shell"),
            Example('import os\nprint(os.environ.get("NCCL_P2P_DISABLE"))\n'),
        ),
        tags=("network", "training-setup"),
        implies_when_disabled=NCCL_SWITCHED_OFF,
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC304",
        name="socket-interface",
        signal="net.socket",
        title="NCCL socket interface",
        summary="Finds the network interfaces NCCL or Gloo is told to use (NCCL_SOCKET_IFNAME, GLOO_SOCKET_IFNAME).",
        why="Interface names (ib0, bond0, eth0) hint at the fabric behind a multi-node job.",
        positives=(
            Example("export NCCL_SOCKET_IFNAME=bond1\n", kind="shell", value="NCCL_SOCKET_IFNAME"),
            Example('import os\nos.environ.setdefault("NCCL_SOCKET_IFNAME", "ib0")\n', value="NCCL_SOCKET_IFNAME"),
        ),
        negatives=(
            Example("# export NCCL_SOCKET_IFNAME=bond1\n", kind="shell"),
            Example('import os\niface = os.environ.get("NCCL_SOCKET_IFNAME", "eth0")\n', note="reading is not setting"),
        ),
        tags=("network", "training-setup"),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC305",
        name="nvlink-sharp",
        signal="net.nvls",
        title="NVLink SHARP",
        summary="Finds NVLink SHARP (NVLS) switched on or off (NCCL_NVLS_ENABLE).",
        why="NVLS is a feature of NVSwitch systems (HGX/DGX-class servers).",
        positives=(
            Example("export NCCL_NVLS_ENABLE=1\n", kind="shell", value="NCCL_NVLS_ENABLE"),
            Example('import os\nos.environ["NCCL_NVLS_ENABLE"] = "1"\n', value="NCCL_NVLS_ENABLE"),
        ),
        negatives=(
            Example("export NCCL_NVLS_ENABLE=0\n", kind="shell"),
            Example('import os\nos.environ["NCCL_NVLS_ENABLE"] = "0"\n'),
        ),
        tags=("network", "training-setup"),
        implies=(
            ("*", (
                vendor(NVIDIA, strength=STRONG, text="NVLink SHARP needs NVSwitch systems (NVIDIA)"),
                Spec("class", STRONG, "NVLink SHARP: NVSwitch (HGX/DGX-class) servers", ("datacenter",)),
            )),
        ),
        implies_when_disabled=NCCL_SWITCHED_OFF,
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC306",
        name="cloud-fabric",
        signal="net.cloud_fabric",
        title="cloud GPU fabric",
        summary=(
            "Finds GPU fabrics other than InfiniBand: GCP GPUDirect-TCPX/TCPXO (NCCL_FASTRAK_*, NCCL_GPUDIRECTTCPX_*), "
            "AWS EFA (FI_EFA_*, FI_PROVIDER=efa), HPE Slingshot through libfabric (FI_CXI_*, FI_PROVIDER=cxi)."
        ),
        why=(
            "These fabrics exist only on datacenter GPU instances and HPC systems, without any NCCL_IB_* variable. "
            "Other libfabric providers (tcp, sockets, shm) say nothing about the fabric."
        ),
        positives=(
            Example("export NCCL_FASTRAK_CTRL_DEV=eth0\n", kind="shell", value="NCCL_FASTRAK_CTRL_DEV"),
            Example("export FI_PROVIDER=cxi\n", kind="shell", value="FI_PROVIDER", note="HPE Slingshot"),
            Example('import os\nos.environ.update(FI_EFA_USE_DEVICE_RDMA="1")\n', value="FI_EFA_USE_DEVICE_RDMA"),
        ),
        negatives=(
            Example("# NCCL_FASTRAK_CTRL_DEV is for a3-mega only\n", kind="shell"),
            Example("export FI_PROVIDER=tcp\n", kind="shell", note="a plain TCP provider is no fabric evidence"),
            Example('import os\n"""Set NCCL_FASTRAK_CTRL_DEV on a3-mega."""\n'),
        ),
        tags=("network", "training-setup"),
        implies=(
            ("*", (Spec("class", STRONG, "cloud GPU fabric: datacenter instances", ("datacenter",)),)),
        ),
        triggers=TRIGGERS,
    ),
)
