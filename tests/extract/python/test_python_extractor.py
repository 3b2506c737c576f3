"""The Python extractor, feature by feature: exact (rule, line, column, state, value) per snippet.

Each snippet is written for this test. Where a test lists a full set, any extra
finding (noise) fails it as surely as a missing one.
"""

from __future__ import annotations

import ast
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whackachip_lint.evidence import State

from ...conftest import scan_snippet

E, C, D, M, X = "enabled", "conditional", "disabled", "mentioned", "dead"


def scan(code: str):
    result = scan_snippet(textwrap.dedent(code))
    assert not result.diagnostics, result.diagnostics
    return result.findings


def rows(code: str, rules: str | tuple[str, ...] | None = None) -> set[tuple]:
    """(rule, line, column, state, value) for every finding (of `rules`, when given)."""
    prefixes = (rules,) if isinstance(rules, str) else rules
    return {
        (f.rule, f.line, f.column, f.state.value, f.value)
        for f in scan(code)
        if prefixes is None or f.rule.startswith(prefixes)
    }


def one(code: str, rule: str):
    found = [f for f in scan(code) if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


# -- precision ------------------------------------------------------------------------------------


def test_dtype_keyword_and_to_and_cast_methods():
    code = """\
        import torch
        x = torch.zeros(2, dtype=torch.bfloat16)
        y = x.to(torch.float16)
        model = model.bfloat16()
        head = head.half()
        """
    assert rows(code) == {
        ("WAC101", 2, 26, E, "bfloat16"),
        ("WAC102", 3, 10, E, "float16"),
        ("WAC101", 4, 9, E, "bfloat16"),
        ("WAC102", 5, 8, E, "float16"),
    }


def test_message_says_what_was_seen():
    finding = one("import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n", "WAC101")
    assert "torch.bfloat16 passed as dtype= to zeros()" in finding.message.lower()
    assert (finding.span.end_line, finding.span.end_column) == (2, 40)


def test_aliases_are_followed():
    code = """\
        import torch as t
        from torch import bfloat16 as bf, float16
        import torch.distributed as dist
        a = t.ones(1, dtype=t.bfloat16)
        b = a.to(bf)
        c = a.to(float16)
        dist.init_process_group(backend="nccl")
        """
    assert rows(code) == {
        ("WAC101", 4, 21, E, "bfloat16"),
        ("WAC101", 5, 10, E, "bfloat16"),
        ("WAC102", 6, 10, E, "float16"),
        ("WAC201", 7, 25, E, "nccl"),
    }


def test_unrelated_attribute_named_like_a_dtype_is_not_a_dtype():
    # `bfloat16` imported from torch must not make `cfg.bfloat16` a dtype.
    code = "from torch import bfloat16\nflag = cfg.bfloat16\n"
    assert rows(code) == set()


def test_dtype_strings_in_keywords():
    code = """\
        from transformers import AutoModelForCausalLM
        from accelerate import Accelerator
        m = AutoModelForCausalLM.from_pretrained("x", torch_dtype="bfloat16")
        acc = Accelerator(mixed_precision="fp16")
        trainer = Trainer(precision="bf16-mixed")
        auto = AutoModelForCausalLM.from_pretrained("x", torch_dtype="auto")
        """
    assert rows(code) == {
        ("WAC101", 3, 47, E, "bfloat16"),
        ("WAC102", 4, 19, E, "fp16"),
        ("WAC101", 5, 19, E, "bf16-mixed"),
    }


def test_training_arguments_switches():
    code = """\
        from transformers import TrainingArguments
        args = TrainingArguments("out", bf16=True, fp16=False, tf32=True)
        """
    assert rows(code) == {
        ("WAC101", 2, 33, E, True),
        ("WAC102", 2, 44, D, True),
        ("WAC103", 2, 56, E, True),
    }


def test_switch_from_an_unknown_expression_is_conditional():
    finding = one('args = TrainingArguments("out", bf16=cfg.use_bf16)\n', "WAC101")
    assert finding.state is State.CONDITIONAL
    assert "cfg.use_bf16" in finding.message


def test_tf32_switches():
    code = """\
        import torch
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = False
        torch.set_float32_matmul_precision("high")
        torch.set_float32_matmul_precision("highest")
        torch.backends.cuda.matmul.fp32_precision = "tf32"
        """
    assert rows(code) == {
        ("WAC103", 2, 1, E, True),
        ("WAC103", 3, 1, D, True),
        ("WAC103", 4, 36, E, "high"),
        ("WAC103", 5, 36, D, "highest"),
        ("WAC103", 6, 1, E, "tf32"),
    }


def test_autocast_dtype_default_and_enabled_false():
    code = """\
        import torch
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            pass
        with torch.cuda.amp.autocast():
            pass
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=False):
            pass
        with torch.cuda.amp.autocast(enabled=args.fp16):
            pass
        """
    assert rows(code, "WAC1") == {
        ("WAC101", 2, 47, E, "bfloat16"),
        ("WAC102", 4, 6, E, "float16"),
        ("WAC101", 6, 35, D, "bfloat16"),
        ("WAC102", 8, 6, C, "float16"),
    }


def test_cpu_autocast_precision_is_marked_as_cpu():
    code = """\
        import torch
        with torch.autocast("cpu", dtype=torch.bfloat16):
            pass
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
            pass
        with torch.cpu.amp.autocast(dtype=torch.bfloat16):
            pass
        with torch.autocast(device_type="cpu", dtype=DTYPE):
            pass
        with torch.autocast("cuda", dtype=torch.bfloat16):
            pass
        DTYPE = torch.float16
        """
    found = [f for f in scan(code) if f.rule.startswith("WAC1")]
    cpu = {(f.rule, f.line, f.state.value, f.value) for f in found if f.properties.get("device") == "cpu"}
    assert cpu == {
        ("WAC101", 2, E, "bfloat16"),
        ("WAC101", 4, E, "bfloat16"),
        ("WAC101", 6, E, "bfloat16"),
    }
    assert all("CPU" in f.message for f in found if f.properties.get("device") == "cpu")
    # The CUDA autocast and the module-level dtype stay accelerator evidence.
    others = {(f.rule, f.line) for f in found if "device" not in f.properties}
    assert ("WAC101", 10) in others and ("WAC102", 12) in others


# -- state: guards, dead code, mentions -------------------------------------------------------------


def test_guarded_bf16_ternary_is_conditional_and_names_the_guard():
    code = "import torch\ndtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16\n"
    assert rows(code) == {
        ("WAC101", 2, 9, C, "bfloat16"),
        ("WAC101", 2, 27, M, None),  # the support check itself
        ("WAC102", 2, 63, C, "float16"),
    }
    bf16 = [f for f in scan(code) if f.rule == "WAC101" and f.state is State.CONDITIONAL][0]
    assert bf16.properties["condition"] == "torch.cuda.is_bf16_supported()"


def test_capability_guard_makes_both_branches_conditional():
    code = """\
        import torch
        if torch.cuda.get_device_capability()[0] >= 8:
            model = model.to(torch.bfloat16)
        else:
            model = model.half()
        """
    assert rows(code) == {("WAC101", 3, 22, C, "bfloat16"), ("WAC102", 5, 13, C, "float16")}


def test_dead_branch_is_dead_and_main_guard_is_not_a_condition():
    code = """\
        import torch
        if False:
            model = model.bfloat16()
        if __name__ == "__main__":
            model = model.half()
        """
    assert rows(code) == {("WAC101", 3, 13, X, "bfloat16"), ("WAC102", 5, 13, E, "float16")}


def test_else_of_the_main_guard_runs_on_import():
    code = """\
        import torch
        if __name__ == "__main__":
            model = model.half()
        else:
            model = model.bfloat16()
        """
    assert rows(code) == {("WAC102", 3, 13, E, "float16"), ("WAC101", 5, 13, C, "bfloat16")}


def test_comparison_with_a_dtype_is_only_a_mention():
    code = "import torch\nif x.dtype == torch.bfloat16:\n    pass\n"
    assert rows(code) == {("WAC101", 2, 15, M, "bfloat16")}


def test_comments_docstrings_and_paths():
    code = '''\
        """Trains in bf16; set NCCL_IB_HCA for InfiniBand."""
        import torch
        CKPT = "runs/bf16/ckpt.pt"  # fp16 was slower
        bf16_ok = True
        '''
    assert rows(code) == {
        ("WAC101", 1, 14, M, None),
        ("WAC301", 1, 24, M, "NCCL_IB_HCA"),
        ("WAC102", 3, 31, M, None),
    }


def test_commented_out_code_is_mentioned_only():
    code = 'import torch.distributed as dist\n# dist.init_process_group(backend="nccl")\n'
    assert rows(code) == {("WAC201", 2, 36, M, "nccl")}


# -- argparse -------------------------------------------------------------------------------------


def test_argparse_help_and_choices_with_fp16_default():
    code = """\
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("--dtype", default="fp16", choices=["fp16", "bf16"], help="bf16 needs Ampere")
        """
    found = scan(code)
    assert {(f.rule, f.line, f.column, f.state.value, f.value) for f in found} == {
        ("WAC102", 3, 1, E, "fp16"),
        ("WAC102", 3, 52, M, "fp16"),
        ("WAC101", 3, 60, M, "bf16"),
        ("WAC101", 3, 75, M, None),
    }
    default = [f for f in found if f.state is State.ENABLED][0]
    assert dict(default.properties) == {"flag": "--dtype", "default": "fp16"}


def test_store_true_flag_is_mentioned_with_its_flag_and_default_true_is_enabled():
    code = """\
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("--bf16", action="store_true")
        p.add_argument("--fp16", action="store_true", default=True)
        p.add_argument("--no-tf32", action="store_true")
        """
    found = {f.rule: f for f in scan(code)}
    assert (found["WAC101"].state, dict(found["WAC101"].properties)) == (
        State.MENTIONED,
        {"flag": "--bf16", "default": False},
    )
    assert (found["WAC102"].state, dict(found["WAC102"].properties)) == (
        State.ENABLED,
        {"flag": "--fp16", "default": True},
    )
    # `--no-tf32` is a way to turn TF32 off: TF32 is on unless it is passed.
    assert (found["WAC103"].state, found["WAC103"].properties["flag"]) == (State.ENABLED, "--no-tf32")


def test_flag_used_later_is_conditional_on_the_flag():
    code = """\
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("--bf16", action="store_true")
        args = p.parse_args()
        targs = TrainingArguments("out", bf16=args.bf16)
        """
    assert rows(code) == {("WAC101", 3, 1, M, True), ("WAC101", 5, 34, C, True)}


def test_dataclass_argument_fields():
    code = """\
        from dataclasses import dataclass, field
        @dataclass
        class Options:
            bf16: bool = field(default=False, metadata={"help": "enable bf16"})
            fp16: bool = True
        """
    assert rows(code) == {("WAC101", 4, 5, M, True), ("WAC101", 4, 65, M, None), ("WAC102", 5, 5, E, True)}


# -- collective backend -----------------------------------------------------------------------------


def test_backend_positional_keyword_variable_and_argparse_default():
    code = """\
        import argparse
        import torch.distributed as dist
        BACKEND = "hccl"
        def setup(args):
            backend = "nccl"
            dist.init_process_group(backend=backend)
            dist.init_process_group("gloo")
            dist.init_process_group(backend=BACKEND)
            dist.init_process_group(backend=args.dist_backend)
        def parse():
            p = argparse.ArgumentParser()
            p.add_argument("--dist-backend", default="nccl")
            return p.parse_args()
        """
    assert rows(code) == {
        ("WAC201", 6, 29, E, "nccl"),
        ("WAC201", 7, 29, E, "gloo"),
        ("WAC201", 8, 29, E, "hccl"),
        ("WAC201", 9, 29, E, "nccl"),  # resolved after the module is read: the flag comes later
        ("WAC201", 12, 5, E, "nccl"),
    }
    via_flag = [f for f in scan(code) if f.line == 9][0]
    assert via_flag.properties["flag"] == "--dist-backend"


def test_backend_ifexp_is_conditional_and_unknown_backend_is_not_guessed():
    code = """\
        import torch, torch.distributed as dist
        dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
        def setup(backend):
            dist.init_process_group(backend=backend)
        """
    assert rows(code) == {("WAC201", 2, 25, C, "nccl"), ("WAC201", 2, 25, C, "gloo")}


def test_backend_set_as_an_attribute_before_the_call():
    # The `init_distributed_mode(args)` helper many vision and multimodal repositories share: the backend is
    # written into the options object, then passed from it.
    code = """\
        import torch
        def init_distributed_mode(args):
            if args.distributed is False:
                return
            args.dist_backend = "nccl"
            torch.distributed.init_process_group(backend=args.dist_backend, init_method=args.dist_url)
        def other(args):
            torch.distributed.init_process_group(backend=args.dist_backend)
        def switched(args, cpu):
            if cpu:
                args.backend = "gloo"
            torch.distributed.init_process_group(backend=args.backend)
        """
    # Only the function that assigns it knows the value; a conditional assignment is conditional.
    assert rows(code) == {("WAC201", 6, 42, E, "nccl"), ("WAC201", 12, 42, C, "gloo")}


def test_deepspeed_init_distributed():
    code = """\
        import deepspeed
        deepspeed.init_distributed()
        deepspeed.init_distributed(dist_backend="hccl")
        deepspeed.init_distributed("nccl")
        """
    assert rows(code) == {("WAC201", 2, 1, C, "auto"), ("WAC201", 3, 28, E, "hccl"), ("WAC201", 4, 28, E, "nccl")}


def test_backend_from_environment_default():
    code = 'import os, torch.distributed as dist\ndist.init_process_group(backend=os.getenv("DIST_BACKEND", "nccl"))\n'
    finding = one(code, "WAC201")
    assert (finding.state, finding.value, finding.properties["env"]) == (State.CONDITIONAL, "nccl", "DIST_BACKEND")


# -- environment writes -------------------------------------------------------------------------------


def test_environment_writes_every_form():
    code = """\
        import os
        from os import environ
        os.environ["NCCL_IB_HCA"] = "mlx5_0"
        environ.setdefault("NCCL_DEBUG", "INFO")
        os.environ.update({"HSA_FORCE_FINE_GRAIN_PCIE": "1"}, PT_HPU_LAZY_MODE="0")
        os.putenv("ASCEND_RT_VISIBLE_DEVICES", "0,1")
        os.environ["NCCL_IB_DISABLE"] = "1"
        os.environ["TORCH_CUDA_ARCH_LIST"] = "8.0;9.0"
        """
    assert rows(code) == {
        ("WAC301", 3, 1, E, "NCCL_IB_HCA"),
        ("WAC206", 4, 1, E, "NCCL_DEBUG"),
        ("WAC205", 5, 20, E, "HSA_FORCE_FINE_GRAIN_PCIE"),
        ("WAC205", 5, 55, E, "PT_HPU_LAZY_MODE"),
        ("WAC403", 6, 1, E, "0,1"),
        ("WAC205", 6, 1, E, "ASCEND_RT_VISIBLE_DEVICES"),
        ("WAC301", 7, 1, D, "NCCL_IB_DISABLE"),
        ("WAC603", 8, 1, E, "8.0;9.0"),
    }


def test_environment_write_from_unknown_value_is_conditional_and_reads_are_nothing():
    code = """\
        import os
        os.environ["NCCL_SOCKET_IFNAME"] = args.iface
        if os.environ.get("NCCL_DEBUG"):
            pass
        """
    assert rows(code) == {("WAC304", 2, 1, C, "NCCL_SOCKET_IFNAME")}


# -- imports: vendor runtimes, shims, kernels ---------------------------------------------------------


def test_vendor_runtime_imports():
    code = """\
        import torch_npu
        import habana_frameworks.torch.core as htcore
        from torch_xla.core import xla_model as xm
        import jax.numpy as jnp
        import mlx.core as mx
        import intel_extension_for_pytorch as ipex
        from . import torch_npu_helpers
        """
    assert rows(code) == {
        ("WAC202", 1, 1, E, "torch_npu"),
        ("WAC202", 2, 1, E, "habana_frameworks"),
        ("WAC202", 3, 1, E, "torch_xla"),
        ("WAC202", 4, 1, E, "jax"),
        ("WAC202", 5, 1, E, "mlx"),
        ("WAC202", 6, 1, E, "intel_extension_for_pytorch"),
    }


def test_migration_shims():
    code = """\
        import torch_npu
        from torch_npu.contrib import transfer_to_npu
        import habana_frameworks.torch.gpu_migration
        """
    assert rows(code, "WAC203") == {("WAC203", 2, 1, E, "transfer_to_npu"), ("WAC203", 3, 1, E, "gpu_migration")}


def test_flash_attention_versions_and_optional_fa3():
    code = """\
        from flash_attn.flash_attn_interface import flash_attn_func
        from flash_attn import flash_attn_varlen_func
        try:
            import flash_attn_interface
        except ImportError:
            flash_attn_interface = None
        model = load("x", attn_implementation="flash_attention_2")
        """
    assert rows(code) == {
        ("WAC601", 1, 1, E, "fa2"),
        ("WAC601", 2, 1, E, "fa2"),
        ("WAC601", 4, 5, C, "fa3"),
        ("WAC601", 7, 19, E, "fa2"),
    }


def test_optional_import_under_broad_except_and_find_spec_guard():
    code = """\
        import importlib.util
        try:
            import transformer_engine.pytorch as te
        except Exception:
            te = None
        if importlib.util.find_spec("torch_npu") is not None:
            import torch_npu
        """
    assert rows(code) == {("WAC602", 3, 5, C, "transformer_engine"), ("WAC202", 7, 5, C, "torch_npu")}


def test_dynamic_import():
    assert rows('import importlib\nnpu = importlib.import_module("torch_npu")\n') == {("WAC202", 2, 7, E, "torch_npu")}


# -- FP8 / FP4 ------------------------------------------------------------------------------------------


def test_fp8_storage_is_not_fp8_compute():
    code = """\
        import torch
        w8 = w.to(torch.float8_e4m3fn)
        kv = torch.empty(4, dtype=torch.float8_e5m2fnuz)
        """
    assert rows(code) == {("WAC105", 2, 11, E, "float8_e4m3fn"), ("WAC105", 3, 27, E, "float8_e5m2fnuz")}


def test_fp8_compute_on_the_live_path():
    code = """\
        import torch
        import transformer_engine.pytorch as te
        with te.fp8_autocast(enabled=True):
            y = torch._scaled_mm(a, b, scale_a=sa, scale_b=sb)
        with te.fp8_autocast(enabled=False):
            pass
        with te.fp8_autocast():
            pass
        """
    assert rows(code, "WAC104") == {
        ("WAC104", 3, 6, E, "fp8_autocast"),
        ("WAC104", 4, 9, E, "_scaled_mm"),
        ("WAC104", 5, 6, D, "fp8_autocast"),
        ("WAC104", 7, 6, D, "fp8_autocast"),
    }


def test_fp4_dtype():
    assert rows("import torch\nx = x.to(torch.float4_e2m1fn_x2)\n") == {("WAC106", 2, 10, E, "float4_e2m1fn_x2")}


# -- devices, platform checks, FSDP --------------------------------------------------------------------


def test_device_strings():
    code = """\
        import torch
        import torch_xla.core.xla_model as xm
        a = torch.device("npu:0")
        b = x.to("hpu")
        c = torch.zeros(1, device="xla")
        d = torch.device("mps" if torch.backends.mps.is_available() else "cpu")
        e = model.cuda()
        f = xm.xla_device()
        g = torch.ones(1, device=f"xpu:{rank}")
        """
    assert rows(code, "WAC204") == {
        ("WAC204", 3, 18, E, "npu"),
        ("WAC204", 4, 10, E, "hpu"),
        ("WAC204", 5, 20, E, "xla"),
        ("WAC204", 6, 18, C, "mps"),
        ("WAC204", 7, 5, E, "cuda"),
        ("WAC204", 8, 5, E, "xla"),
        ("WAC204", 9, 19, E, "xpu"),
    }


def test_platform_checks_and_refusals():
    code = """\
        import torch
        if torch.version.hip is None:
            raise RuntimeError("this fork needs ROCm")
        if not torch.version.cuda:
            sys.exit("needs a CUDA build")
        IS_HIP = torch.version.hip is not None
        print(torch.version.cuda)
        if torch.version.hip:
            raise SystemExit("ROCm is not supported")
        """
    assert rows(code) == {
        ("WAC207", 2, 4, E, "hip"),
        ("WAC207", 4, 4, E, "cuda"),
        ("WAC207", 6, 10, C, "hip"),
        ("WAC207", 7, 7, M, "cuda"),
        ("WAC207", 8, 4, D, "hip"),
    }


def test_fsdp():
    code = """\
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, fully_shard
        model = FSDP(model)
        fully_shard(block)
        args = TrainingArguments("out", fsdp="full_shard")
        """
    assert rows(code) == {("WAC505", 2, 9, E, "fsdp"), ("WAC505", 3, 1, E, "fsdp2"), ("WAC505", 4, 33, E, "fsdp")}


def test_lightning_fsdp_strategy():
    # Lightning (Fabric or Trainer) shards with FSDP when given its FSDPStrategy; under a device-count test it is
    # conditional like any other branch.
    code = """\
        import lightning as L
        from lightning.fabric.strategies import FSDPStrategy
        from pytorch_lightning.strategies import DDPStrategy
        def setup(devices):
            if devices > 1:
                strategy = FSDPStrategy(state_dict_type="full")
            else:
                strategy = "auto"
            fabric = L.Fabric(devices=devices, strategy=strategy)
            trainer = L.Trainer(strategy=L.pytorch.strategies.FSDPStrategy())
            other = L.Trainer(strategy=DDPStrategy())
        """
    assert rows(code, "WAC505") == {("WAC505", 6, 20, C, "fsdp"), ("WAC505", 10, 34, E, "fsdp")}


# -- configs built as Python dicts ---------------------------------------------------------------------


def test_deepspeed_style_dicts_and_enabled_via_variable():
    code = """\
        use_bf16 = False
        ds_config = {
            "bf16": {"enabled": use_bf16},
            "fp16": {"enabled": "auto"},
        }
        other = {"bf16": {"enabled": True}}
        """
    assert rows(code) == {("WAC101", 3, 5, D, True), ("WAC102", 4, 5, C, True), ("WAC101", 6, 10, E, True)}
    auto = [f for f in scan(code) if f.rule == "WAC102"][0]
    assert auto.properties["auto"] is True


def test_deepspeed_memory_settings_in_python_dicts_and_trainer_keywords():
    code = """\
        stage = 3
        ds_config = {
            "train_micro_batch_size_per_gpu": 2,
            "gradient_accumulation_steps": "auto",
            "zero_optimization": {
                "stage": stage,
                "offload_optimizer": {"device": "cpu"},
                "offload_param": {"device": "none"},
            },
        }
        args = TrainingArguments("out", gradient_accumulation_steps=1, per_device_train_batch_size=8)
        """
    assert rows(code) == {
        ("WAC504", 3, 5, E, 2),
        ("WAC503", 4, 5, C, "auto"),
        ("WAC501", 6, 9, E, 3),
        ("WAC502", 7, 31, E, "cpu"),
        ("WAC502", 8, 27, D, "none"),
        ("WAC503", 11, 33, D, 1),
        ("WAC504", 11, 64, E, 8),
    }


def test_dtype_lookup_table_is_conditional():
    code = 'import torch\nDTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}\n'
    assert rows(code) == {("WAC101", 2, 19, C, "bfloat16"), ("WAC102", 2, 43, C, "float16")}


# -- compile targets in strings ------------------------------------------------------------------------


def test_setup_py_gencode_flags():
    code = """\
        from setuptools import setup
        nvcc = ["-O3", "-gencode", "arch=compute_90a,code=sm_90a", "-gencode=arch=compute_80,code=[sm_80,compute_80]"]
        hip = ["--offload-arch=gfx942"]
        """
    assert rows(code) == {
        ("WAC603", 2, 29, E, "9.0a"),
        ("WAC603", 2, 61, E, "8.0+PTX"),
        ("WAC604", 3, 9, E, "gfx942"),
    }


# -- suppression and bad input -------------------------------------------------------------------------


def test_suppression_directive_marks_findings_suppressed():
    code = "import torch\nx = x.to(torch.bfloat16)  # wac-lint: disable=WAC101\ny = y.half()\n"
    found = {f.rule: f for f in scan(code)}
    assert found["WAC101"].suppressed and not found["WAC101"].in_force
    assert not found["WAC102"].suppressed


@pytest.mark.parametrize(
    ("code", "line", "phrase"),
    [
        ('import torch\nprint "bf16 run"\n', 2, "Python 2"),
        ('import torch\nif bad:\n    raise ValueError, "no bf16 here"\n', 3, "Python 2"),
        ("import torch\ndef f(:\n    x = torch.bfloat16\n", 2, ""),
    ],
)
def test_syntax_errors_become_diagnostics(code, line, phrase):
    result = scan_snippet(code)
    assert result.findings == []
    [diagnostic] = result.diagnostics
    assert diagnostic.path == "snippet.py"
    assert diagnostic.message.startswith(f"Python syntax error at line {line}")
    assert phrase in diagnostic.message


@pytest.mark.parametrize(
    "code",
    [
        'import torch\nif (n := len(x)) > 2:\n    y = f"{n=} bf16"\n',
        "import torch\nmatch mode:\n    case 'bf16':\n        dtype = torch.bfloat16\n    case _:\n        dtype = None\n",
        "import torch\ndef f(x: torch.Tensor, *, dtype: torch.dtype = torch.bfloat16) -> list[int]:\n    return [1]\n",
        "import torch\nasync def g():\n    async with lock:\n        await h(torch.float16)\n",
    ],
)
def test_modern_syntax_parses(code):
    result = scan_snippet(code)
    assert result.diagnostics == []


def test_match_case_branch_is_conditional():
    code = "import torch\nmatch mode:\n    case 'bf16':\n        dtype = torch.bfloat16\n"
    assert rows(code) == {("WAC101", 4, 17, C, "bfloat16")}


def test_broken_file_without_any_hardware_word_still_gets_its_diagnostic():
    result = scan_snippet("def f(:\n    return 1\n")
    assert result.findings == []
    [diagnostic] = result.diagnostics
    assert diagnostic.message.startswith("Python syntax error at line 1: ")


def test_columns_count_code_points_not_bytes():
    code = 'import torch\nnote = "ünïcödé"; x = x.to(torch.bfloat16)\n'
    assert rows(code) == {("WAC101", 2, 28, E, "bfloat16")}


# -- the gate: statements without gate words are not visited, and that loses nothing ----------------


GATE_SAMPLES = [
    "# header comment bf16\n\nimport torch\nx = 1\n\n\ndef f():\n    if x:\n        return torch.bfloat16\n# footer fp16\n",
    "import torch\r\nclass A:\r\n\tdef g(self):\r\n\t\treturn (\r\n\t\t\tx.half()\r\n\t\t)\r\ny = \'\'\'multi\r\nline bf16\'\'\'\r\n",
    "import torch\nx = 1; y = torch.float16\nif True: z = \'ünï\'; w = torch.bfloat16",
    '"""Doc bf16."""\n@decorator(dtype="bf16")\nasync def h():\n    async with a as b:\n        pass\n',
    # Names bound on lines without a gate word, read on lines with one (and the other way round).
    "from torch import bfloat16 as b16, float16 as f16\nx = b16\ny = [f16]\n",
    "import argparse\np = argparse.ArgumentParser()\np.add_argument(\"--foo\", default=True)\n"
    "a = p.parse_args()\nTrainer(bf16=a.foo)\n",
    "import torch\ndev = \"npu:0\"\nflag = False\nmodel.to(dev)\nrun(fp16=flag)\n",
    "import os\nk = \"NCCL_IB_DISABLE\"\nv = \"1\"\nif ok:\n    os.environ[k] = v\n",
    # A comment inside a multi-line string is text, a hash inside a string is no comment.
    "x = \"\"\"\n# bf16 in a string\n\"\"\"\ny = \"#\"  # fp16 here\nz = f(\n    1,  # tf32 there\n)\n",
    # Cold statements settled by the block loop next to ones with a frame of their own (dead after an exit,
    # branches, optional imports), cold functions and classes around a hot one, non-ASCII lines.
    "import sys, torch\nflag = True\nif ready:\n    mode = False\nelse:\n    mode = True\n"
    "Trainer(fp16=mode, bf16=flag)\nsys.exit(0)\nlate = False\nTrainer(tf32=late)\n",
    "try:\n    import apex\n    level = \"O2\"\n    amp.initialize(m, o, opt_level=level)\nexcept ImportError:\n"
    "    level = None\n    warn = 1\nwhile False:\n    dead = True\n    Trainer(fp16=dead)\n",
    "import torch\n\n\n@cache\ndef helper(a, b):\n    c = a + b\n    return c\n\n\nclass Outer:\n    size = 4\n\n"
    "    class Inner:\n        def cold(self):\n            return 1\n\n        def hot(self, x):\n"
    "            café = \"ñ\"; return x.to(torch.bfloat16)  # ünï bf16\n\n    def other(self):\n        import os\n"
    "        return os.sep\n\n\nif __name__ == \"__main__\":\n    use = True\n    Trainer(bf16=use)\n",
    "import torch\nmatch cfg:\n    case \"a\":\n        half = True\n        Trainer(fp16=half)\n    case _:\n        pass\n"
    "with contextlib.suppress(ImportError):\n    quiet = 1\n    import torch_npu\n",
]


def _extract_with_gate(code: str, gate_open: bool, monkeypatch) -> list[tuple]:
    """The raw findings of the Python extractor, with its gate as it is or open on every line."""
    from pathlib import Path

    from whackachip_lint.extract import ExtractionError, Source
    from whackachip_lint.extract import python as extractor

    real = extractor.hot_lines
    if gate_open:
        monkeypatch.setattr(extractor, "hot_lines", lambda text: list(range(1, len(text.splitlines()) + 2)))
    try:
        source = Source(Path("sample.py"), "sample.py", "python", code.encode("utf-8"))
        return sorted((f.rule, repr(f.value), f.state.value, repr(f.span), f.detail) for f in extractor.extract(source))
    except ExtractionError as exc:
        return [("diagnostic", str(exc))]
    finally:
        monkeypatch.setattr(extractor, "hot_lines", real)


def _python_samples() -> list[tuple[str, str]]:
    from pathlib import Path

    from whackachip_lint.rules import ALL_RULES

    samples = [(f"gate sample {i}", code) for i, code in enumerate(GATE_SAMPLES)]
    for rule in ALL_RULES.values():
        for i, example in enumerate(rule.positives + rule.negatives):
            if example.kind == "python":
                samples.append((f"{rule.code} example {i}", example.code))
    for path in sorted(Path(__file__).parents[2].joinpath("fixtures").rglob("*.py")):
        samples.append((str(path.relative_to(Path(__file__).parents[2])), path.read_text(encoding="utf-8")))
    return samples


@pytest.mark.parametrize(("name", "code"), _python_samples(), ids=[name for name, _ in _python_samples()])
def test_the_gate_loses_no_finding(name, code, monkeypatch):
    # Every statement visited (gate open on every line) or only those on hot lines: the same findings.
    assert _extract_with_gate(code, False, monkeypatch) == _extract_with_gate(code, True, monkeypatch)


def test_the_gate_samples_have_findings(monkeypatch):
    for code in GATE_SAMPLES:
        assert _extract_with_gate(code, False, monkeypatch), code


def test_statements_without_gate_words_are_not_visited(monkeypatch):
    from whackachip_lint.extract.python.visitor import PythonEvidenceVisitor

    visited = []
    real = PythonEvidenceVisitor.visit_Call
    monkeypatch.setattr(PythonEvidenceVisitor, "visit_Call", lambda self, node: visited.append(node.lineno) or real(self, node))
    code = "import torch\nprint(len(x))\ny = torch.zeros(1, dtype=torch.bfloat16)\nz = sum(y)\n"
    assert rows(code) == {("WAC101", 3, 26, E, "bfloat16")}
    assert visited == [3]


def test_cold_statements_are_settled_without_a_walk_step_each(monkeypatch):
    from whackachip_lint.extract.python.visitor import PythonEvidenceVisitor

    visited = []
    real = PythonEvidenceVisitor.on_visit
    monkeypatch.setattr(PythonEvidenceVisitor, "on_visit", lambda self, node: visited.append(node) or real(self, node))
    code = "import torch\nflag = True\nx = 1\ndef f():\n    return 2\nif ok:\n    flag = False\nTrainer(bf16=flag)\n"
    assert rows(code) == {("WAC101", 8, 9, E, True), ("WAC101", 8, 9, D, True)}
    statements = [type(node).__name__ for node in visited if isinstance(node, ast.stmt)]
    # Not the assignments (the one in a branch binds in the branch's state) nor the function without a gate word.
    assert statements == ["Import", "If", "Expr"]


def test_comments_are_read_on_gated_lines_only_and_exactly():
    code = 'x = "# bf16 inside a string"\ny = \'#\'  # fp16 after a string\nz = \'\'\'\n# tf32 in a string\n\'\'\'\n'
    assert rows(code) == {("WAC102", 2, 12, M, None)}


# -- more guards and forms ----------------------------------------------------------------------------


def test_suppress_import_error_and_type_checking_imports():
    code = """\
        import contextlib
        from typing import TYPE_CHECKING
        with contextlib.suppress(ImportError):
            import torch_npu
        if TYPE_CHECKING:
            import torch_xla
        """
    assert rows(code) == {("WAC202", 4, 5, C, "torch_npu"), ("WAC202", 6, 5, X, "torch_xla")}


def _amp_call(imports: str, call: str = 'model, opt = amp.initialize(model, opt, opt_level="O2")'):
    """(state, condition property) of the apex.amp call in `train` of a module whose imports are `imports`."""
    code = f"{imports}\n\n\ndef train(model, opt, args):\n{textwrap.indent(call, '    ')}\n"
    return [(f.state.value, f.properties.get("condition")) for f in scan(code) if f.rule == "WAC102"]


@pytest.mark.parametrize(("imports", "expected"), [
    # Imported under a test: a call no test of its own guards holds only when the import's test did.
    ("if is_apex_available():\n    from apex import amp", [(C, "is_apex_available()")]),
    ("if not NO_APEX:\n    from apex import amp", [(C, "not NO_APEX")]),
    ("if USE_TORCH_AMP:\n    pass\nelse:\n    from apex import amp", [(C, "not (USE_TORCH_AMP)")]),
    # Imported where it always runs, or in either branch of the test, or again unconditionally: in force.
    ("from apex import amp", [(E, None)]),
    ("if HAS_APEX:\n    from apex import amp\nelse:\n    import apex.amp as amp", [(E, None)]),
    ("if not HAS_APEX:\n    import apex.amp as amp\nelse:\n    from apex import amp", [(E, None)]),
    ("if HAS_APEX:\n    from apex import amp\nelif HAS_AMP:\n    import apex.amp as amp", [(E, None)]),
    # Two imports under one test are one branch: still guarded.
    ("if HAS_APEX:\n    import apex\n    from apex import amp", [(C, "HAS_APEX")]),
    ("if HAS_APEX:\n    from apex import amp\nfrom apex import amp", [(E, None)]),
    # An optional import (try/except ImportError) guards a project's own framework as often: not counted.
    ("try:\n    from apex import amp\nexcept ImportError:\n    amp = None", [(E, None)]),
])
def test_a_call_through_a_name_imported_under_a_test_holds_under_that_test(imports, expected):
    assert _amp_call(imports) == expected


def test_a_guarded_import_of_the_framework_leaves_its_calls_in_force():
    # `if is_torch_available(): import torch` guards the framework the file is written against, not an option.
    code = "if is_torch_available():\n    import torch\n\n\ndef make():\n    return torch.zeros(2, dtype=torch.bfloat16)\n"
    assert [(f.state.value, f.value) for f in scan(code) if f.rule == "WAC101"] == [(E, "bfloat16")]
    npu = "if is_npu_available():\n    import torch_npu\n\n\ndef make(x):\n    return torch_npu.npu_format_cast(x.to(torch.bfloat16), 29)\n"
    assert [(f.state.value, f.value) for f in scan("import torch\n" + npu) if f.rule == "WAC101"] == [(C, "bfloat16")]


def test_a_guarded_call_site_keeps_its_own_test_and_a_module_import_its_frame():
    guarded = 'if args.fp16:\n    model, opt = apex.amp.initialize(model, opt, opt_level="O2")'
    assert _amp_call("if is_apex_available():\n    import apex", guarded) == [(C, "args.fp16")]
    assert _amp_call("if is_apex_available():\n    import apex",
                     'model, opt = apex.amp.initialize(model, opt, opt_level="O2")') == [(C, "is_apex_available()")]
    # A name of the same spelling not bound by the guarded import is not affected.
    assert _amp_call("from apex import amp\nif is_apex_available():\n    import apex") == [(E, None)]


def test_environment_unset_forms():
    code = """\
        import os
        del os.environ["NCCL_IB_HCA"]
        os.environ.pop("HSA_NO_SCRATCH_RECLAIM")
        del os.environ["NCCL_IB_DISABLE"]
        """
    # Unsetting restores the library default: mentioned, as the shell extractor reports `unset` (was disabled).
    assert rows(code) == {
        ("WAC301", 2, 1, M, "NCCL_IB_HCA"),
        ("WAC205", 3, 1, M, "HSA_NO_SCRATCH_RECLAIM"),
        ("WAC301", 4, 1, M, "NCCL_IB_DISABLE"),
    }
    assert all("library default" in f.message for f in scan(code))


def test_environment_write_inside_a_branch_is_conditional():
    code = """\
        import os
        if args.multi_node:
            os.environ["NCCL_IB_GID_INDEX"] = "3"
        """
    finding = one(code, "WAC301")
    assert (finding.state, finding.properties["condition"]) == (State.CONDITIONAL, "args.multi_node")


def test_jax_dtypes_and_module_constant_defined_after_use():
    code = """\
        import jax.numpy as jnp
        import torch.distributed as dist
        def init():
            dist.init_process_group(backend=LATE)
        x = jnp.zeros(3, dtype=jnp.bfloat16)
        LATE = "gloo"
        """
    assert rows(code) == {("WAC202", 1, 1, E, "jax"), ("WAC201", 4, 29, E, "gloo"), ("WAC101", 5, 24, E, "bfloat16")}


def test_variable_names_and_plain_strings_are_not_evidence():
    code = """\
        import torch
        bf16_ok = torch.cuda.is_available()
        use_fp16 = False
        print("training with bf16 on cuda")
        raise SystemExit("NCCL_IB_HCA must be set")
        """
    assert rows(code) == set()


def test_walrus_fstring_and_nested_function_scopes():
    code = """\
        import torch
        import torch.distributed as dist
        def outer():
            backend = "hccl"
            def inner():
                backend = "gloo"
                dist.init_process_group(backend)
            dist.init_process_group(backend)
        if (dt := torch.float16) is not None:
            print(f"{dt} bf16")
        """
    assert rows(code) == {
        ("WAC201", 7, 33, E, "gloo"),
        ("WAC201", 8, 29, E, "hccl"),
        ("WAC102", 9, 11, M, "float16"),
    }


# -- one parse per file; any input gives findings or a diagnostic ------------------------------------


def test_each_file_is_parsed_once(monkeypatch):
    from whackachip_lint.extract import python as extractor

    calls = []
    real = extractor.ast.parse
    monkeypatch.setattr(extractor.ast, "parse", lambda text: calls.append(1) or real(text))
    scan(
        "import torch\nx = torch.zeros(1, dtype=torch.bfloat16)  # bf16\nimport os\nos.environ['NCCL_DEBUG'] = 'INFO'\n"
    )
    assert len(calls) == 1


_TOKENS = [
    "import torch\n",
    "import torch.distributed as dist\n",
    "torch.bfloat16",
    "torch.float8_e4m3fnuz",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    " = ",
    "if ",
    " else ",
    "not ",
    "\n",
    "    ",
    "os.environ[",
    "'NCCL_IB_HCA'",
    '"nccl"',
    "args.backend",
    "dist.init_process_group(",
    "import torch_npu\n",
    "try:\n",
    "except ImportError:\n",
    "lambda: ",
    "*",
    " is None",
    "raise X\n",
    "del ",
    "f'{x}'",
    "dtype=",
    "backend=",
    "device=",
    "enabled=",
    "# bf16\n",
    '"""doc fp16"""',
    "x",
    ".to(",
    ".half()",
    "p.add_argument('--bf16', action='store_true')\n",
    "match x:\n",
    "case 1:\n",
    "\t",
    "\r\n",
    "é",
    "\\",
    "'",
    '"',
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TOKENS), max_size=40))
def test_any_token_soup_gives_findings_or_a_diagnostic(tokens):
    result = scan_snippet("".join(tokens))
    assert len(result.diagnostics) <= 1
    if result.diagnostics:
        assert result.findings == []
        assert result.diagnostics[0].message.startswith("Python syntax error")
    for finding in result.findings:
        assert 1 <= finding.span.line <= finding.span.end_line
        assert finding.span.column >= 1


