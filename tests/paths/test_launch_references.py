"""A path a launch writes resolves through the file-name index exactly as a pass over every scanned file would."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.paths.launches import KnownFiles, known_files

PARTS = st.sampled_from(["a", "b", "train.py", "run.sh", "..", ".", "", "x.py", "$D", "'c'"])
PATHS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2).flatmap(
    lambda folders: st.sampled_from(["train.py", "run.sh", "x.py", "a"]).map(lambda name: "/".join([*folders, name])))


def _every_file(reference: str, base: str, known: set[str]) -> str | None:
    """The resolution as written before the index: the trailing components matched against every file."""
    text = reference.strip().strip("'\"")
    if not text or "$" in text:
        return None
    for option in (posixpath.normpath(posixpath.join(posixpath.dirname(base), text)), posixpath.normpath(text)):
        if option in known:
            return option
    tail = posixpath.normpath(text)
    while tail.startswith("../"):
        tail = tail[3:]
    matches = [k for k in known if k == tail or k.endswith("/" + tail)]
    return matches[0] if len(matches) == 1 else None


@settings(max_examples=500, deadline=None)
@given(st.sets(PATHS, max_size=8), st.lists(PARTS, min_size=1, max_size=4).map("/".join), PATHS)
def test_the_index_resolves_as_a_pass_over_every_file(files, reference, base):
    known = KnownFiles(files)
    assert known.resolve(reference, base) == _every_file(reference, base, files)
    assert known.resolve(reference, base) == _every_file(reference, base, files)  # the memo's answer


def test_a_run_resolves_against_one_index():
    files = frozenset({"scripts/train.py", "configs/ds.json"})
    assert known_files(files) is known_files(frozenset(set(files)))
    assert known_files(files).resolve("train.py", "launch/run.sh") == "scripts/train.py"
