"""The YAML extractor: training configs, DeepSpeed-as-YAML, JSON under .yaml, manifests, conda files."""

from __future__ import annotations

import pytest

from ..conftest import finding_rows, scan_snippet


def rows(code: str, filename: str = "snippet.yaml"):
    return finding_rows(code, "yaml", filename)


def test_an_accelerate_offload_device_is_reported_under_its_own_key():
    code = "deepspeed_config:\n  offload_optimizer_device: cpu\n  offload_param_device: none\n  zero_stage: 3\n"
    found = [(f.rule, f.value, f.state.value, f.message) for f in scan_snippet(code, "yaml", "accelerate.yaml").findings
             if f.rule == "WAC502"]
    assert [(rule, value, state) for rule, value, state, _ in found] == [("WAC502", "cpu", "enabled"),
                                                                         ("WAC502", "none", "disabled")]
    assert "`offload_optimizer_device: cpu`" in found[0][3] and "`offload_param_device: none`" in found[1][3]
    ds = "zero_optimization:\n  stage: 3\n  offload_param:\n    device: cpu\n"
    (nested,) = [f for f in scan_snippet(ds, "yaml", "ds.yaml").findings if f.rule == "WAC502"]
    assert "`offload_param: cpu`" in nested.message  # DeepSpeed's `device` key says little alone


def test_accelerate_config_reuses_core_rules():
    code = (
        "compute_environment: LOCAL_MACHINE\n"
        "distributed_type: MULTI_NPU\n"
        "mixed_precision: bf16\n"
        "num_machines: 2\n"
        "num_processes: 16\n"
        "deepspeed_config:\n"
        "  deepspeed_config_file: configs/ds.json\n"
        "  zero3_init_flag: true\n"
    )
    assert rows(code, "cfg/accelerate.yaml") == [
        ("WAC101", "bf16", "enabled", 3),
        ("WAC204", "npu", "enabled", 2),
        ("WAC401", 8, "enabled", 5),
        ("WAC402", 2, "enabled", 4),
        ("WAC406", "configs/ds.json", "enabled", 7),
    ]


def test_num_processes_counts_all_machines():
    result = scan_snippet("num_machines: 2\nnum_processes: 16\n", "yaml")
    per_node = next(f for f in result.findings if f.rule == "WAC401")
    assert per_node.value == 8 and per_node.properties["total"] == 16
    assert rows("num_processes: 4\n") == [("WAC401", 4, "enabled", 1)]


def test_deepspeed_config_file_is_resolved_relative_to_the_yaml():
    result = scan_snippet("deepspeed_config_file: ../ds/z3.json\n", "yaml", "recipes/a/acc.yaml")
    (finding,) = result.findings
    assert finding.properties["resolved"] == "recipes/ds/z3.json"


def test_mixed_precision_no_is_not_bf16_and_yaml_booleans_are_read_as_such():
    # YAML 1.1 reads a bare `no` as false: neither is a precision.
    assert rows("mixed_precision: no\n") == []
    assert rows("mixed_precision: 'no'\n") == []


def test_commented_out_settings_are_mentioned_only():
    code = "# mixed_precision: bf16\nmixed_precision: fp16\n  # resources: nothing\n"
    assert rows(code) == [("WAC101", "bf16", "mentioned", 1), ("WAC102", "fp16", "enabled", 2)]


def test_lightning_trainer_config():
    code = (
        "trainer:\n"
        "  accelerator: gpu\n"
        "  devices: 8\n"
        "  num_nodes: 4\n"
        "  precision: bf16-mixed\n"
        "  strategy: deepspeed_stage_3_offload\n"
        "  accumulate_grad_batches: 1\n"
    )
    assert rows(code) == [
        ("WAC101", "bf16-mixed", "enabled", 5),
        ("WAC204", "cuda", "enabled", 2),
        ("WAC401", 8, "enabled", 3),
        ("WAC402", 4, "enabled", 4),
        ("WAC501", 3, "enabled", 6),
        ("WAC502", "cpu", "enabled", 6),
        ("WAC503", 1, "disabled", 7),
    ]


def test_precision_metric_is_not_a_precision_setting():
    assert rows("metrics:\n  precision: 0.93\n  recall: 0.9\n") == []