def test_suppression_next_line_and_file_level():
    next_line = "import torch\n# wac-lint: disable-next-line=WAC1\nx = x.to(torch.bfloat16)\ny = y.half()\n"
    found = {f.rule: f.suppressed for f in scan(next_line)}
    assert found == {"WAC101": True, "WAC102": False}
    whole_file = "# wac-lint: disable-file=WAC201\nimport torch.distributed as dist\ndist.init_process_group('nccl')\n"
    assert [f.suppressed for f in scan(whole_file) if f.rule == "WAC201"] == [True]


def test_conditional_message_names_the_condition():
    code = "import torch\nif args.bf16:\n    model = model.bfloat16()\nelse:\n    model = model.half()\n"
    messages = {f.rule: f.message for f in scan(code)}
    assert messages["WAC101"].endswith("(only when args.bf16).")
    assert messages["WAC102"].endswith("(only when args.bf16 is false).")


@pytest.mark.parametrize(
    ("test", "said"),
    [
        ("path is not None", "only when path is None"),
        ("path is None", "only when path is not None"),
        ('args.precision == "fp16"', 'only when args.precision != "fp16"'),
        ('args.precision != "bf16"', 'only when args.precision == "bf16"'),
        ('"cuda" in device', 'only when "cuda" not in device'),
        ("x not in ok", "only when x in ok"),
        # no exact opposite: `not a < b` is not `a >= b` for sets or NaN; chains and calls stay as they were
        ("step < warmup", "only when step < warmup is false"),
        ("0 < step < warmup", "only when 0 < step < warmup is false"),
        ("use_fp16(args)", "only when use_fp16(args) is false"),
    ],
)
def test_an_else_branch_says_its_comparison_the_other_way_round(test, said):
    code = f"import torch\nif {test}:\n    pass\nelse:\n    model = model.bfloat16()\n"
    (finding,) = [f for f in scan(code) if f.rule == "WAC101"]
    assert finding.message.endswith(f"({said}).")
    assert finding.properties["condition"] == f"not ({test})"  # what a recipe settles is unchanged


