"""WAC2xx: collective library, vendor runtime, device strings and vendor environment."""

from ..evidence import State
from .base import Example, Rule
from .implies import AMD, APPLE, AWS, CAMBRICON, CUDA_OR_ROCM, GOOGLE, HARD, HUAWEI, INTEL, INTEL_XPU, MOORE_THREADS, NVIDIA, STRONG, WEAK, vendor

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Collective backends, vendor runtimes, device strings, vendor variables, version checks.
TRIGGERS = (
    "ccl", "gloo", "mpi", "init_process_group", "init_distributed", "backend", "distributed", "torch_npu",
    "mindspeed", "npu", "habana", "hpu", "gaudi", "xla", "pjrt", "tpu", "jax", "mlx", "mps", "xpu", "ipex",
    "intel_extension", "cuda", "rocm", "hip", "hsa_", "rocr", "ascend", "cann", "device", "gpu",
    "accelerator", "neuron", "musa", "mlu", "metal", "torch.version", "miopen", "environ", "putenv", "ucc",
    "hipblaslt", "rank_table", "jax_platform", "xla_force_host", "rocm-smi", "amd-smi", "rocminfo", "npu-smi",
    "hl-smi", "hl-qual", "gcloud", "device_target", "mindspore", "tpuestimator", "tpustrategy",
    "tpuclusterresolver", "libtpu", "nvte_", "te_hipblaslt",
)

