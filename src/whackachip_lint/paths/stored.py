"""The path analysis of the last scan of a root, kept next to its result cache (cache.py) and reused while its
inputs are the same.

The import graph, entry points and roles (`roles.analyse`) are a function of three things only: the files, their
path facts and their findings (after the whole-repository checks). A warm rescan of an unchanged tree gives all
three again, and on a large tree the analysis was most of its time (the transformers package: 0.26 s of CPU of a
0.8 s rescan). So the analysis is stored under a digest of exactly those inputs, in the same user-keyed, signed
cache file format as per-file results, whose name already holds the tool version, the code fingerprint and the
settings: a file added, removed or edited, a setting or the tool changed, and the digest or the file differs, so
the analysis is worked out again. Never a reason to fail: a missing, corrupt or foreign store is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any, Callable

from ..cache import ResultCache, encode_finding
from ..config import Settings
from ..evidence import Finding
from .roles import EntryPoint, RepoPaths, TrainingPath

ENTRY = "paths"  # the one entry of the store: {"inputs": digest, "paths": the analysis}


def inputs_digest(files: list[str], facts: dict[str, dict], findings: list[Finding],
                  contents: dict[str, str] | None = None) -> str:
    """A digest of everything the path analysis reads. `contents` (relpath -> digest of the content the file's
    results were read from, for every file) stands for the facts, which are read from that content alone: hashing
    the digests costs a small part of hashing the facts of a large tree."""
    h = hashlib.blake2b(digest_size=16)
    if contents is not None and set(contents) >= set(facts):
        h.update(json.dumps(["contents", files, sorted(contents.items())], separators=(",", ":")).encode())
    else:
        h.update(json.dumps(["facts", files, facts], sort_keys=True, separators=(",", ":")).encode())
    h.update(b"\0")
    h.update(json.dumps([encode_finding(f) for f in findings], sort_keys=True, separators=(",", ":"),
                        default=str).encode())
    return h.hexdigest()


def analysed(root: Path, settings: Settings, files: list[str], facts: dict[str, dict], findings: list[Finding],
             analyse: Callable[[], RepoPaths], contents: dict[str, str] | None = None) -> RepoPaths:
    """`analyse()`, or the analysis stored for the same inputs (then stores what it worked out)."""
    store = _open(root, settings) if storable() else None
    if store is None:
        return analyse()
    digest = inputs_digest(files, facts, findings, contents)
    entry = store.entries.get(ENTRY)
    if isinstance(entry, dict) and entry.get("inputs") == digest:
        try:
            return decode(entry["paths"])
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # malformed: work it out again
    repo = analyse()
    store.new[ENTRY] = {"inputs": digest, "paths": encode(repo)}
    store.save()
    return repo


def _open(root: Path, settings: Settings) -> ResultCache | None:
    where = ResultCache.locate(root, settings)
    if where is None:
        return None
    path, key, secret = where
    return ResultCache(path.with_name(f"{key}.paths"), key, secret)  # beside `<key>.json`, the per-file results


# The fields of the analysis this module stores. If one of these classes grows a field, the store turns itself off
# (an analysis is never stored in part) and tests/test_stored_paths.py fails until the field is stored here.
KNOWN_FIELDS = {
    RepoPaths: ("roles", "why", "entries", "training", "library"),
    EntryPoint: ("path", "kind", "runs", "category", "document", "trains"),
    TrainingPath: ("name", "kind", "files", "setup", "tool", "rank"),
}


def storable() -> bool:
    return all(tuple(f.name for f in dataclasses.fields(cls)) == names for cls, names in KNOWN_FIELDS.items())


def encode(repo: RepoPaths) -> dict[str, Any]:
    return {
        "roles": repo.roles,
        "why": repo.why,
        "entries": [[e.path, e.kind, e.runs, e.category, e.document, e.trains] for e in repo.entries],
        "training": [[p.name, p.kind, sorted(p.files), p.setup, p.tool, p.rank] for p in repo.training],
        "library": repo.library,
    }


def decode(data: dict[str, Any]) -> RepoPaths:
    roles, why = data["roles"], data["why"]
    if not isinstance(roles, dict) or not isinstance(why, dict):
        raise ValueError("malformed")
    entries = [EntryPoint(str(path), str(kind), [str(r) for r in runs], str(category), str(document), bool(trains))
               for path, kind, runs, category, document, trains in data["entries"]]
    training = [TrainingPath(str(name), str(kind), {str(f) for f in files}, int(setup), bool(tool), int(rank))
                for name, kind, files, setup, tool, rank in data["training"]]
    return RepoPaths(dict(roles), dict(why), entries, training, bool(data["library"]))


__all__ = ["KNOWN_FIELDS", "analysed", "decode", "encode", "inputs_digest", "storable"]