def test_an_else_branch_records_its_condition_negated():
    # The property says when the finding holds (a recipe passing --bf16 settles the `if`, never the `else`); the
    # `else` of `if not x:` holds when x does, and says so without a double negation.
    code = ("import torch\nif args.bf16:\n    model = model.bfloat16()\nelse:\n    model = model.half()\n"
            "if not args.fp16:\n    x = torch.zeros(1, dtype=torch.bfloat16)\nelse:\n    y = torch.zeros(1).cuda()\n")
    found = {(f.rule, f.line): (f.properties["condition"], f.message) for f in scan(code)}
    assert found[("WAC101", 3)][0] == "args.bf16"
    assert found[("WAC102", 5)][0] == "not (args.bf16)"
    assert found[("WAC101", 7)][0] == "not args.fp16"
    assert found[("WAC204", 9)] == ("args.fp16", found[("WAC204", 9)][1])
    assert found[("WAC204", 9)][1].endswith("(only when args.fp16).")


@pytest.mark.parametrize("code", ["import torch  # bf16\ndef f():\n    return* [1]\n", "import torch  # bf16\n(flag): bool = True\n"])
def test_valid_python_the_old_libcst_parser_refused_is_read(code):
    # libcst refused both (CSTValidationError, ParserSyntaxError); CPython's parser reads them.
    result = scan_snippet(code)
    assert result.diagnostics == []
    assert [(f.rule, f.state) for f in result.findings] == [("WAC101", M)]