RULES = (
    Rule(
        code="WAC201",
        name="collective-backend",
        signal="collective.backend",
        title="collective backend",
        summary=(
            "Finds the torch.distributed backend: `init_process_group`, `deepspeed.init_distributed`, launcher flags; "
            "and JAX's multi-host `jax.distributed.initialize()`."
        ),
        why=(
            "`nccl` is NVIDIA's NCCL or, on ROCm builds of PyTorch, AMD's RCCL under the same name; `hccl` is Huawei "
            "Ascend's or Intel Gaudi's library; `gloo` runs anywhere. The backend narrows the vendor set, it never "
            "decides it alone."
        ),
        positives=(
            Example('import torch.distributed as dist\ndist.init_process_group(backend="nccl")\n', value="nccl"),
            Example('import torch.distributed as dist\ndist.init_process_group("hccl")\n', value="hccl"),
            Example(
                'import torch.distributed as dist\nBACKEND = "nccl"\ndef main():\n    dist.init_process_group(backend=BACKEND)\n',
                value="nccl",
                note="a module constant holding a literal is followed",
            ),
            Example(
                'import argparse\nimport torch.distributed as dist\np = argparse.ArgumentParser()\n'
                'p.add_argument("--backend", default="gloo")\nargs = p.parse_args()\n'
                "dist.init_process_group(backend=args.backend)\n",
                value="gloo",
                note="an argparse default is followed; the finding carries the flag so a launch can override it",
            ),
            Example("import deepspeed\ndeepspeed.init_distributed()\n", state=State.CONDITIONAL, value="auto",
                    note="DeepSpeed's accelerator picks the backend"),
            Example("torchrun --nproc_per_node 8 train.py --ddp_backend nccl\n", kind="shell", value="nccl"),
            Example("import jax\njax.distributed.initialize()\n", value="jax",
                    note="JAX's multi-host runtime: XLA picks the collectives for the platform, so no vendor"),
        ),
        negatives=(
            Example('import torch.distributed as dist\n# dist.init_process_group(backend="nccl")\n'),
            Example("import torch.distributed as dist\ndef setup(backend):\n    dist.init_process_group(backend=backend)\n",
                    note="a backend passed in from elsewhere is not resolved to a guess"),
            Example(
                'import torch, torch.distributed as dist\n'
                'dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")\n',
                note="either backend, depending on the machine: conditional",
            ),
        ),
        references=("https://pytorch.org/docs/stable/distributed.html",),
        tags=("collective", "vendor", "training-setup"),
        implies=(
            ("nccl", (vendor(NVIDIA, AMD, strength=STRONG, text=f"nccl backend: {CUDA_OR_ROCM} through RCCL",
                              redirectable=True),)),
            ("hccl", (vendor(HUAWEI, INTEL, strength=STRONG, text="hccl backend: Huawei Ascend or Intel Gaudi"),)),
            ("xla", (vendor(GOOGLE, strength=STRONG, text="xla backend: TPU", xla=True),)),
            ("cncl", (vendor(CAMBRICON, strength=STRONG, text="cncl backend: Cambricon MLU"),)),
            ("mccl", (vendor(MOORE_THREADS, strength=STRONG, text="mccl backend: Moore Threads GPU"),)),
            ("xccl", (vendor(INTEL_XPU, strength=STRONG, text="xccl backend: Intel XPU (Data Center GPU)"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC202",
        name="vendor-runtime-import",
        signal="runtime.import",
        title="vendor runtime import",
        summary=(
            "Finds imports of accelerator runtimes: torch_npu, habana_frameworks (and optimum.habana, its "
            "Transformers port), torch_xla, jax (and its Pallas TPU kernels), mlx, intel_extension_for_pytorch."
        ),
        why=(
            "A runtime that the code imports unconditionally and uses can only run on that vendor's hardware: it is "
            "the strongest vendor evidence a repo holds. Inside try/except ImportError it is optional."
        ),
        positives=(
            Example("import torch_npu\n", value="torch_npu"),
            Example("import habana_frameworks.torch.core as htcore\n", value="habana_frameworks"),
            Example("from optimum.habana import GaudiConfig, GaudiTrainer\n", value="optimum.habana",
                    note="Hugging Face's trainer for Intel Gaudi"),
            Example("import torch_xla.core.xla_model as xm\n", value="torch_xla"),
            Example("import jax.numpy as jnp\n", value="jax"),
            Example("from jax.experimental.pallas.ops.tpu.splash_attention import splash_attention_kernel\n",
                    value="pallas.tpu", note="JAX's Pallas kernels for TPUs"),
            Example("from jax.experimental.pallas import tpu as pltpu\n", value="pallas.tpu"),
            Example("import intel_extension_for_pytorch as ipex\n", value="intel_extension_for_pytorch"),
            Example("import mlx.core as mx\n", value="mlx"),
            Example("import torch_neuronx\n", value="torch_neuronx", note="AWS Trainium/Inferentia (Neuron SDK)"),
        ),
        negatives=(
            Example("try:\n    import torch_npu\nexcept ImportError:\n    torch_npu = None\n"),
            Example("import importlib.util\nif importlib.util.find_spec('torch_npu'):\n    import torch_npu\n"),
            Example('"""Runs on torch_npu too."""\nimport torch\n'),
            Example("from optimum.intel import OVModelForCausalLM\n", note="another Optimum backend (OpenVINO)"),
            Example("try:\n    from jax.experimental.pallas import tpu as pltpu\nexcept ImportError:\n    pltpu = None\n"),
        ),
        tags=("vendor",),
        implies=(
            ("torch_npu*", (vendor(HUAWEI, strength=HARD, text="imports torch_npu (Huawei Ascend runtime)"),)),
            ("habana_frameworks*", (
                vendor(INTEL, strength=HARD, text="imports habana_frameworks (Intel Gaudi runtime)"),
            )),
            # Strong, not hard: GaudiTrainer falls back to the CPU when `use_habana` is off.
            ("optimum.habana*", (vendor(INTEL, strength=STRONG, text="imports optimum.habana (Intel Gaudi trainer)"),)),
            ("torch_xla*", (vendor(GOOGLE, strength=STRONG, text="imports torch_xla (XLA devices: TPU)", xla=True),)),
            # Weak: the module imports anywhere JAX does (a multi-backend model may take a type from it); the
            # kernels run only on TPUs.
            ("pallas.tpu", (vendor(GOOGLE, strength=WEAK, text="imports Pallas TPU kernels (written for Google TPUs)"),)),
            ("mlx*", (vendor(APPLE, strength=STRONG, text="imports mlx (made for Apple silicon)"),)),
            ("torch_neuronx*", (vendor(AWS, strength=HARD, text="imports torch_neuronx (AWS Neuron runtime)"),)),
            ("torch_neuron*", (vendor(AWS, strength=HARD, text="imports torch_neuron (AWS Neuron runtime)"),)),
            ("neuronx_distributed*", (vendor(AWS, strength=HARD, text="imports neuronx_distributed (AWS Neuron)"),)),
            ("libneuronxla*", (vendor(AWS, strength=HARD, text="imports libneuronxla (AWS Neuron)"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC203",
        name="cuda-migration-shim",
        signal="runtime.shim",
        title="CUDA migration shim",
        summary="Finds shims that run CUDA code on other hardware (`torch_npu.contrib.transfer_to_npu`, Gaudi GPU migration).",
        why=(
            "With such a shim, `cuda` device strings, `torch.cuda` calls and even the `nccl` backend are redirected "
            "to Ascend or Gaudi, so CUDA-looking code is no NVIDIA evidence."
        ),
        positives=(
            Example("from torch_npu.contrib import transfer_to_npu\n", value="transfer_to_npu"),
            Example("import habana_frameworks.torch.gpu_migration\n", value="gpu_migration"),
            Example("import mindspeed.megatron_adaptor\n", value="mindspeed",
                    note="MindSpeed patches Megatron for Ascend"),
        ),
        negatives=(
            Example("import torch_npu\n"),
            Example("# from torch_npu.contrib import transfer_to_npu\nimport torch\n"),
        ),
        tags=("vendor",),
        implies=(
            ("*npu*", (vendor(HUAWEI, strength=HARD, text="CUDA-to-Ascend migration shim"),)),
            ("mindspeed*", (vendor(HUAWEI, strength=HARD, text="MindSpeed patches Megatron for Ascend"),)),
            ("*", (vendor(INTEL, strength=HARD, text="Gaudi GPU migration layer"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC204",
        name="device-type",
        signal="runtime.device",
        title="device type",
        summary="Finds the device type tensors and models are placed on: `cuda`, `npu`, `hpu`, `xla`, `mps`, `xpu`.",
        why=(
            "`npu` means Ascend, `hpu` Gaudi, `xla` TPU (or another XLA device), `mps` Apple. `cuda` is NVIDIA or AMD "
            "(ROCm builds keep the name), or anything behind a migration shim."
        ),
        positives=(
            Example('import torch\nx = x.to("npu")\n', value="npu"),
            Example('import torch\ndevice = torch.device("hpu")\n', value="hpu"),
            Example('import torch\nx = torch.zeros(2, device="xla")\n', value="xla"),
            Example('from mindspore import context\ncontext.set_context(device_target="Ascend")\n', value="npu",
                    note="MindSpore's device_target names the Ascend NPU"),
            Example('import mindspore as ms\nms.set_device("Ascend")\n', value="npu"),
            Example("python train.py --device_target Ascend\n", kind="shell", value="npu"),
            Example('import torch\ndevice = f"cuda:{rank}"\nmodel.to(device)\n', value="cuda"),
            Example('import torch\nmodel = model.cuda()\n', value="cuda"),
            Example("distributed_type: MULTI_NPU\n", kind="yaml", value="npu", note="accelerate config"),
            Example('import torch\ndef place(x):\n    if x is None:\n        return None\n    return torch.device("npu")\n',
                    value="npu", note="an early return on something other than the hardware leaves the rest in force"),
            Example('import torch\ntry:\n    device = torch.device("hpu")\nexcept Exception:\n    raise SystemExit("needs Gaudi")\n',
                    value="hpu", note="a handler that refuses to run, not a fallback: the device is required"),
        ),
        negatives=(
            Example('import torch\nprint("use npu or cuda")\n'),
            Example('import torch\ndef to_mps(x):\n    if not torch.backends.mps.is_available():\n        return x\n'
                    '    return torch.device("mps")\n', note="after a guard clause on the hardware: conditional"),
            Example('import torch\ndef has_mps():\n    try:\n        torch.device("mps")\n        return True\n'
                    '    except Exception:\n        return False\n',
                    note="a capability probe that falls back with a constant: conditional"),
            Example('from mindspore import context\ncontext.set_context(device_target="GPU")\n',
                    note="MindSpore's GPU target is CUDA or ROCm: no device type is read from it"),
            Example('import torch\ndevice = torch.device("mps" if torch.backends.mps.is_available() else "cpu")\n',
                    note="a device chosen at run time is conditional"),
        ),
        tags=("vendor",),
        implies=(
            ("cuda", (vendor(NVIDIA, AMD, strength=STRONG, text=f"cuda device: {CUDA_OR_ROCM}", redirectable=True),)),
            ("npu", (vendor(HUAWEI, strength=HARD, text="npu device (Huawei Ascend)"),)),
            ("hpu", (vendor(INTEL, strength=HARD, text="hpu device (Intel Gaudi)"),)),
            ("xla", (vendor(GOOGLE, strength=STRONG, text="xla device (TPU)", xla=True),)),
            ("mps", (vendor(APPLE, strength=HARD, text="mps device (Apple silicon)"),)),
            ("mlu", (vendor(CAMBRICON, strength=STRONG, text="mlu device (Cambricon)"),)),
            ("musa", (vendor(MOORE_THREADS, strength=STRONG, text="musa device (Moore Threads)"),)),
            ("xpu", (vendor(INTEL_XPU, strength=STRONG, text="xpu device (Intel XPU GPUs)"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC205",
        name="vendor-environment",
        signal="runtime.env",
        title="vendor runtime variable",
        summary=("Finds vendor runtime variables set: RCCL_*, HSA_*, HIP_*/ROCR_*, ROCm Transformer Engine's NVTE_CK_*, "
                 "ASCEND_*, PT_HPU_*, PJRT_*/XLA_*, "
                 "TPU_*, LIBTPU_* and XRT_TPU_CONFIG."),
        why=(
            "These variables are read only by one vendor's stack (AMD ROCm, Huawei CANN, Intel Gaudi, Google XLA). "
            "Setting them says which runtime the author ran, even in code that otherwise looks like CUDA."
        ),
        positives=(
            Example("export HSA_FORCE_FINE_GRAIN_PCIE=1\n", kind="shell", value="HSA_FORCE_FINE_GRAIN_PCIE"),
            Example('import os\nos.environ["HSA_FORCE_FINE_GRAIN_PCIE"] = "1"\n', value="HSA_FORCE_FINE_GRAIN_PCIE"),
            Example('import os\nos.environ.update({"PT_HPU_LAZY_MODE": "1"})\n', value="PT_HPU_LAZY_MODE"),
            Example("source /usr/local/Ascend/ascend-toolkit/set_env.sh\n", kind="shell", value="ASCEND_TOOLKIT_HOME",
                    note="CANN's set_env.sh exports the ASCEND_* variables"),
            Example("export TORCH_BLAS_PREFER_HIPBLASLT=1\nexport GPU_MAX_HW_QUEUES=2\n", kind="shell",
                    value="TORCH_BLAS_PREFER_HIPBLASLT", note="ROCm-only switches without a ROCm prefix"),
            Example("export RANK_TABLE_FILE=./hccl_8p.json\n", kind="shell", value="RANK_TABLE_FILE",
                    note="the HCCL rank table of an Ascend job"),
            Example("export NEURON_RT_NUM_CORES=2\n", kind="shell", value="NEURON_RT_NUM_CORES", note="AWS Neuron"),
            Example("export NVTE_FUSED_ATTN_CK=1\n", kind="shell", value="NVTE_FUSED_ATTN_CK",
                    note="Transformer Engine's ROCm port: Composable Kernel attention"),
            Example('import os\nos.environ["NVTE_CK_USES_BWD_V3"] = "1"\n', value="NVTE_CK_USES_BWD_V3"),
            Example('export XRT_TPU_CONFIG="localservice;0;localhost:51011"\n', kind="shell", value="XRT_TPU_CONFIG",
                    note="PyTorch/XLA's XRT runtime pointed at a Cloud TPU"),
            Example('export LIBTPU_INIT_ARGS="--xla_tpu_enable_async_collective_fusion=true"\n', kind="shell",
                    value="LIBTPU_INIT_ARGS", note="flags for libtpu, the TPU runtime"),
            Example("FROM ubuntu:22.04\nENV HSA_FORCE_FINE_GRAIN_PCIE=1\n", kind="dockerfile", value="HSA_FORCE_FINE_GRAIN_PCIE"),
        ),
        negatives=(
            Example("# export HSA_FORCE_FINE_GRAIN_PCIE=1\n", kind="shell"),
            Example("source ./set_env.sh\n", kind="shell", note="a project's own set_env.sh is not CANN's"),
            Example("export NVTE_FLASH_ATTN=0\n", kind="shell", note="a Transformer Engine switch NVIDIA's TE reads too"),
            Example('import os\nif os.environ.get("ASCEND_RT_VISIBLE_DEVICES"):\n    pass\n', note="reading is not setting"),
            Example("export PJRT_DEVICE=CUDA\n", kind="shell",
                    note="PJRT_DEVICE is read by its value (WAC208): CUDA names no TPU"),
            Example('export LIBTPU_INIT_ARGS=""\n', kind="shell", state=State.DISABLED, value="LIBTPU_INIT_ARGS",
                    note="emptied (a GPU recipe clearing a TPU port's flags): no TPU"),
        ),
        tags=("vendor", "environment"),
        implies=(
            ("rccl_*", (vendor(AMD, strength=STRONG, text="RCCL variables (AMD ROCm)"),)),
            ("hsa_*", (vendor(AMD, strength=STRONG, text="HSA runtime variables (AMD ROCm)"),)),
            ("hip_*", (vendor(AMD, strength=STRONG, text="HIP variables (AMD ROCm)"),)),
            ("rocr_*", (vendor(AMD, strength=STRONG, text="ROCr variables (AMD ROCm)"),)),
            ("rocm_*", (vendor(AMD, strength=STRONG, text="ROCm variables (AMD)"),)),
            ("miopen_*", (vendor(AMD, strength=STRONG, text="MIOpen variables (AMD ROCm)"),)),
            ("ascend_*", (vendor(HUAWEI, strength=STRONG, text="Ascend variables (Huawei CANN)"),)),
            ("hccl_*", (vendor(HUAWEI, INTEL, strength=WEAK, text="HCCL variables (Huawei or Intel Gaudi)"),)),
            ("pt_hpu_*", (vendor(INTEL, strength=STRONG, text="PT_HPU variables (Intel Gaudi)"),)),
            ("habana_*", (vendor(INTEL, strength=STRONG, text="Habana variables (Intel Gaudi)"),)),
            ("tpu_*", (vendor(GOOGLE, strength=STRONG, text="TPU variables (Google)"),)),
            ("xrt_tpu_config", (vendor(GOOGLE, strength=STRONG, text="XRT TPU configuration (Google TPU)"),)),
            ("libtpu_*", (vendor(GOOGLE, strength=STRONG, text="libtpu variables (Google TPU runtime)"),)),
            ("torch_blas_prefer_hipblaslt", (vendor(AMD, strength=STRONG, text="hipBLASLt switch (PyTorch on ROCm)"),)),
            ("gpu_max_hw_queues", (vendor(AMD, strength=STRONG, text="HIP hardware queue count (AMD ROCm)"),)),
            *((pattern, (vendor(AMD, strength=STRONG, text="Transformer Engine's ROCm switches (AMD)"),))
              for pattern in ("nvte_use_rocm", "nvte_fused_attn_ck", "nvte_fused_attn_aotriton", "nvte_use_hipblaslt",
                              "nvte_ck_*", "nvte_rocm_*", "te_hipblaslt_*")),
            ("rank_table_file", (vendor(HUAWEI, strength=STRONG, text="HCCL rank table (Huawei Ascend)"),)),
            ("mindspore_hccl_config_path", (vendor(HUAWEI, strength=STRONG, text="HCCL rank table (Huawei Ascend)"),)),
            ("neuron_*", (vendor(AWS, strength=STRONG, text="Neuron runtime variables (AWS Trainium/Inferentia)"),)),
            ("pjrt_*", (vendor(GOOGLE, strength=WEAK, text="PJRT variables (XLA runtime, usually TPU)", xla=True),)),
            ("xla_*", ()),  # XLA_FLAGS etc. are read by JAX on GPUs too
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC206",
        name="nccl-environment",
        signal="collective.nccl_env",
        title="NCCL variable",
        summary="Finds NCCL_* variables that no more specific network rule (WAC3xx) covers, e.g. NCCL_DEBUG, NCCL_ALGO.",
        why=(
            "NCCL_* variables show the NCCL API in use; RCCL reads the same names, so they point to NVIDIA or AMD."
        ),
        positives=(
            Example("export NCCL_DEBUG=INFO\n", kind="shell", value="NCCL_DEBUG"),
            Example('import os\nos.environ.setdefault("NCCL_DEBUG", "WARN")\n', value="NCCL_DEBUG"),
            Example("FROM ubuntu:22.04\nENV NCCL_DEBUG=WARN\n", kind="dockerfile", value="NCCL_DEBUG"),
        ),
        negatives=(
            Example("echo NCCL_DEBUG\n", kind="shell"),
            Example('import os\n# os.environ["NCCL_DEBUG"] = "INFO"\n'),
        ),
        tags=("collective", "environment"),
        implies=(
            ("*", (vendor(NVIDIA, AMD, strength=WEAK, text=f"NCCL variables: {CUDA_OR_ROCM} (RCCL reads NCCL_*)",
                           redirectable=True),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC207",
        name="runtime-version-check",
        signal="runtime.check",
        title="runtime platform check",
        summary="Finds checks of `torch.version.hip` / `torch.version.cuda`, and refusals to run without one.",
        why=(
            "A check is a condition, not a requirement; but `if torch.version.hip is None: raise ...` refuses to run "
            "anywhere but ROCm and so is a hard vendor fact."
        ),
        positives=(
            Example('import torch\nif torch.version.hip is None:\n    raise RuntimeError("ROCm only")\n', value="hip"),
            Example('import torch\nassert torch.version.cuda, "needs a CUDA build"\n', value="cuda"),
            Example("import torch\nif torch.version.hip:\n    x = 1\n", value="hip", state=State.CONDITIONAL),
        ),
        negatives=(
            Example("import torch\nprint(torch.__version__)\n"),
            Example("import torch\nIS_ROCM = torch.version.hip is not None\n", note="a check is a condition"),
        ),
        tags=("vendor",),
        implies=(
            ("hip", (vendor(AMD, strength=HARD, text="refuses to run without ROCm (torch.version.hip)"),)),
            ("cuda", (vendor(NVIDIA, strength=HARD, text="refuses to run without CUDA (torch.version.cuda)"),)),
        ),
        implies_when_disabled=(
            ("hip", (vendor("!" + AMD, strength=HARD, text="refuses to run on ROCm (torch.version.hip)"),)),
            ("cuda", (vendor("!" + NVIDIA, strength=HARD, text="refuses to run on CUDA (torch.version.cuda)"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC208",
        name="xla-platform",
        signal="runtime.platform",
        title="XLA platform",
        summary=(
            "Finds the platform an XLA or JAX program is told to run on: the value of `PJRT_DEVICE` and "
            "`JAX_PLATFORMS`, `jax.devices(\"tpu\")`, `jax.config.update(\"jax_platforms\", ...)`; "
            "`jax.default_backend()`, `jax.devices()[0].platform` and torch_xla's `xr.device_type()` compared with a "
            "platform name; `--xla_force_host_platform_device_count` (CPU); TensorFlow's TPU APIs "
            "(`TPUStrategy`, `TPUClusterResolver`, `initialize_tpu_system`, a `TPUEstimator` unless `use_tpu=` is "
            "false), `--use_tpu=True` and `--tpu NAME` passed to a script (TPU); TPU cores to train on (Lightning 1.x "
            "`Trainer(tpu_cores=8)`, Hugging Face `tpu_num_cores=8`; None or 0 is off)."
        ),
        why=(
            "XLA is not TPU: torch_xla and JAX also run on CUDA and ROCm GPUs (and torch-neuronx on AWS Neuron). "
            "`PJRT_DEVICE=TPU` and `PJRT_DEVICE=CUDA` name different vendors, so the value decides, not the "
            "variable. An assertion or a refusal to run elsewhere is in force; a comparison in an `if` is conditional."
        ),
        positives=(
            Example("export PJRT_DEVICE=TPU\npython train.py\n", kind="shell", value="TPU"),
            Example("export PJRT_DEVICE=CUDA\npython train.py\n", kind="shell", value="CUDA",
                    note="torch_xla on NVIDIA GPUs: no TPU"),
            Example('import os\nos.environ["JAX_PLATFORMS"] = "tpu"\n', value="tpu"),
            Example('import jax\ndevices = jax.devices("tpu")\n', value="tpu",
                    note="jax.devices(backend) raises without such a device"),
            Example('import jax\nassert jax.default_backend() == "tpu"\n', value="tpu"),
            Example('import torch_xla.runtime as xr\nassert xr.device_type() == "TPU", "TPU only"\n', value="tpu",
                    note="torch_xla's runtime device type"),
            Example('import jax\njax.config.update("jax_platforms", "cpu")\n', value="cpu",
                    note="JAX told to run on the host CPU: no accelerator requirement"),
            Example('import jax\nif jax.devices()[0].platform != "tpu":\n    raise SystemExit("TPU only")\n',
                    value="tpu", note="a refusal to run elsewhere"),
            Example('import jax\nif jax.default_backend() == "gpu":\n    x = 1\n', value="gpu",
                    state=State.CONDITIONAL),
            Example('export XLA_FLAGS="--xla_force_host_platform_device_count=8"\n', kind="shell", value="cpu",
                    note="devices faked on the host CPU: sets no accelerator requirement"),
            Example("import tensorflow as tf\nresolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu='')\n"
                    "strategy = tf.distribute.TPUStrategy(resolver)\n", value="tpu",
                    note="TF 2: the strategy connects to a Cloud TPU"),
            Example("from tensorflow.distribute import TPUStrategy\nstrategy = TPUStrategy(resolver)\n", value="tpu",
                    note="the class name alone is the trigger word"),
            Example("from tensorflow.compat.v1.estimator import tpu\nest = tpu.TPUEstimator(model_fn=f, use_tpu=True)\n",
                    value="tpu", note="a TPUEstimator with the TPU switched on"),
            Example("import tensorflow as tf\nest = tf.contrib.tpu.TPUEstimator(model_fn=f, use_tpu=FLAGS.use_tpu)\n",
                    value="tpu", state=State.CONDITIONAL,
                    note="the TPU only when the flag says so: without it the estimator runs on the CPU or GPU"),
            Example("python run_pretraining.py --use_tpu=True --tpu_name=$TPU_NAME\n", kind="shell", value="tpu",
                    note="a TensorFlow Estimator script launched on a Cloud TPU"),
            Example("python3 main.py --model gpt3_small --tpu my-tpu\n", kind="shell", value="tpu",
                    note="the Cloud TPU the script connects to (mesh-tensorflow scripts)"),
            Example("import pytorch_lightning as pl\ntrainer = pl.Trainer(tpu_cores=8, max_epochs=3)\n", value="tpu",
                    note="Lightning 1.x trains on 8 TPU cores"),
        ),
        negatives=(
            Example("# export PJRT_DEVICE=TPU\npython train.py\n", kind="shell"),
            Example('import jax\nprint(jax.devices())\n', note="listing devices names no platform"),
            Example('import jax\nif jax.default_backend() == "tpu":\n    x = 1\n',
                    note="a branch on the platform is conditional"),
            Example("from tensorflow.compat.v1.estimator import tpu\nest = tpu.TPUEstimator(model_fn=f, use_tpu=False)\n",
                    note="use_tpu=False: the estimator runs on the CPU or GPU"),
            Example('import argparse\nimport tensorflow as tf\np = argparse.ArgumentParser()\n'
                    'p.add_argument("--use_tpu", action="store_true")\nargs = p.parse_args()\n'
                    "est = tf.contrib.tpu.TPUEstimator(model_fn=None, use_tpu=args.use_tpu)\n",
                    note="off unless --use_tpu is passed: conditional, not a fact"),
            Example("python run_classifier.py --use_tpu=False\n", kind="shell", note="the TPU switched off"),
            Example('python3 main.py --model gpt3_small --tpu ""\n', kind="shell", state=State.DISABLED, value="tpu",
                    note="no TPU named"),
            Example("python3 run.py --tpu_name my-tpu\n", kind="shell",
                    note="a TPU name alone: the script's --use_tpu decides"),
            Example("import pytorch_lightning as pl\ntrainer = pl.Trainer(gpus=1, tpu_cores=None)\n",
                    state=State.DISABLED, value="tpu", note="no TPU cores: trains elsewhere"),
            Example("import tensorflow as tf\ntry:\n    r = tf.distribute.cluster_resolver.TPUClusterResolver()\n"
                    "    strategy = tf.distribute.TPUStrategy(r)\nexcept ValueError:\n"
                    "    strategy = tf.distribute.MirroredStrategy()\n",
                    note="a TPU if there is one, else the GPUs: conditional"),
        ),
        notes=("value: the platform as written (TPU, CUDA, tpu, gpu, rocm, cpu, NEURON)",),
        tags=("vendor",),
        # The platform an XLA or JAX program is told to run on (PJRT_DEVICE, JAX_PLATFORMS, jax.devices("tpu")).
        implies=(
            ("tpu*", (vendor(GOOGLE, strength=STRONG, text="XLA platform TPU"),)),
            ("cuda*", (vendor(NVIDIA, strength=STRONG, text="XLA platform CUDA (NVIDIA GPUs)"),)),
            ("rocm*", (vendor(AMD, strength=STRONG, text="XLA platform ROCm (AMD GPUs)"),)),
            ("gpu*", (vendor(NVIDIA, AMD, strength=STRONG, text="XLA platform GPU (CUDA or ROCm)"),)),
            ("neuron*", (vendor(AWS, strength=STRONG, text="XLA platform Neuron (AWS Trainium/Inferentia)"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC209",
        name="vendor-device-tool",
        signal="runtime.tool",
        title="vendor device tool",
        summary=(
            "Finds commands only one vendor's driver stack answers, run in scripts: `rocm-smi`, `amd-smi`, "
            "`rocminfo`, the `hipcc` compiler (AMD), `npu-smi` (Ascend), `hl-smi` (Gaudi), `neuron-ls`/`neuron-top`/`neuronx-cc` "
            "(AWS Neuron), `gcloud compute tpus ...` (Cloud TPU)."
        ),
        why=(
            "A script that queries `rocm-smi` or creates a TPU VM was written to run where that tool exists: "
            "a vendor fact about the machines the author used."
        ),
        positives=(
            Example("rocm-smi --showmeminfo vram\n", kind="shell", value="amd"),
            Example("npu-smi info\n", kind="shell", value="huawei"),
            Example("hipcc --offload-arch=native -o scale scale.hip\n", kind="shell", value="amd",
                    note="a build script that compiles HIP kernels"),
            Example("neuronx-cc compile model.hlo --target trn1\n", kind="shell", value="aws"),
            Example("gcloud compute tpus tpu-vm ssh my-tpu --zone us-central2-b --worker=all\n", kind="shell",
                    value="google"),
        ),
        negatives=(
            Example("# rocm-smi\necho done\n", kind="shell"),
            Example('echo "run rocm-smi to check"\n', kind="shell", note="a tool named in a message is not run"),
            Example("if command -v rocm-smi; then rocm-smi; fi\n", kind="shell", state=State.CONDITIONAL,
                    note="run only where it exists: conditional"),
        ),
        notes=("value: the vendor (amd, huawei, intel, aws, google); properties: tool",),
        tags=("vendor",),
        # Device tools only one vendor's driver answers (rocm-smi, npu-smi, hl-smi, neuron-ls...).
        implies=(
            ("amd", (vendor(AMD, strength=STRONG, text="runs AMD's ROCm device tools"),)),
            ("huawei", (vendor(HUAWEI, strength=STRONG, text="runs Huawei's Ascend device tools"),)),
            ("intel", (vendor(INTEL, strength=STRONG, text="runs Intel Gaudi's device tools"),)),
            ("aws", (vendor(AWS, strength=STRONG, text="runs AWS Neuron tools"),)),
            ("google", (vendor(GOOGLE, strength=STRONG, text="manages Cloud TPUs (gcloud compute tpus)"),)),
        ),
        triggers=TRIGGERS,
    ),
)
