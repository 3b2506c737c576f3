"""The floor of any scan: read every byte of the files wac-lint would scan and run the trigger pattern once.

    python benchmarks/floor.py TREE [--every-match]

Walks TREE like wac-lint does (same suffix table, same skipped folders), reads each
file and searches it with the pre-filter's pattern for its kind (all rule families).
Prints files, bytes and how many files hold a trigger word.

`--every-match` runs the pattern to the end of each file and also counts the matches: the least an extractor
that reports evidence lines must do (the floor of issue 13 stops at a file's first match, as the pre-filter does).
"""

from __future__ import annotations

import os
import sys

from whackachip_lint.discover import SKIP_DIRS
from whackachip_lint.kinds import KIND_BY_NAME, KIND_BY_SUFFIX
from whackachip_lint.prefilter import has_trigger, pattern_for
from whackachip_lint.rules import ALL_RULES


def main(root: str, every_match: bool = False) -> None:
    every = frozenset(ALL_RULES)  # every rule selected, as a default scan
    files = size = hits = matches = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            kind = KIND_BY_NAME.get(name) or KIND_BY_SUFFIX.get(os.path.splitext(name)[1].lower())
            if kind is None:
                continue
            with open(os.path.join(dirpath, name), "rb") as handle:
                data = handle.read()
            files += 1
            size += len(data)
            pattern = pattern_for(kind, every)
            if pattern is not None and every_match:
                found = sum(1 for _ in pattern.finditer(data.lower()))
                matches += found
                hits += found > 0  # a kind never filtered has no pattern: counted by the branch below
            elif pattern is None or has_trigger(data, pattern):
                hits += 1
    print(f"{files} files, {size} bytes, {hits} with a trigger word (or of a kind never filtered)"
          + (f", {matches} trigger words in all" if every_match else ""))


if __name__ == "__main__":
    main(sys.argv[1], "--every-match" in sys.argv[2:])