def test_import_inside_a_function_is_lazy_and_conditional():
    code = """\
        import torch
        def setup_ascend():
            import torch_npu
            from torch_npu.contrib import transfer_to_npu
        """
    assert rows(code) == {
        ("WAC202", 3, 5, C, "torch_npu"),
        ("WAC202", 4, 5, C, "torch_npu"),
        ("WAC203", 4, 5, C, "transfer_to_npu"),
    }
    assert (
        "lazy import inside setup_ascend()"
        in one(code.replace("    from torch_npu.contrib import transfer_to_npu\n", ""), "WAC202").message
    )


def test_vendor_device_modules():
    code = """\
        import torch
        torch.npu.set_device(local_rank)
        if torch.xpu.is_available():
            pass
        n = torch.npu.device_count()
        torch.cuda.set_device(local_rank)
        """
    assert rows(code) == {("WAC204", 2, 1, E, "npu"), ("WAC204", 3, 4, C, "xpu"), ("WAC204", 5, 5, C, "npu")}


def test_click_options():
    code = """\
        import click
        @click.command()
        @click.option("--bf16/--no-bf16", default=True)
        @click.option("--fp16", is_flag=True, help="half precision")
        @click.option("--backend", default="gloo")
        def main(bf16, fp16, backend):
            pass
        """
    assert rows(code) == {("WAC101", 3, 2, E, True), ("WAC102", 4, 2, M, True), ("WAC201", 5, 2, E, "gloo")}


