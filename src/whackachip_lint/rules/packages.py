"""WAC8xx: container images and dependency pins (base images, torch wheel variants, vendor packages).

Values and properties are written to be read without this module: every finding says which
vendor stack it implies (`vendor`: nvidia, amd, huawei, intel, google, apple; `accelerator`: gpu,
npu, hpu, tpu, xpu, mps) and which toolkit version, where the text states one.
"""

from ..evidence import State
from .base import Example, Rule
from .implies import AMD, AWS, GOOGLE, HUAWEI, INTEL, NVIDIA, STRONG, WEAK, vendor

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Packages and containers (WAC8xx): dependency pins, images, wheel variants.
TRIGGERS = (
    "torch", "cu1", "rocm", "cuda", "nvidia", "npu", "habana", "tpu", "xla", "jax", "mlx", "metal", "neuron",
    "flash", "transformer", "apex", "bitsandbytes", "xformers", "triton", "deepspeed", "intel", "cupy", "dali",
    "tensorrt", "onnxruntime", "paddle", "amdsmi", "cudf", "cuml", "image", "from",
)
# Dependency pins in Python come only from setup.py, which is never filtered (triggers.ALWAYS_PARSE_NAMES); in shell
# only from container runs and pip and conda installs; JSON files hold none.
TRIGGERS_BY_KIND = (("python", ()), ("shell", ("docker", "podman", "nerdctl", "pip", "conda", "mamba")), ("json", ()))

