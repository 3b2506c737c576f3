"""History cost against one cold scan: `wac-lint history` over N commits of a synthetic M-file repository.

    python benchmarks/history_bench.py [--files 500] [--commits 200] [--work DIR]

Builds the repository with git (files of the shapes real training repos hold: Python with and without evidence,
launch scripts, configs), each commit changing one or two files, then times one cold scan of the head (no cache,
one process) and the history of every commit, and prints both with their ratio. The figure goes to
docs/performance.md; the issue's target is history <= 3x one cold scan.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
PY_PLAIN = "import os\n\n\ndef helper_{i}(x):\n    return [y * {i} for y in x]\n" * 8
PY_EVIDENCE = ("import torch\nimport torch.distributed as dist\n\n\ndef setup_{i}():\n"
               "    dist.init_process_group(backend='nccl')\n    model = Model().to('cuda')\n"
               "    return model.to(torch.bfloat16)\n") + PY_PLAIN
SHELL = "#!/bin/bash\nexport NCCL_IB_HCA=mlx5_{i}\ntorchrun --nproc_per_node 8 train_{i}.py --bf16\n"


def build(repo: Path, files: int, commits: int) -> None:
    rng = random.Random(0)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, env=ENV, check=True)
    names = []
    for i in range(files):
        if i % 25 == 0:
            name, text = f"scripts/launch_{i}.sh", SHELL.format(i=i)
        elif i % 5 == 0:
            name, text = f"pkg/train_{i}.py", PY_EVIDENCE.format(i=i)
        else:
            name, text = f"pkg/sub{i % 7}/mod_{i}.py", PY_PLAIN.format(i=i)
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        names.append(name)
    subprocess.run(["git", "add", "-A"], cwd=repo, env=ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "initial"], cwd=repo, env=ENV, check=True)
    for n in range(1, commits):
        for name in rng.sample(names, rng.choice((1, 2))):
            with open(repo / name, "a") as handle:
                handle.write(f"# change {n}\n" if name.endswith((".py", ".sh")) else "\n")
        subprocess.run(["git", "commit", "-q", "-am", f"change {n}"], cwd=repo, env=ENV, check=True)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = (args.work or Path(tmp)) / "history-bench-repo"
        if not repo.exists():
            build(repo, args.files, args.commits)
        wac = [sys.executable, "-m", "whackachip_lint"]
        cold = min(timed([*wac, "--no-cache", "-j", "1", "--exit-zero", "--format", "json", str(repo)]) for _ in range(3))
        hist = min(timed([*wac, "history", "--format", "json", str(repo)]) for _ in range(2))
        print(f"{args.files} files, {args.commits} commits: cold scan of head {cold:.2f} s (best of 3, -j 1), "
              f"history {hist:.2f} s (best of 2): {hist / cold:.2f}x")


if __name__ == "__main__":
    main()