def test_collections_of_dtypes_are_conditional():
    code = """\
        import pytest, torch
        @pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
        def test_kernel(dtype):
            pass
        SUPPORTED = (torch.float16,)
        NAMES = {torch.bfloat16: "bf16", torch.float16: "fp16"}
        """
    assert rows(code) == {
        ("WAC102", 2, 36, C, "float16"),
        ("WAC101", 2, 51, C, "bfloat16"),
        ("WAC102", 5, 14, E, "float16"),
        ("WAC101", 6, 10, C, "bfloat16"),
        ("WAC102", 6, 34, C, "float16"),
    }


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_mentions_in_multiline_docstrings_point_at_the_word_for_every_line_break(newline):
    code = newline.join(['"""Training script.', "", "   Runs in bf16 on one node.", '"""', "import torch", ""])
    assert rows(code) == {("WAC101", 3, 12, M, None)}


def test_apex_amp_and_megatron_transformer_impl():
    code = """\
        import argparse
        from apex import amp
        model, opt = amp.initialize(model, opt, opt_level="O2")
        fp32, opt = amp.initialize(model, opt, opt_level="O0")
        p = argparse.ArgumentParser()
        p.add_argument("--transformer-impl", default="transformer_engine", choices=["local", "transformer_engine"])
        """
    assert rows(code) == {
        ("WAC102", 3, 41, E, "O2"),
        ("WAC102", 4, 40, D, "O0"),
        ("WAC602", 6, 1, E, "transformer_engine"),
    }