def test_deepspeed_written_as_yaml():
    code = (
        "train_micro_batch_size_per_gpu: auto\n"
        "gradient_accumulation_steps: 8\n"
        "bf16:\n"
        "  enabled: auto\n"
        "fp16:\n"
        "  enabled: false\n"
        "zero_optimization:\n"
        "  stage: 3\n"
        "  offload_optimizer:\n"
        "    device: none\n"
        "  offload_param:\n"
        "    device: cpu\n"
    )
    assert rows(code) == [
        ("WAC101", "bf16", "conditional", 4),
        ("WAC102", "fp16", "disabled", 6),
        ("WAC501", 3, "enabled", 8),
        ("WAC502", "cpu", "enabled", 12),
        ("WAC502", "none", "disabled", 10),
        ("WAC503", 8, "enabled", 2),
        ("WAC504", "auto", "conditional", 1),
    ]


def test_stage_outside_zero_optimization_is_not_zero():
    assert rows("stages:\n  - name: build\n    stage: 3\n") == []


def test_json_stored_under_a_yaml_name_with_tabs():
    code = '{\n\t"bf16": {"enabled": true},\n\t"zero_optimization": {"stage": 2}\n}\n'
    assert rows(code, "ds_config.yaml") == [("WAC101", "bf16", "enabled", 2), ("WAC501", 2, "enabled", 3)]


def test_kubernetes_job_manifest():
    code = (
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      nodeSelector:\n"
        "        cloud.google.com/gke-accelerator: nvidia-h100-80gb\n"
        "      containers:\n"
        "        - name: train\n"
        "          image: nvcr.io/nvidia/pytorch:24.01-py3\n"
        "          env:\n"
        "            - name: NCCL_IB_DISABLE\n"
        '              value: "1"\n'
        "            - name: NCCL_DEBUG\n"
        "              value: INFO\n"
        "          resources:\n"
        "            limits:\n"
        "              nvidia.com/gpu: 8\n"
        "            requests:\n"
        '              nvidia.com/gpu: "8"\n'
    )
    result = scan_snippet(code, "yaml")
    got = sorted((f.rule, f.value, f.state.value, f.line) for f in result.findings)
    assert got == [
        ("WAC206", "NCCL_DEBUG", "enabled", 14),
        ("WAC301", "NCCL_IB_DISABLE", "disabled", 12),
        ("WAC701", "nvidia.com/gpu", "enabled", 18),
        ("WAC701", "nvidia.com/gpu", "enabled", 20),
        ("WAC703", "nvidia-h100-80gb", "enabled", 7),
        ("WAC801", "nvcr.io/nvidia/pytorch:24.01-py3", "enabled", 10),
    ]
    image = next(f for f in result.findings if f.rule == "WAC801")
    assert image.properties == {"vendor": "nvidia", "accelerator": "gpu", "ngc_release": "24.01"}
    limit = next(f for f in result.findings if f.rule == "WAC701" and f.line == 18)
    assert limit.properties["count"] == 8 and limit.properties["field"] == "limits"
    assert (limit.span.column, limit.span.end_column) == (15, 32)


def test_node_affinity_in_and_not_in():
    code = (
        "matchExpressions:\n"
        "  - key: nvidia.com/gpu.product\n"
        "    operator: In\n"
        "    values:\n"
        "      - NVIDIA-A100-SXM4-80GB\n"
        "      - NVIDIA-A800-SXM4-80GB\n"
        "  - key: amd.com/gpu.product-name\n"
        "    operator: NotIn\n"
        "    values: [AMD_Instinct_MI250X]\n"
    )
    assert rows(code) == [
        ("WAC702", "AMD_Instinct_MI250X", "disabled", 9),
        ("WAC702", "NVIDIA-A100-SXM4-80GB", "enabled", 5),
        ("WAC702", "NVIDIA-A800-SXM4-80GB", "enabled", 6),
    ]


def test_ascend_and_gaudi_resources_and_zero_count():
    code = "limits:\n  huawei.com/Ascend910: 8\n  habana.ai/gaudi: 0\n"
    assert rows(code) == [("WAC701", "habana.ai/gaudi", "disabled", 3), ("WAC701", "huawei.com/Ascend910", "enabled", 2)]


