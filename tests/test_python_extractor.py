"""The Python extractor, feature by feature: exact (rule, line, column, state, value) per snippet.

Each snippet is written for this test. Where a test lists a full set, any extra
finding (noise) fails it as surely as a missing one.
"""

from __future__ import annotations

import textwrap

import pytest

from whackachip_lint.evidence import State

from .conftest import scan_snippet

E, C, D, M = "enabled", "conditional", "disabled", "mentioned"


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
        """
    assert rows(code, "WAC1") == {
        ("WAC101", 2, 47, E, "bfloat16"),
        ("WAC102", 4, 6, E, "float16"),
        ("WAC101", 6, 35, D, "bfloat16"),
    }


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


def test_dead_branch_is_disabled_and_main_guard_is_not_a_condition():
    code = """\
        import torch
        if False:
            model = model.bfloat16()
        if __name__ == "__main__":
            model = model.half()
        """
    assert rows(code) == {("WAC101", 3, 13, D, "bfloat16"), ("WAC102", 5, 13, E, "float16")}


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
    assert (found["WAC101"].state, dict(found["WAC101"].properties)) == (State.MENTIONED, {"flag": "--bf16", "default": False})
    assert (found["WAC102"].state, dict(found["WAC102"].properties)) == (State.ENABLED, {"flag": "--fp16", "default": True})
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
        ("WAC104", 3, 22, E, "fp8_autocast"),
        ("WAC104", 4, 9, E, "_scaled_mm"),
        ("WAC104", 5, 22, D, "fp8_autocast"),
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
    assert rows(code) == {("WAC101", 3, 5, D, True), ("WAC102", 4, 5, C, "auto"), ("WAC101", 6, 10, E, True)}


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
        ("import torch\ndef f(:\n    x = torch.bfloat16\n", 3, "expected"),
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


def test_file_without_any_hardware_word_is_not_parsed():
    # Not valid Python, but nothing any rule looks for: skipped before parsing, no diagnostic.
    result = scan_snippet("def f(:\n    return 1\n")
    assert result.findings == [] and result.diagnostics == []


def test_columns_count_code_points_not_bytes():
    code = 'import torch\nnote = "ünïcödé"; x = x.to(torch.bfloat16)\n'
    assert rows(code) == {("WAC101", 2, 28, E, "bfloat16")}