def test_compile_flags_quoted_in_messages_are_mentions():
    code = """\
        import logging
        flags = ["-gencode=arch=compute_80,code=sm_80"]
        raise RuntimeError("rebuild with -gencode arch=compute_90a,code=sm_90a")
        logging.warning("try --offload-arch=gfx942")
        """
    assert rows(code) == {("WAC603", 2, 11, E, "8.0"), ("WAC603", 3, 34, M, "9.0a"), ("WAC604", 4, 22, M, "gfx942")}


def test_lightning_accelerator_and_precision():
    code = """\
        import lightning as L
        trainer = L.Trainer(accelerator="tpu", devices=8, precision="bf16-true")
        other = L.Trainer(accelerator="gpu")
        """
    assert rows(code) == {("WAC204", 2, 21, E, "xla"), ("WAC101", 2, 51, E, "bf16-true")}


def test_environment_mappings_for_child_processes():
    code = """\
        import os, subprocess
        env = os.environ.copy()
        env["NCCL_IB_HCA"] = "mlx5_0"
        subprocess.run(cmd, env=dict(os.environ, HSA_ENABLE_SDMA="0"))
        launch_env = {"CUDA_VISIBLE_DEVICES": "0,1", "OMP_NUM_THREADS": "8"}
        os.environ.update({"NCCL_DEBUG": "INFO"})
        table = {"name": "nccl"}
        """
    assert rows(code) == {
        ("WAC301", 3, 1, E, "NCCL_IB_HCA"),
        ("WAC205", 4, 42, E, "HSA_ENABLE_SDMA"),
        ("WAC403", 5, 15, E, "0,1"),
        ("WAC206", 6, 20, E, "NCCL_DEBUG"),
    }