def test_compose_devices_and_environment():
    code = (
        "services:\n"
        "  train:\n"
        "    image: rocm/pytorch:latest\n"
        "    devices:\n"
        "      - /dev/kfd\n"
        "      - /dev/dri\n"
        "    environment:\n"
        "      - HIP_VISIBLE_DEVICES=0,1\n"
    )
    assert rows(code) == [
        ("WAC205", "HIP_VISIBLE_DEVICES", "enabled", 8),
        ("WAC403", "0,1", "enabled", 8),
        ("WAC704", "/dev/kfd", "enabled", 5),
        ("WAC801", "rocm/pytorch:latest", "enabled", 3),
    ]


def test_conda_environment():
    code = (
        "name: train\n"
        "channels: [pytorch, nvidia]\n"
        "dependencies:\n"
        "  - python=3.10\n"
        "  - pytorch-cuda=12.1\n"
        "  - cudatoolkit=11.8\n"
        "  # - torch_npu\n"
        "  - pip:\n"
        "      - --extra-index-url https://download.pytorch.org/whl/cu118\n"
        "      - flash-attn==2.5.6\n"
    )
    assert rows(code, "environment.yml") == [
        ("WAC802", "cu118", "enabled", 9),
        ("WAC802", "cu121", "enabled", 5),
        ("WAC803", "torch-npu", "mentioned", 7),
        ("WAC804", "flash-attn", "enabled", 10),
        ("WAC805", "11.8", "enabled", 6),
    ]


def test_conda_environment_channel_labels_name_the_cuda_release():
    code = ("name: train\n"
            "channels:\n"
            "  - nvidia/label/cuda-12.1.0\n"
            "  - nvidia\n"
            "  - https://conda.anaconda.org/nvidia/label/cuda-11.8.0\n"
            "dependencies:\n"
            "  - cuda-toolkit\n")
    assert rows(code, "environment.yml") == [("WAC805", "11.8.0", "enabled", 5), ("WAC805", "12.1.0", "enabled", 3)]
    # Plain channel names (and labels of other channels) say where packages come from, not what they are built for.
    assert rows("name: t\nchannels: [nvidia, intel, pytorch/label/nightly]\ndependencies: [numpy]\n",
                "environment.yml") == []


def test_alias_bomb_is_walked_once_per_node():
    lines = ["a0: &a0 {bf16: true}"]
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]")
    result = scan_snippet("\n".join(lines) + "\n", "yaml")
    assert [(f.rule, f.line) for f in result.findings] == [("WAC101", 1)]


def test_multi_document_file():
    assert rows("precision: bf16\n---\nprecision: 16-mixed\n") == [
        ("WAC101", "bf16", "enabled", 1),
        ("WAC102", "16-mixed", "enabled", 3),
    ]


def test_invalid_yaml_is_a_diagnostic_naming_the_problem():
    result = scan_snippet("a: [1, 2\nb: c\n", "yaml", "bad.yaml")
    assert result.findings == []
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == "bad.yaml"
    assert diagnostic.message.startswith("not valid YAML at line")


def test_helm_template_findings_are_conditional():
    code = (
        "{{- if .Values.gpu }}\n"
        "resources:\n"
        "  limits:\n"
        "    nvidia.com/gpu: {{ .Values.gpus }}\n"
        "{{- end }}\n"
        "image: {{ .Values.image }}\n"
        "precision: bf16\n"
    )
    assert rows(code, "templates/job.yaml") == [
        ("WAC101", "bf16", "conditional", 7),
        ("WAC701", "nvidia.com/gpu", "conditional", 4),
    ]


def test_empty_and_comment_only_files():
    assert rows("") == []
    assert rows("# nothing here\n") == []


def test_skypilot_task_resources():
    code = (
        "resources:\n"
        "  accelerators: H100:8\n"
        "  instance_type: p5.48xlarge\n"
        "num_nodes: 2\n"
        "run: torchrun --nproc_per_node 8 train.py\n"
    )
    result = scan_snippet(code, "yaml", "sky.yaml")
    got = sorted((f.rule, f.value, f.state.value, f.line) for f in result.findings)
    assert got == [("WAC401", 8, "enabled", 5), ("WAC402", 2, "enabled", 4), ("WAC404", "torchrun", "enabled", 5),
                   ("WAC703", "H100", "enabled", 2), ("WAC703", "p5.48xlarge", "enabled", 3)]
    launch = next(f for f in result.findings if f.rule == "WAC404")
    assert (launch.column, launch.properties["script"]) == (6, "train.py")  # the file's own column
    accel = next(f for f in result.findings if f.value == "H100")
    assert accel.properties == {"label": "skypilot:accelerators", "count": 8}


