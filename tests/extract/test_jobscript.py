"""#SBATCH / #PBS / #BSUB directives: what is requested, where, and whether the scheduler reads it."""

from __future__ import annotations

from ..conftest import finding_columns, finding_props, scan_snippet


def rows(code: str, kind: str = "shell", filename: str | None = None):
    return finding_columns(code, kind, filename, lambda f: f.rule.startswith("WAC7")
                           or (f.rule in ("WAC401", "WAC402") and f.properties.get("scheduler")))


def props(code: str, rule: str, kind: str = "shell"):
    return finding_props(code, rule, kind)


SLURM = """#!/bin/bash
#SBATCH --job-name=pretrain
#SBATCH -N 4
#SBATCH --gres=gpu:a100_80gb:8,nvme:1
#SBATCH --partition=gpu_h800,debug
##SBATCH --gres=gpu:v100:8
# SBATCH --constraint=t4

srun python train.py
#SBATCH --gres=gpu:h100:8
"""


def test_slurm_header_directives_and_ignored_ones():
    assert sorted(rows(SLURM)) == sorted([
        ("WAC402", 4, "enabled", 3, 12),
        ("WAC710", "a100_80gb", "enabled", 4, 20),
        ("WAC401", 8, "enabled", 4, 30),
        ("WAC711", "gpu_h800", "conditional", 5, 21),  # one of two partitions
        ("WAC710", "v100", "mentioned", 6, 21),  # ##SBATCH is a comment to sbatch
        ("WAC401", 8, "mentioned", 6, 26),
        ("WAC710", "t4", "mentioned", 7, 23),  # "# SBATCH" too
        ("WAC710", "h100", "mentioned", 10, 20),  # after the first command: sbatch stops reading
        ("WAC401", 8, "mentioned", 10, 25),
    ])


def test_gpu_request_properties_name_the_catalog_parts():
    (found,) = [p for p in props(SLURM, "WAC710") if p["gpu"] == "nvidia-a100"]
    assert found["catalog_ids"] == "nvidia-a100-sxm4-80gb nvidia-a100-pcie-80gb"
    assert found["count"] == 8 and found["count_per"] == "node"
    assert found["scheduler"] == "slurm" and found["directive"] == "--gres"


def test_gres_without_type_gives_only_the_count():
    assert rows("#!/bin/bash\n#SBATCH --gres=gpu:8\nsrun x\n") == [("WAC401", 8, "enabled", 2, 20)]


def test_gpus_options_and_constraints():
    code = (
        "#!/bin/bash\n"
        "#SBATCH --gpus-per-node=h100:8\n"
        "#SBATCH --gpus=a100:16\n"
        "#SBATCH -C \"a100|h100\"\n"
        "#SBATCH --constraint=ib&h200\n"
        "srun x\n"
    )
    assert sorted(rows(code)) == sorted([
        ("WAC710", "h100", "enabled", 2, 25),
        ("WAC401", 8, "enabled", 2, 30),
        ("WAC710", "a100", "enabled", 3, 16),  # a per-job count is not a per-node one
        ("WAC710", "a100", "conditional", 4, 13),
        ("WAC710", "h100", "conditional", 4, 18),
        ("WAC710", "h200", "enabled", 5, 25),
    ])
    per = {p["count_per"] for p in props(code, "WAC710") if "count_per" in p}
    assert per == {"node", "job"}


def test_quoted_values_keep_exact_columns():
    code = '#!/bin/bash\n#SBATCH --gres="gpu:l40s:4"\nsrun x\n'
    result = scan_snippet(code, "shell")
    (gpu,) = [f for f in result.findings if f.rule == "WAC710"]
    line = code.splitlines()[1]
    assert line[gpu.span.column - 1 : gpu.span.end_column - 1] == "l40s"


def test_unexpanded_variable_is_conditional_raw_text():
    assert rows("#!/bin/bash\n#SBATCH --nodes=${NODES}\nsrun x\n") == [("WAC402", "${NODES}", "conditional", 2, 17)]


def test_pbs_and_lsf():
    code = (
        "#!/bin/bash\n"
        "#PBS -l select=2:ncpus=32:ngpus=4:gpu_model=a100\n"
        "#PBS -q a100_queue\n"
        '#BSUB -gpu "num=4:gmodel=TeslaV100_SXM2_32GB"\n'
        "python train.py\n"
    )
    assert sorted(rows(code)) == sorted([
        ("WAC402", 2, "enabled", 2, 16),
        ("WAC401", 4, "enabled", 2, 33),
        ("WAC710", "a100", "enabled", 2, 45),
        ("WAC711", "a100_queue", "enabled", 3, 9),
        ("WAC401", 4, "enabled", 4, 17),
        ("WAC710", "TeslaV100_SXM2_32GB", "enabled", 4, 26),
    ])


def test_partition_without_gpu_name_and_strings_are_not_findings():
    code = "#!/bin/bash\n#SBATCH -p gpu\necho '#SBATCH --gres=gpu:a100:8'\nsrun x\n"
    assert rows(code) == []


def test_python_batch_script_directives():
    code = "#!/usr/bin/env python\n#SBATCH --gres=gpu:h100:4\nimport torch\n"
    assert ("WAC710", "h100", "enabled", 2, 20) in rows(code, "python")


def test_short_names_match_in_any_case_in_requests():
    assert rows("#!/bin/bash\n#SBATCH --gres=gpu:t4:1\nsrun x\n")[0][:3] == ("WAC710", "t4", "enabled")


def test_unknown_gpu_type_is_not_invented():
    assert [r for r in rows("#!/bin/bash\n#SBATCH --gres=gpu:fancy:2\nsrun x\n") if r[0] == "WAC710"] == []


def test_file_without_directives_is_cheap_and_empty():
    from whackachip_lint.extract import Source, jobscript
    from pathlib import Path

    assert jobscript.extract(Source(Path("x.sh"), "x.sh", "shell", b"echo hi\n")) == []


def test_a_gres_request_alone_moves_the_inference_to_hopper():
    from whackachip_lint.config import Settings
    from whackachip_lint.infer.engine import infer
    from whackachip_lint.scan import scan

    from ..conftest import REPOS

    settings = Settings(use_cache=False)
    verdict = infer(scan([REPOS / "job_h100_only"], settings), settings).to_dict()
    status = {c["id"]: c["status"] for c in verdict["candidates"]}
    consistent = {cid for cid, s in status.items() if s == "consistent"}
    assert consistent == {"nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl"}
    assert "excluded" not in status.values()  # a declared name narrows; it never excludes