def test_extraction_leaves_no_cyclic_garbage_holding_the_tree():
    # The tree is freed by reference counts as soon as the file is done: left in a cycle, every file's tree
    # would wait for a garbage collection that first traverses all its nodes (issue 13: more CPU than the parse).
    import gc
    from pathlib import Path

    from whackachip_lint.extract import Source
    from whackachip_lint.extract.python import extract

    code = "import torch\n\ndef f(x):\n    return x.to('cuda', dtype=torch.bfloat16)  # H100\n"
    source = Source(Path("m.py"), "m.py", "python", code.encode())
    extract(source)  # first use: patterns compiled and cached once per process
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        assert extract(source)
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def test_no_garbage_collection_traverses_a_files_tree():
    # Collections are paused while the tree is built and walked, and the tree is freed before they resume: a
    # collection that starts meanwhile or right after finds only the few young objects the extractor keeps.
    import ast
    import gc
    from pathlib import Path

    from whackachip_lint.extract import Source
    from whackachip_lint.extract.python import extract

    code = "import torch\nx = torch.zeros(1, dtype=torch.bfloat16)\n" + "y = [1, 2, 3] + [a for a in range(3)]\n" * 2000
    nodes = sum(1 for _ in ast.walk(ast.parse(code)))
    assert nodes > 30_000
    young: list[int] = []

    def on_collection(phase, info):
        if phase == "start":
            young.append(len(gc.get_objects(0)))

    gc.collect()
    gc.callbacks.append(on_collection)
    try:
        for _ in range(3):
            extract(Source(Path("m.py"), "m.py", "python", code.encode()))
            gc.collect(0)  # what a collection right after the file would traverse
    finally:
        gc.callbacks.remove(on_collection)
    assert young and max(young) < 1_000, young


