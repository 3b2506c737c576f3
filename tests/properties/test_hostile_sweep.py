"""The hostile-input sweep of 5 December 2026: what an attacker's repository still broke, each built here.

Every case: the scan finishes, the other files give their findings, and what could not be read is one diagnostic
naming it. (Earlier sweeps: test_hostile_repos.py, test_untrusted_config.py, test_safe_write.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

from whackachip_lint.config import Settings
from whackachip_lint.scan import scan

from ..hostile import BF16, messages_by_path

# A folder name of 100 bytes, nested deep enough that the path is over Linux's PATH_MAX (4,096 bytes).
_LONG_NAME = "d" * 100
_OVER_PATH_MAX = 45


def _nest(top: Path, depth: int) -> list[int]:
    """`depth` nested folders under `top`, made through directory descriptors (a path that long cannot be named);
    the descriptors, outermost first, for _unnest."""
    fds = [os.open(top, os.O_RDONLY)]
    for _ in range(depth):
        os.mkdir(_LONG_NAME, dir_fd=fds[-1])
        fds.append(os.open(_LONG_NAME, os.O_RDONLY, dir_fd=fds[-1]))
    return fds


def _unnest(fds: list[int]) -> None:
    """Remove what _nest made, bottom up (pytest's clean-up cannot name paths over PATH_MAX either)."""
    for fd in fds[-1:]:
        for name in os.listdir(fd):
            os.unlink(name, dir_fd=fd)
    for parent, child in zip(reversed(fds[:-1]), reversed(fds[1:])):
        os.close(child)
        os.rmdir(_LONG_NAME, dir_fd=parent)
    os.close(fds[0])


def test_folders_nested_past_path_max_cost_one_diagnostic(tmp_path):
    """The virtualenv check (`Path.exists` of `pyvenv.cfg`) raised ENAMETOOLONG: the whole scan stopped, exit 2."""
    (tmp_path / "train.py").write_text(BF16)
    fds = _nest(tmp_path, _OVER_PATH_MAX)
    try:
        with open(os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fds[-1]), "w") as handle:
            handle.write(BF16)
        result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    finally:
        _unnest(fds)
    assert [f.path for f in result.findings] == ["train.py"]
    ((path, messages),) = messages_by_path(result).items()
    assert messages == ["cannot stat: File name too long"]
    assert set(path.split("/")) == {_LONG_NAME}  # the first folder whose path is over PATH_MAX