RULES = (
    Rule(
        code="WAC801",
        name="container-image",
        signal="image.base",
        title="accelerator container image",
        summary=(
            "Finds container images built on an accelerator stack: Dockerfile `FROM` (with `ARG` defaults resolved, "
            "every stage) and `image:` fields of manifests; NGC, `nvidia/cuda`, `rocm/*`, Ascend CANN, Gaudi, TPU images."
        ),
        why=(
            "An image ships one vendor's user-space stack (CUDA, ROCm, CANN, Gaudi software): code built into it runs "
            "on that vendor's devices. The tag often states the toolkit version, which bounds the architectures the "
            "build can target. Support files may overshoot the hardware a recipe really used, so this is vendor "
            "evidence, not an architecture floor."
        ),
        positives=(
            Example(
                "FROM rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4\n",
                kind="dockerfile",
                value="rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4",
                note="the ROCm version (6.1) is read from the tag",
            ),
            Example(
                "ARG BASE=nvcr.io/nvidia/pytorch:24.01-py3\nFROM ${BASE}\n",
                kind="dockerfile",
                value="nvcr.io/nvidia/pytorch:24.01-py3",
                note="`FROM ${BASE}` resolved from the ARG default",
            ),
            Example(
                "containers:\n  - name: train\n    image: nvidia/cuda:12.1.0-devel-ubuntu22.04\n",
                kind="yaml",
                value="nvidia/cuda:12.1.0-devel-ubuntu22.04",
            ),
            Example("docker run -it --device=/dev/kfd --device=/dev/dri --group-add video "
                    "rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4 python train.py\n",
                    kind="shell", value="rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4",
                    note="a ROCm image run on /dev/kfd"),
            Example("docker pull rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_2.3\n", kind="shell",
                    value="rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_2.3",
                    note="a set-up script pulls (or creates) the container it trains in"),
            Example("pipeline {\n  agent { docker { image 'rocm/pytorch:latest' } }\n}\n", kind="jenkinsfile",
                    value="rocm/pytorch:latest", note="a Jenkins pipeline's container: a CI job's image"),
        ),
        negatives=(
            Example("FROM ubuntu:22.04\n", kind="dockerfile", note="no accelerator stack in the image"),
            Example(
                "# FROM rocm/pytorch:latest\nFROM python:3.11\n",
                kind="dockerfile",
                note="a commented-out FROM is only mentioned",
            ),
            Example("docker run --rm ubuntu:22.04 bash\n", kind="shell", note="no accelerator stack in the image"),
            Example('echo "docker run rocm/pytorch:latest"\n', kind="shell", note="a command quoted in a message"),
            Example("docker rmi rocm/pytorch:latest\n", kind="shell", note="removing an image uses none"),
        ),
        notes=(
            "properties: vendor, accelerator, cuda, rocm, cann, gaudi (software version), ngc_release (YY.MM), chip, "
            "platform, stage, from_arg, unresolved, context (\"ci\" for CI job images)",
        ),
        tags=("vendor", "image"),
        implies=(
            ("rocm/*", (vendor(AMD, strength=STRONG, text="ROCm base image"),)),
            ("*ascend*", (vendor(HUAWEI, strength=STRONG, text="Ascend base image"),)),
            ("*gaudi*", (vendor(INTEL, strength=STRONG, text="Gaudi base image"),)),
            ("*habana*", (vendor(INTEL, strength=STRONG, text="Habana base image"),)),
            # ROCm does not run in NVIDIA's containers (unlike a `cuda` device string, which ROCm PyTorch keeps).
            ("nvcr.io/*", (vendor(NVIDIA, strength=WEAK, text="NVIDIA NGC base image", redirectable=True),)),
            ("nvidia/cuda*", (vendor(NVIDIA, strength=WEAK, text="CUDA base image", redirectable=True),)),
            # Other images whose tag states a CUDA toolkit (`pytorch/pytorch:2.3.0-cuda12.1-...`, `...-cu121`).
            ("*cuda*", (vendor(NVIDIA, strength=WEAK, text="CUDA build image", redirectable=True),)),
            ("*[!a-z]cu[0-9][0-9]*", (vendor(NVIDIA, strength=WEAK, text="CUDA build image", redirectable=True),)),
        ),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC802",
        name="torch-wheel-variant",
        signal="package.torch_variant",
        title="PyTorch build variant",
        summary=(
            "Finds which PyTorch build is installed: local versions (`torch==2.3.0+cu121`), PyTorch index URLs "
            "(`/whl/cu121`, `/whl/rocm6.1`, `/whl/cpu`), wheel URLs and conda `pytorch-cuda=12.1` (environment "
            "files and `conda install` lines)."
        ),
        why=(
            "A `cuXXX` build runs on NVIDIA GPUs whose compute capability the wheel was compiled for; a `rocmX.Y` "
            "build only on AMD GPUs; a `cpu` build on no accelerator. Old CUDA wheels (cu118 and earlier) cannot run "
            "Blackwell; cu128 and newer are Blackwell-era."
        ),
        positives=(
            Example("torch==2.3.0+cu121\n", kind="requirements", value="cu121"),
            Example(
                "--index-url https://download.pytorch.org/whl/rocm6.1\ntorch==2.4.0\n",
                kind="requirements",
                value="rocm6.1",
            ),
            Example('[project]\nname = "x"\ndependencies = ["torch==2.1.0+cu118"]\n', kind="pyproject", value="cu118"),
            Example("FROM ubuntu:22.04\n"
                    "RUN pip install torch==2.4.0 --index-url https://download.pytorch.org/whl/cu124\n",
                    kind="dockerfile", value="cu124"),
            Example("name: train\ndependencies:\n  - pytorch=2.2.2\n  - pytorch-cuda=12.1\n", kind="yaml",
                    filename="environment.yml", value="cu121", note="a conda environment's pytorch-cuda"),
            Example("conda install -y pytorch pytorch-cuda=12.1 -c pytorch -c nvidia\n", kind="shell", value="cu121",
                    note="a set-up script's conda install"),
        ),
        negatives=(
            Example("torch==2.3.0\n", kind="requirements", note="no build variant stated"),
            Example("# torch==2.3.0+cu121\ntorch\n", kind="requirements", note="commented out: mentioned only"),
        ),
        notes=("value: cu121 / rocm6.1 / cpu / xpu; properties: package, version, variant, vendor, accelerator, cuda, "
               "rocm, source (local-version, index-url, wheel-url, conda), url",),
        tags=("vendor", "dependencies"),
        implies=(
            ("rocm*", (vendor(AMD, strength=STRONG, text="ROCm build of PyTorch pinned"),)),
            ("cu*", (vendor(NVIDIA, strength=WEAK, text="CUDA build of PyTorch pinned"),)),
        ),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC803",
        name="vendor-runtime-package",
        signal="package.vendor",
        title="vendor runtime package",
        summary=(
            "Finds dependencies that exist for one accelerator only: torch_npu, habana/optimum-habana, "
            "jax[tpu]/libtpu/torch_xla[tpu], intel-extension-for-pytorch (+xpu), mlx, jax[cuda12] and the JAX "
            "CUDA/ROCm plugins, cupy-cuda12x and RAPIDS -cuXX packages, TensorRT, pytorch-triton-rocm, AWS Neuron."
        ),
        why=(
            "These packages are the vendor's bridge between a framework and its devices: a pinned `torch_npu` means "
            "an Ascend NPU, `optimum-habana` Intel Gaudi, `libtpu` a TPU, `mlx` Apple silicon. An optional extra or "
            "a pin behind an environment marker is conditional."
        ),
        positives=(
            Example("torch==2.1.0\ntorch_npu==2.1.0.post3\n", kind="requirements", value="torch-npu"),
            Example('jax[tpu]>=0.4.20\n', kind="requirements", value="jax[tpu]"),
            Example("jax[tpu]>=0.4.20 -f https://storage.googleapis.com/jax-releases/libtpu_releases.html\n",
                    kind="requirements", value="jax[tpu]", note="an index option after the requirement, as pip reads it"),
            Example('pip install "jax[tpu]>=0.4.20" -f https://storage.googleapis.com/jax-releases/libtpu_releases.html\n',
                    kind="shell", value="jax[tpu]", note="a set-up script installs it"),
            Example("jax[cuda12]>=0.4.30\n", kind="requirements", value="jax[cuda12]", note="JAX on NVIDIA GPUs, not TPU"),
            Example("torch_xla[tpu]==2.4.0\n", kind="requirements", value="torch-xla[tpu]"),
            Example("torch-xla[cuda]==2.4.0\n", kind="requirements", value="torch-xla[cuda]", note="XLA on NVIDIA GPUs"),
            Example("torch_xla @ https://storage.googleapis.com/pytorch-xla-releases/wheels/cuda/12.1/"
                    "torch_xla-2.4.0-cp310-cp310-manylinux_2_28_x86_64.whl\n", kind="requirements", value="torch-xla[cuda]",
                    note="a CUDA wheel of torch_xla"),
            Example("torch-neuronx==2.1.2.2.3.0\nneuronx-cc==2.*\n", kind="requirements", value="torch-neuronx",
                    note="AWS Neuron (Trainium/Inferentia)"),
        ),
        negatives=(
            Example("# torch_npu==2.1.0\ntorch==2.1.0\n", kind="requirements"),
            Example("jax>=0.4.20\n", kind="requirements", note="plain jax runs on CPU, GPU or TPU"),
            Example(
                '[project]\nname = "x"\n[project.optional-dependencies]\nnpu = ["torch_npu"]\n',
                kind="pyproject",
                state=State.CONDITIONAL,
                note="an optional extra is conditional",
            ),
        ),
        notes=("value: canonical package name (with the deciding extra, e.g. jax[tpu]); properties: package, version, "
               "vendor, accelerator, extra, marker",),
        tags=("vendor", "dependencies"),
        implies=(
            ("torch?npu*", (vendor(HUAWEI, strength=STRONG, text="torch-npu pinned (Ascend)"),)),
            ("habana*", (vendor(INTEL, strength=STRONG, text="Habana packages pinned (Gaudi)"),)),
            ("optimum-habana*", (vendor(INTEL, strength=STRONG, text="optimum-habana pinned (Gaudi)"),)),
            ("jax?tpu?*", (vendor(GOOGLE, strength=STRONG, text="jax[tpu] pinned"),)),
            ("jax?cuda*", (vendor(NVIDIA, strength=STRONG, text="jax[cuda] pinned"),)),
            ("jax-cuda*", (vendor(NVIDIA, strength=STRONG, text="JAX CUDA plugin pinned"),)),
            ("jax?rocm*", (vendor(AMD, strength=STRONG, text="jax[rocm] pinned"),)),
            ("jax-rocm*", (vendor(AMD, strength=STRONG, text="JAX ROCm plugin pinned"),)),
            ("jaxlib+cuda*", (vendor(NVIDIA, strength=STRONG, text="CUDA build of jaxlib pinned"),)),
            ("jaxlib+rocm*", (vendor(AMD, strength=STRONG, text="ROCm build of jaxlib pinned"),)),
            ("libtpu*", (vendor(GOOGLE, strength=STRONG, text="libtpu pinned (TPU runtime)"),)),
            ("torch?xla?tpu?*", (vendor(GOOGLE, strength=STRONG, text="torch-xla[tpu] pinned"),)),
            ("torch?xla?cuda?*", (
                vendor(NVIDIA, strength=STRONG, text="torch-xla[cuda] pinned (XLA on NVIDIA GPUs)"),
            )),
            ("torch?xla*", (vendor(GOOGLE, strength=WEAK, text="torch-xla pinned"),)),
            ("torch-neuron*", (vendor(AWS, strength=STRONG, text="torch-neuronx pinned (AWS Neuron)"),)),
            ("neuronx-*", (vendor(AWS, strength=STRONG, text="Neuron compiler pinned (AWS Trainium/Inferentia)"),)),
        ),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC804",
        name="accelerator-library-package",
        signal="package.kernel",
        title="accelerator library dependency",
        summary=(
            "Finds dependencies on GPU kernel libraries: flash-attn (FA1/FA2 by version) vs flash_attn_3, "
            "transformer-engine, apex, bitsandbytes, xformers, triton, deepspeed."
        ),
        why=(
            "FlashAttention-3 runs on Hopper only; FA2 needs Ampere or newer (or a ROCm build); Transformer Engine "
            "is NVIDIA's FP8 library. A dependency shows what the environment is built for, not that the code calls "
            "it, so these are weaker than the imports WAC601/WAC602 report."
        ),
        positives=(
            Example("flash-attn==2.5.8\n", kind="requirements", value="flash-attn"),
            Example("flash_attn_3 @ git+https://example.invalid/fa3.git\n", kind="requirements", value="flash-attn-3"),
            Example("name: train\ndependencies:\n  - pip\n  - pip:\n      - deepspeed==0.14.2\n", kind="yaml",
                    filename="environment.yml", value="deepspeed", note="pip packages of a conda environment"),
        ),
        negatives=(Example("# flash-attn==2.5.8\nnumpy\n", kind="requirements"),),
        notes=("value: canonical package name; properties: package, version, kernel (fa1/fa2/fa3), vendors",),
        tags=("kernels", "dependencies"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC805",
        name="cuda-toolkit-pin",
        signal="package.cuda_toolkit",
        title="CUDA toolkit pin",
        summary=("Finds the CUDA toolkit version pinned by conda (`cudatoolkit=11.8`, `cuda-version=12.1`, NVIDIA's "
                 "`nvidia/label/cuda-12.1.0` channel) or pip (`nvidia-cuda-runtime-cu12`)."),
        why=(
            "The toolkit bounds the architectures a build can target: CUDA 11.8 is the first with sm_89/sm_90, "
            "12.8 the first with Blackwell (sm_100/sm_120)."
        ),
        positives=(
            Example("name: env\ndependencies:\n  - cudatoolkit=11.8\n", kind="yaml", filename="environment.yml", value="11.8"),
            Example('conda install -y -c "nvidia/label/cuda-12.1.0" cuda-toolkit\n', kind="shell", value="12.1.0",
                    note="the channel label names the CUDA release installed"),
        ),
        negatives=(Example("name: env\ndependencies:\n  - numpy=1.26\n", kind="yaml", filename="environment.yml"),
                   Example("conda install -y -c nvidia cuda-toolkit\n", kind="shell",
                           note="a channel's name alone states no version"),),
        notes=("value: toolkit version as pinned (major.minor[.patch] or cuda major for cuXX packages); properties: "
               "package, channel",),
        tags=("vendor", "dependencies"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
)

__all__ = ["RULES"]
