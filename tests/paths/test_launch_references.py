"""A path a launch writes resolves through the file-name index exactly as a pass over every scanned file would."""

from __future__ import annotations

import posixpath

from hypothesis import example, given, settings
from hypothesis import strategies as st

from whackachip_lint.paths.launches import KnownFiles, known_files

PARTS = st.sampled_from(["a", "b", "train.py", "run.sh", "..", ".", "", "x.py", "$D", "'c'"])
PATHS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2).flatmap(
    lambda folders: st.sampled_from(["train.py", "run.sh", "x.py", "a"]).map(lambda name: "/".join([*folders, name])))


def _every_file(reference: str, base: str, known: set[str]) -> str | None:
    """The resolution as written before the index: the trailing components matched against every file."""
    text = reference.strip().strip("'\"")
    if "$" in text:  # under one leading variable: beside the launch or at the root, never by its tail
        head, _, rest = text.partition("/")
        options = [posixpath.normpath(posixpath.join(posixpath.dirname(base), rest)), posixpath.normpath(rest)]
        return next((o for o in options if o in known), None) if head == "$D" and rest and "$" not in rest else None
    if not text:
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
@example(files={"a/a"}, reference="$D/", base="a/a/train.py")  # a folder under a variable is no file
def test_the_index_resolves_as_a_pass_over_every_file(files, reference, base):
    known = KnownFiles(files)
    assert known.resolve(reference, base) == _every_file(reference, base, files)
    assert known.resolve(reference, base) == _every_file(reference, base, files)  # the memo's answer


def test_a_run_resolves_against_one_index():
    files = frozenset({"scripts/train.py", "configs/ds.json"})
    assert known_files(files) is known_files(frozenset(set(files)))
    assert known_files(files).resolve("train.py", "launch/run.sh") == "scripts/train.py"


def test_a_path_under_a_variable_resolves_beside_the_launch_or_at_the_root_only():
    known = KnownFiles({"jobs/utils/train.py", "train.py", "deep/nested/only.py"})
    assert known.resolve("$SCRIPT_DIR/utils/train.py", "jobs/run.sh") == "jobs/utils/train.py"
    assert known.resolve("${ROOT}/train.py", "jobs/run.sh") == "train.py"
    assert known.resolve("$SCRIPT_DIR/only.py", "jobs/run.sh") is None  # no match on the tail
    assert known.resolve("$A/$B/train.py", "jobs/run.sh") is None
