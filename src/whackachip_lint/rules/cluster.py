"""WAC701-WAC709: cluster and job manifests (Kubernetes resources, node selectors, device pass-through).

(WAC710-WAC799 belong to rules/declared.py: SLURM requests, READMEs, logs.)
"""

from ..evidence import State
from .base import Example, Rule
from .declared import TRIGGERS, TRIGGERS_BY_KIND
from .implies import AMD, AWS, GOOGLE, HUAWEI, INTEL, NVIDIA, STRONG, vendor

# XManager launch scripts name their accelerator in `JobRequirements(...)` (extract/python): the only Python
# spelling of a cloud accelerator selector.
SELECTOR_TRIGGERS_BY_KIND = tuple(
    (kind, words + ("jobrequirements",) if kind == "python" else words) for kind, words in TRIGGERS_BY_KIND
)

RULES = (
    Rule(
        code="WAC701",
        name="accelerator-resource-request",
        signal="declared.k8s_resource",
        title="accelerator resource request",
        summary=(
            "Finds accelerator resources a pod or job requests: `nvidia.com/gpu`, `amd.com/gpu`, `habana.ai/gaudi`, "
            "`huawei.com/Ascend910`, `google.com/tpu`, `gpu.intel.com/i915`, `aws.amazon.com/neuron`."
        ),
        why=(
            "A scheduler only places the job on nodes whose device plugin advertises that resource, so the resource "
            "name is the vendor of the devices the job ran on, and the count the devices per pod."
        ),
        positives=(
            Example(
                "resources:\n  limits:\n    nvidia.com/gpu: 8\n", kind="yaml", value="nvidia.com/gpu"
            ),
            Example("resources:\n  limits:\n    huawei.com/Ascend910: 8\n", kind="yaml", value="huawei.com/Ascend910"),
        ),
        negatives=(
            Example("resources:\n  limits:\n    nvidia.com/gpu: 0\n", kind="yaml", note="zero devices requested"),
            Example("resources:\n  limits:\n    cpu: 4\n    # nvidia.com/gpu: 8\n", kind="yaml"),
        ),
        notes=("value: resource name; properties: vendor, accelerator, count, field (limits/requests)",),
        tags=("declared", "vendor"),
        implies=(  # device-plugin resource names: the scheduler places the job on that vendor
            ("nvidia.com/*", (vendor(NVIDIA, strength=STRONG, text="requests nvidia.com devices"),)),
            ("amd.com/*", (vendor(AMD, strength=STRONG, text="requests amd.com devices"),)),
            ("huawei.com/*", (vendor(HUAWEI, strength=STRONG, text="requests huawei.com Ascend devices"),)),
            ("habana.ai/*", (vendor(INTEL, strength=STRONG, text="requests habana.ai Gaudi devices"),)),
            ("google.com/tpu*", (vendor(GOOGLE, strength=STRONG, text="requests google.com TPUs"),)),
        ),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC702",
        name="gpu-product-selector",
        signal="declared.k8s_gpu_product",
        names_hardware=STRONG,
        title="GPU product node selector",
        summary=(
            "Finds node selectors and affinities on device labels: `nvidia.com/gpu.product`, `nvidia.com/gpu.family`, "
            "`nvidia.com/gpu.memory`, `amd.com/gpu.product-name`, `gpu.intel.com/product`."
        ),
        why=(
            "A selector on the GPU product label constrains the job to that model: it names the hardware the job "
            "ran on, the strongest declared evidence there is (a README claim is not)."
        ),
        positives=(
            Example(
                "nodeSelector:\n  nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB\n",
                kind="yaml",
                value="NVIDIA-A100-SXM4-80GB",
            ),
            Example(
                "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n"
                "      nodeSelectorTerms:\n        - matchExpressions:\n            - key: nvidia.com/gpu.product\n"
                "              operator: In\n              values: [NVIDIA-H100-80GB-HBM3]\n",
                kind="yaml",
                value="NVIDIA-H100-80GB-HBM3",
            ),
        ),
        negatives=(
            Example(
                "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n"
                "      nodeSelectorTerms:\n        - matchExpressions:\n            - key: nvidia.com/gpu.product\n"
                "              operator: NotIn\n              values: [Tesla-T4]\n",
                kind="yaml",
                state=State.DISABLED,
                note="NotIn excludes a product: reported as disabled",
            ),
        ),
        notes=("value: the label value; properties: label, vendor, operator",),
        tags=("declared", "vendor", "architecture"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC703",
        name="cloud-accelerator-selector",
        signal="declared.cloud_accelerator",
        names_hardware=STRONG,
        title="cloud accelerator node selector",
        summary=(
            "Finds cloud node labels that pick an accelerator or instance type: "
            "`cloud.google.com/gke-accelerator`, `cloud.google.com/gke-tpu-accelerator`, "
            "`node.kubernetes.io/instance-type`, `karpenter.k8s.aws/instance-gpu-name`; the accelerators or "
            "instance type a SkyPilot task's `resources` ask for (`accelerators: A100:8`); and the accelerator an "
            "XManager launch script's `xm.JobRequirements` asks for (`tpu_v3=8`, `a100=8`)."
        ),
        why=(
            "Managed clusters label nodes with the accelerator or machine type they offer (`nvidia-tesla-a100`, "
            "`tpu-v5-lite-podslice`, `p4d.24xlarge`): a selector on them names the hardware of the run."
        ),
        positives=(
            Example(
                "nodeSelector:\n  cloud.google.com/gke-accelerator: nvidia-h100-80gb\n", kind="yaml", value="nvidia-h100-80gb"
            ),
            Example("resources:\n  accelerators: A100-80GB:8\n", kind="yaml", value="A100-80GB", note="SkyPilot task"),
            Example("gcloud compute tpus tpu-vm create my-tpu --zone=us-west4-a --accelerator-type=v5litepod-64\n",
                    kind="shell", value="v5litepod-64", note="a Cloud TPU type: v5litepod is TPU v5e"),
            Example("from xmanager import xm\nrequirements = xm.JobRequirements(tpu_v3=8)\n", value="tpu_v3",
                    note="an XManager job placed on TPU v3"),
            Example("from xmanager import xm\nreq = xm.JobRequirements({xm.ResourceType.A100: 8}, cpu=16)\n",
                    value="a100", note="the resources as a dictionary keyed by ResourceType"),
        ),
        negatives=(
            Example("metadata:\n  labels:\n    team: gke-accelerator\n", kind="yaml"),
            Example(
                "resources:\n  accelerators: [A100:8, H100:8]\n",
                kind="yaml",
                state=State.CONDITIONAL,
                note="a list of candidates: SkyPilot uses one of them",
            ),
            Example("gcloud compute instances create vm1 --machine-type=n2-standard-8\n", kind="shell"),
            Example("from xmanager import xm\nrequirements = xm.JobRequirements(cpu=4, ram=16 * xm.GiB)\n",
                    note="a CPU-only XManager job"),
        ),
        notes=("value: the label value; properties: label, vendor (where the value names one), operator",),
        tags=("declared", "cloud"),
        # TPU v2 and v3 are not in the catalog: the TPU request itself says the vendor (other names bind their parts).
        implies=(("tpu_v*", (vendor(GOOGLE, strength=STRONG, text="the job requests Cloud TPUs"),)),),
        triggers=TRIGGERS,
        triggers_by_kind=SELECTOR_TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC704",
        name="container-device-passthrough",
        signal="declared.container_devices",
        title="accelerator device pass-through",
        summary=(
            "Finds containers given accelerator devices: compose `driver: nvidia` reservations, `runtime: nvidia`, "
            "`runtimeClassName: nvidia`, and device nodes `/dev/kfd` (AMD), `/dev/davinci*` (Ascend), "
            "`/dev/accel*` (Gaudi), `/dev/neuron*` (AWS)."
        ),
        why=(
            "Each vendor's driver exposes its own device nodes and container runtime: a container that mounts "
            "`/dev/kfd` runs ROCm, one that mounts `/dev/davinci0` an Ascend NPU."
        ),
        positives=(
            Example("services:\n  train:\n    devices:\n      - /dev/kfd\n      - /dev/dri\n", kind="yaml", value="/dev/kfd"),
            Example("docker run -it --device=/dev/kfd --device=/dev/dri rocm/pytorch:latest python train.py\n",
                    kind="shell", value="/dev/kfd"),
        ),
        negatives=(
            Example("services:\n  train:\n    devices:\n      - /dev/fuse\n", kind="yaml"),
            Example("docker run --device=/dev/fuse ubuntu:22.04 bash\n", kind="shell"),
        ),
        notes=("value: device node or runtime name; properties: vendor, accelerator",),
        tags=("declared", "vendor"),
        implies=(
            ("/dev/kfd", (
                vendor(AMD, strength=STRONG, text="passes /dev/kfd (the ROCm kernel driver) to the container"),
            )),
            ("/dev/davinci*", (vendor(HUAWEI, strength=STRONG, text="passes /dev/davinci (Ascend) to the container"),)),
            ("/dev/neuron*", (vendor(AWS, strength=STRONG, text="passes /dev/neuron (AWS Neuron) to the container"),)),
        ),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
)

__all__ = ["RULES"]