def test_commands_of_a_job_file_are_read_as_shell_at_their_own_lines():
    code = (
        "name: sd2\n"
        "image: mosaicml/pytorch:2.1.2_cu121-python3.10-ubuntu20.04\n"
        "command: |\n"
        "  cd diffusion\n"
        "  export NCCL_IB_HCA=mlx5\n"
        "  composer -n 8 run.py --config-path /mnt/config --config-name parameters\n"
        "parameters:\n"
        "  note: >\n"
        "    torchrun --nproc_per_node 4 folded.py\n"
        "  cmd: \"torchrun --nproc_per_node 2 quoted.py\"\n"
        "  # command: torchrun --nproc_per_node 16 commented.py\n"
    )
    got = sorted((f.rule, f.value, f.state.value, f.line, f.column) for f in scan_snippet(code, "yaml", "run.yaml").findings
                 if f.rule.startswith(("WAC3", "WAC4")))
    # a folded or quoted string is not the file's text: not read; a commented-out key is no command
    assert got == [("WAC301", "NCCL_IB_HCA", "enabled", 5, 10), ("WAC401", 8, "enabled", 6, 12),
                   ("WAC404", "composer", "enabled", 6, 3)]


def test_a_ci_jobs_commands_set_up_no_run():
    code = "jobs:\n  gpu:\n    steps:\n      - run: torchrun --nproc_per_node 2 train.py\n"
    assert rows(code, ".github/workflows/gpu.yml") == []


def test_accelerators_outside_resources_is_not_a_request():
    assert rows("features:\n  accelerators: A100:8\n") == []


@pytest.mark.parametrize("loader", ["SafeLoader", "CSafeLoader"])
def test_both_loaders_give_code_point_columns(monkeypatch, loader):
    import yaml

    from whackachip_lint.extract import yaml_config

    if not hasattr(yaml, loader):
        pytest.skip(f"PyYAML built without {loader}")
    monkeypatch.setattr(yaml_config, "_LOADER", getattr(yaml, loader))
    result = scan_snippet('note: "日本語"\ncfg: {name: "é", precision: bf16}\n', "yaml")
    (finding,) = result.findings
    assert (finding.line, finding.span.column, finding.span.end_column) == (2, 18, 33)


def test_flash_attention_switches_and_device_lists():
    code = (
        "attn_implementation: flash_attention_3\n"
        "flash_attention: false\n"
        "trainer:\n"
        "  devices: [0, 1, 2, 3]\n"
    )
    assert rows(code) == [
        ("WAC401", 4, "enabled", 4),
        ("WAC601", "fa2", "disabled", 2),
        ("WAC601", "fa3", "enabled", 1),
    ]


def test_compose_gpu_reservation():
    code = (
        "services:\n"
        "  train:\n"
        "    deploy:\n"
        "      resources:\n"
        "        reservations:\n"
        "          devices:\n"
        "            - driver: nvidia\n"
        "              count: all\n"
        "              capabilities: [gpu]\n"
    )
    assert rows(code, "docker-compose.yml") == [("WAC704", "nvidia", "enabled", 7)]


def test_nemo_style_model_config():
    code = (
        "trainer:\n"
        "  precision: bf16-mixed\n"
        "model:\n"
        "  transformer_engine: true\n"
        "  fp8: false\n"
    )
    assert rows(code) == [
        ("WAC101", "bf16-mixed", "enabled", 2),
        ("WAC104", "fp8", "disabled", 5),
        ("WAC602", "transformer_engine", "enabled", 4),
    ]


def test_ci_job_images_are_marked_as_ci():
    code = "jobs:\n  build:\n    container:\n      image: nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
    (finding,) = scan_snippet(code, "yaml", ".github/workflows/wheels.yml").findings
    assert finding.properties["context"] == "ci"
    (finding,) = scan_snippet(code, "yaml", "k8s/job.yaml").findings
    assert "context" not in finding.properties