def test_extraction_pauses_the_garbage_collector_and_restores_it():
    import gc

    from whackachip_lint.extract.python import _collector_paused

    seen = []
    with _collector_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()


def test_the_text_is_split_into_lines_once_the_sources_lines_with_cpythons_line_breaks():
    from pathlib import Path

    from whackachip_lint.extract import Source
    from whackachip_lint.extract import python as python_extractor

    # A lone CR ends a line for CPython; the column of a non-ASCII line is converted from its text.
    text = "import torch\r# é\rx = 'é'; y = torch.bfloat16\r\nz = 1\n"
    source = Source(Path("a.py"), "a.py", "python", text.encode())
    found = python_extractor.extract(source)
    assert [(f.rule, f.value, f.span.line, f.span.column, f.span.end_column) for f in found] == [
        ("WAC101", "bfloat16", 3, 14, 28)]
    assert "lines" in source.__dict__  # the extractor's lines are the source's: the snippets split nothing again


# -- a TPU API probed in a `try`: the body is optional --------------------------------------------


@pytest.mark.parametrize(("probe", "state"), [
    ("strategy = tf.distribute.TPUStrategy()", C),
    # Under a name it was imported as (no gate word on the call's line).
    ("strategy = Probe()", C),
    # Spelled with a full-width letter: CPython reads the identifier NFKC-normalised, the gate does not.
    ("strategy = \uff34PUStrategy()", C),
    ("strategy = Strategy()", E),
    ("strategy = tf.distribute.TPUStrategyX()", E),
], ids=["attribute", "imported-as", "nfkc", "other-name", "other-attribute"])
def test_a_tpu_api_called_in_a_try_makes_its_body_optional(probe, state):
    code = f"""\
    import tensorflow as tf
    import torch.distributed as dist
    from tensorflow.distribute import TPUStrategy, TPUStrategy as Probe
    try:
        {probe}
        dist.init_process_group("nccl")
    except ValueError:
        pass
    """
    assert rows(code, "WAC201") == {("WAC201", 6, 29, state, "nccl")}


def test_a_tpu_api_call_is_on_a_hot_line():
    # The TPU probe of a `try` walks only the statements on hot lines (or naming a TPU API imported as another name).
    from whackachip_lint.extract.python import tables as T
    from whackachip_lint.extract.python.gate import hot_lines

    for name in T.TPU_CALLS:
        assert hot_lines(f"x = {name.removeprefix('*.')}()\ny = tf.{name.removeprefix('*.')}()\n") == [1, 2], name


def test_a_tpu_probe_makes_every_try_around_it_optional():
    code = """\
    import tensorflow as tf
    import torch.distributed as dist
    try:
        dist.init_process_group("nccl")
        try:
            strategy = tf.distribute.TPUStrategy()
        except ValueError:
            pass
    except ValueError:
        pass
    """
    assert rows(code, "WAC201") == {("WAC201", 4, 29, C, "nccl")}


def test_windows_fallback_leaves_the_other_branch_in_force():
    # A Windows desktop gets gloo; the Linux machine a training run uses takes the other side, unconditionally.
    code = """\
        import os, sys, platform
        import torch.distributed as dist
        def init():
            if os.name == "nt":
                dist.init_process_group("gloo")
            else:
                dist.init_process_group("nccl")
            dist.init_process_group(backend="gloo" if platform.system() == "Windows" else "nccl")
            if not sys.platform.startswith("win"):
                dist.init_process_group("hccl")
            if sys.platform == "darwin":
                dist.init_process_group("gloo")
            else:
                dist.init_process_group("nccl")
        """
    assert rows(code) == {
        ("WAC201", 5, 33, C, "gloo"), ("WAC201", 7, 33, E, "nccl"),
        ("WAC201", 8, 29, C, "gloo"), ("WAC201", 8, 29, E, "nccl"),
        ("WAC201", 10, 33, E, "hccl"),
        ("WAC201", 12, 33, C, "gloo"), ("WAC201", 14, 33, C, "nccl"),  # macOS is no desktop fallback
    }
