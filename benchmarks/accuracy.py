"""Measure wac-lint's verdicts against repositories whose hardware is documented.

    .venv/bin/python benchmarks/accuracy.py --corpus /work/corpus [--labels ../shared/dev-corpus/repos.json]
        [--modes code,default] [--only owner/name] [--json out.json] [--markdown out.md] [--no-text]
        [--reports DIR]

Each label (`repo`, `eval_commit`, `vendor`, `accelerators`, `kind`; see the dev corpus README) is matched with the
checkout `<corpus>/<owner>+<name>/` (exported at `eval_commit` by `benchmarks/corpus_export.py`). wac-lint scans it
through its CLI (`--format json --isolated -j 1`, one repository at a time), once per mode: `code` (`--no-docs`) and
`default` (READMEs, docs and logs read). A second, warm-cache run with `--format text` measures the text report.

Per repository and mode it reports:
- documented excluded: a documented accelerator whose catalog parts are all `excluded` (a hard failure);
- documented consistent: whether the documented accelerators are `consistent` (see `KIND_RULE` for how many must be);
- vendor: the status of the documented vendor (`likely` is right; for `multi` any documented vendor `likely`);
- consistent set: how many catalog parts are `consistent`, and the fraction of the catalog;
- scan time of the cold run, the sizes of the JSON report, of the text report's verdict section (lines, bytes)
  and the longest text line.
Totals check the Done-when criteria of issue 10. Nothing here runs the scanned code.

Documented names map to catalog ids with `FAMILIES` (regular expressions over the label's own wording, narrowed by
memory size and form factor when the name says them) and `VENDOR_WORDS` for names that say only the vendor ("NVIDIA
GPU", "AMD GPU clusters"): those are judged at vendor level (the best status of any part of that vendor). Ids the
catalog lacks (TPU v3, first-generation Gaudi ...) are listed but not scored; a repository whose documented
names are all missing from the catalog is judged at vendor level and marked so. CPUs ("Intel Xeon") are no
accelerator and are skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT.parent / "shared" / "dev-corpus" / "repos.json"

# Best first: a documented accelerator takes the best status any of its catalog parts has.
STATUS_ORDER = ("consistent", "disfavoured", "excluded")

# name pattern -> catalog ids it means (ids the catalog lacks are kept: they count once the catalog has them).
# Patterns avoid \b on the left where labels glue a count to the name ("8XH100").
_A100 = ("nvidia-a100-sxm4-40gb", "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-40gb", "nvidia-a100-pcie-80gb")
_H100 = ("nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl")
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"P100|Pascal", ("nvidia-p100",)),
    (r"V100|Volta", ("nvidia-v100",)),
    (r"\bT4\b", ("nvidia-t4",)),
    (r"A10(?!\d)", ("nvidia-a10",)),
    (r"A30(?!\d)", ("nvidia-a30",)),
    (r"A40(?!\d)", ("nvidia-a40",)),
    (r"A100", _A100),
    (r"A800", ("nvidia-a800",)),
    (r"RTX\s*A6000", ("nvidia-rtx-a6000",)),
    (r"3090", ("nvidia-rtx-3090",)),
    (r"4090(?!\s*D)", ("nvidia-rtx-4090",)),
    (r"4090\s*D", ("nvidia-rtx-4090d",)),
    (r"\bL4\b", ("nvidia-l4",)),
    (r"\bL20\b", ("nvidia-l20",)),
    (r"\bL40(?!S)", ("nvidia-l40",)),
    (r"\bL40S", ("nvidia-l40s",)),
    (r"H100", _H100),
    (r"H800", ("nvidia-h800", "nvidia-h800-pcie")),
    (r"H20(?!\d)", ("nvidia-h20",)),
    (r"H200", ("nvidia-h200-sxm", "nvidia-h200-nvl")),
    (r"Hopper", _H100 + ("nvidia-h800", "nvidia-h800-pcie", "nvidia-h20", "nvidia-h200-sxm", "nvidia-h200-nvl")),
    (r"Ampere", _A100 + ("nvidia-a800", "nvidia-a10", "nvidia-a30", "nvidia-a40")),
    (r"(?<!G)B100", ("nvidia-b100",)),
    (r"(?<!G)B200", ("nvidia-b200",)),
    (r"GB200", ("nvidia-gb200",)),
    (r"(?<!G)B300", ("nvidia-b300",)),
    (r"GB300", ("nvidia-gb300",)),
    (r"5090(?!\s*D)", ("nvidia-rtx-5090",)),
    (r"MI100", ("amd-mi100",)),
    (r"MI200\b", ("amd-mi210", "amd-mi250x")),
    (r"MI210", ("amd-mi210",)),
    (r"MI250", ("amd-mi250x",)),
    (r"MI300X|MI300 series", ("amd-mi300x",)),
    (r"MI325X|MI300 series", ("amd-mi325x",)),
    (r"MI300(?![X\d]| series)", ("amd-mi300x", "amd-mi325x")),
    (r"MI355X", ("amd-mi355x",)),
    (r"910B|Atlas\s*\w+\s*\w*\s*A2\b", ("huawei-ascend-910b",)),
    (r"910C|Atlas\s*\w+\s*\w*\s*A3\b", ("huawei-ascend-910c",)),
    (r"Gaudi(?!\s*[23])|first-gen Gaudi|\bDL1\b", ("intel-gaudi1",)),
    (r"Gaudi\s*2", ("intel-gaudi2",)),
    (r"Gaudi\s*3", ("intel-gaudi3", "intel-gaudi3-pcie")),
    (r"Data Center GPU Max", ("intel-gpu-max",)),
    (r"TPU\s*v?2\b|TPU.*\bv2\b", ("google-tpu-v2",)),
    (r"TPU\s*v?3\b|TPU.*\bv3\b", ("google-tpu-v3",)),
    (r"TPU\s*v?4\b|TPU.*\bv4\b", ("google-tpu-v4",)),
    (r"TPU.*\bv5e\b|TPU\s*v5e", ("google-tpu-v5e",)),
    (r"TPU.*\bv5p\b|TPU\s*v5p", ("google-tpu-v5p",)),
    (r"TPU.*\bv6e\b|Trillium", ("google-tpu-v6e",)),
    (r"Ironwood", ("google-tpu-v7",)),
    (r"Apple Silicon|\bM[1-4]\b|\bMac\b", ("apple-m-series",)),
    (r"Trainium\s*2|\bTrn2\b", ("aws-trn2",)),
    (r"Trainium(?!\s*2)|\bTrn1\b", ("aws-trn1",)),
    (r"Inferentia\s*2|\bInf2\b", ("aws-inf2",)),
)
# Narrowing by what the name says: memory size and form factor (applied only when it leaves some ids).
QUALIFIERS: tuple[tuple[str, str], ...] = (
    (r"(?<!\d)40\s*GB?\b", "40gb"),
    (r"(?<!\d)80\s*GB?\b", "80gb"),
    (r"SXM", "sxm"),
    (r"PCIe", "pcie"),
)
# Names that say only the vendor; vendor names as the catalog writes them (Entry.vendor).
VENDOR_WORDS: tuple[tuple[str, str], ...] = (
    (r"NVIDIA", "NVIDIA"),
    (r"\bAMD\b|Instinct", "AMD"),
    (r"Ascend|Atlas|Huawei|\bNPU\b", "Huawei"),
    (r"Gaudi|Habana", "Intel"),
    (r"TPU", "Google"),
    (r"Apple", "Apple"),
    (r"Tecorigin|SDAA", "Tecorigin"),
    (r"Trainium|Inferentia", "AWS"),
)
NOT_ACCELERATORS = re.compile(r"Xeon|\bCPU\b", re.I)
# Lower-case vendor keys (a label's `vendor`, a catalog id's prefix) -> vendor names as the catalog writes them.
VENDOR_KEYS = {"nvidia": "NVIDIA", "amd": "AMD", "huawei": "Huawei", "intel": "Intel", "google": "Google",
               "apple": "Apple", "aws": "AWS"}
# How many documented accelerators must be consistent: a run or a target names hardware the code must all run
# on; a multi-backend repository is right when any of its backends is.
KIND_RULE = {"trained on": "all", "target platform": "all", "multi-backend": "any"}


@dataclass
class Documented:
    """One documented accelerator name and what it means in the catalog."""

    name: str
    vendor: str | None
    ids: list[str]  # in the catalog
    missing_ids: list[str] = field(default_factory=list)  # meant, but not in the catalog
    level: str = "parts"  # parts | vendor (a name that says only the vendor, or all parts missing) | none


@dataclass
class Catalog:
    """What scoring needs from the hardware catalog: every id with its vendor."""

    vendor_of: dict[str, str]

    @classmethod
    def installed(cls) -> "Catalog":
        from whackachip_lint.infer.catalog import load_catalog

        return cls({entry.id: entry.vendor for entry in load_catalog()})

    def ids_of_vendor(self, vendor: str) -> list[str]:
        return [i for i, v in self.vendor_of.items() if v == vendor]


def resolve_name(name: str, catalog: Catalog) -> Documented:
    if NOT_ACCELERATORS.search(name):
        return Documented(name, None, [], level="none")
    wanted: list[str] = []
    for pattern, ids in FAMILIES:
        if re.search(pattern, name):
            wanted += [i for i in ids if i not in wanted]
    for pattern, token in QUALIFIERS:
        if re.search(pattern, name, re.I):
            narrowed = [i for i in wanted if token in i]
            wanted = narrowed or wanted
    present = [i for i in wanted if i in catalog.vendor_of]
    missing = [i for i in wanted if i not in catalog.vendor_of]
    vendor = next((v for pattern, v in VENDOR_WORDS if re.search(pattern, name)), None)
    vendor = vendor or next((VENDOR_KEYS[i.split("-")[0]] for i in missing if i.split("-")[0] in VENDOR_KEYS), None)
    if present:
        return Documented(name, catalog.vendor_of[present[0]], present, missing)
    if vendor is None:
        return Documented(name, None, [], missing, level="none")
    if missing:  # a named part the catalog lacks: not scored unless nothing else is (see label_targets)
        return Documented(name, vendor, [], missing, level="missing")
    return Documented(name, vendor, catalog.ids_of_vendor(vendor), level="vendor")


def label_targets(label: dict[str, Any], catalog: Catalog) -> list[Documented]:
    """The documented accelerators of a label that can be scored against the catalog."""
    resolved = [resolve_name(name, catalog) for name in label["accelerators"]]
    scored = [d for d in resolved if d.level in ("parts", "vendor") and d.ids]
    if scored:
        return scored
    # Everything named is missing from the catalog: judge the vendor (e.g. TPU v3 against the catalog's TPUs).
    fallback = []
    for d in resolved:
        if d.vendor and catalog.ids_of_vendor(d.vendor) and not any(f.vendor == d.vendor for f in fallback):
            fallback.append(Documented(d.name, d.vendor, catalog.ids_of_vendor(d.vendor), d.missing_ids, "vendor"))
    return fallback


def documented_vendors(label: dict[str, Any], targets: Iterable[Documented]) -> list[str]:
    if label["vendor"] in VENDOR_KEYS:
        return [VENDOR_KEYS[label["vendor"]]]
    seen: list[str] = []
    for d in targets:
        if d.vendor and d.vendor not in seen:
            seen.append(d.vendor)
    return seen


# --- reading a report -----------------------------------------------------------------------------------------------

def candidate_statuses(report: dict[str, Any]) -> dict[str, str]:
    inference = report.get("inference") or {}
    return {c["id"]: c["status"] for c in inference.get("candidates", [])}


def vendor_statuses(report: dict[str, Any]) -> dict[str, str]:
    inference = report.get("inference") or {}
    return {v["name"]: v["status"] for v in inference.get("vendors", [])}


def _evidence_rules(report: dict[str, Any]) -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {}
    for finding in report.get("findings", []):
        where = f"{finding['path']}:{finding['line']}"
        if finding["rule"] not in rules.setdefault(where, []):
            rules[where].append(finding["rule"])
    return rules


def exclusion_reasons(report: dict[str, Any], candidate_id: str, limit: int = 5) -> list[dict[str, Any]]:
    """The reasons that exclude (or, failing those, disfavour) a candidate, each with `path:line` and rules."""
    inference = report.get("inference") or {}
    candidate = next((c for c in inference.get("candidates", []) if c["id"] == candidate_id), None)
    if candidate is None:
        return []
    rules = _evidence_rules(report)
    # A reason is written out in the candidate, or (compact reports) an id into the verdict's `reasons` table.
    table = inference.get("reasons") if isinstance(inference.get("reasons"), dict) else {}
    reasons = [r if isinstance(r, dict) else table.get(r) for r in candidate.get("reasons", [])]
    failing = [r for r in reasons if isinstance(r, dict) and r.get("result") == "fails"]
    hard = [r for r in failing if r.get("strength") == "hard"] or failing
    out = []
    for reason in hard:
        evidence = [e if isinstance(e, str) else f"{e['path']}:{e['line']}" for e in reason.get("evidence", [])]
        out.append({
            "constraint": reason.get("constraint"),
            "strength": reason.get("strength"),
            "evidence_count": reason.get("evidence_count", len(evidence)),
            "evidence": [{"where": e, "rules": rules.get(e, [])} for e in evidence[:limit]],
        })
    return out


# --- scoring --------------------------------------------------------------------------------------------------------

def best_status(ids: Iterable[str], statuses: dict[str, str]) -> str:
    found = [statuses[i] for i in ids if i in statuses]
    if not found:
        return "absent"
    return min(found, key=STATUS_ORDER.index)


def score(label: dict[str, Any], report: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The measures of one scan of one labelled repository (a pure function of the label and the JSON report)."""
    statuses = candidate_statuses(report)
    targets = label_targets(label, catalog)
    documented = []
    for d in targets:
        status = best_status(d.ids, statuses)
        entry = {"name": d.name, "vendor": d.vendor, "level": d.level, "ids": d.ids, "missing_ids": d.missing_ids,
                 "status": status}
        if status == "excluded" and d.level == "parts":
            entry["reasons"] = {i: exclusion_reasons(report, i) for i in d.ids}
        elif status == "excluded":
            entry["reasons"] = {d.ids[0]: exclusion_reasons(report, d.ids[0])}
        documented.append(entry)
    rule = KIND_RULE.get(label.get("kind", ""), "all")
    if label["vendor"] == "multi":
        rule = "any"
    consistent_flags = [d["status"] == "consistent" for d in documented]
    is_consistent = bool(consistent_flags) and (all(consistent_flags) if rule == "all" else any(consistent_flags))
    vendors = vendor_statuses(report)
    wanted = documented_vendors(label, targets)
    consistent_set = sorted(i for i, s in statuses.items() if s == "consistent")
    return {
        "documented": documented,
        "documented_excluded": [d["name"] for d in documented if d["status"] == "excluded"],
        "documented_consistent": is_consistent,
        "consistent_rule": rule,
        "consistent_names": sum(consistent_flags),
        "scored_names": len(documented),
        "vendor_status": {v: vendors.get(v, "absent") for v in wanted},
        "vendor_ok": any(vendors.get(v) == "likely" for v in wanted),
        "likely_vendors": [v for v, s in vendors.items() if s == "likely"],
        "consistent_set": consistent_set,
        "consistent_size": len(consistent_set),
        "catalog_size": len(catalog.vendor_of),
        "vendor_level_only": bool(targets) and all(d.level == "vendor" for d in targets),
        "insufficient_evidence": bool((report.get("inference") or {}).get("insufficient_evidence")),
        "conflicting_hard_evidence": bool((report.get("inference") or {}).get("conflicting_hard_evidence")),
    }


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals of the rows of one mode, with the Done-when criteria of issue 10."""
    scored = [r for r in rows if "error" not in r]
    if not scored:
        return {"repos": 0, "errors": len(rows)}
    catalog_size = scored[0]["catalog_size"]
    sizes = [r["consistent_size"] for r in scored]
    consistent = sum(r["documented_consistent"] for r in scored)
    median_size = statistics.median(sizes)
    result = {
        "repos": len(scored),
        "errors": len(rows) - len(scored),
        "documented_excluded": sum(bool(r["documented_excluded"]) for r in scored),
        "empty_consistent_set": sum(r["consistent_size"] == 0 for r in scored),
        "documented_consistent": consistent,
        "documented_consistent_fraction": consistent / len(scored),
        "vendor_likely": sum(r["vendor_ok"] for r in scored),
        "median_consistent_size": median_size,
        "median_consistent_fraction": median_size / catalog_size,
        # Empty sets pull the median down: this one says how narrow the verdict is where it says anything.
        "median_consistent_size_nonempty": statistics.median([s for s in sizes if s] or [0]),
        "catalog_size": catalog_size,
        "scan_seconds_total": sum(r.get("seconds", 0.0) for r in scored),
        "scan_seconds_median": statistics.median(r.get("seconds", 0.0) for r in scored),
    }
    result["done_when"] = {
        "documented hardware never excluded": result["documented_excluded"] == 0,
        "no empty consistent set": result["empty_consistent_set"] == 0,
        "documented hardware consistent for >= 90% of repos": result["documented_consistent_fraction"] >= 0.9,
        "median consistent set <= a third of the catalog": median_size <= catalog_size / 3,
    }
    return result


# --- scanning -------------------------------------------------------------------------------------------------------

MODES = {"code": ["--no-docs"], "default": []}


def run_scan(checkout: Path, mode: str, text: bool = True, keep: Path | None = None) -> dict[str, Any]:
    """Scan one checkout in one mode: the JSON report, the cold scan's seconds, and the report sizes.

    With `keep`, the reports are also saved there as `<checkout name>.<mode>.json` / `.txt`."""
    # Scanned from inside the checkout: findings' paths (relative to the current directory) and the verdict's
    # references (relative to the scanned root) are then the same strings.
    base = [sys.executable, "-m", "whackachip_lint", "scan", ".", "-j", "1", "--isolated", "--exit-zero",
            *MODES[mode]]
    with tempfile.TemporaryDirectory(prefix="wac-accuracy-") as tmp:
        out = Path(tmp) / "report.json"
        cache = ["--cache-dir", str(Path(tmp) / "cache")]
        start = time.perf_counter()
        done = subprocess.run([*base, *cache, "--format", "json", "-o", str(out)], capture_output=True, text=True,
                              cwd=checkout)
        seconds = time.perf_counter() - start
        if done.returncode != 0 or not out.exists():
            return {"error": f"exit {done.returncode}: {done.stderr.strip()[-500:]}", "seconds": seconds}
        raw = out.read_bytes()
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{checkout.name}.{mode}.json").write_bytes(raw)
        result: dict[str, Any] = {"report": json.loads(raw), "seconds": seconds, "json_bytes": len(raw)}
        if text:  # warm cache: measures the report, not the scan
            text_out = Path(tmp) / "report.txt"
            subprocess.run([*base, *cache, "--format", "text", "--no-color", "-o", str(text_out)], capture_output=True,
                           cwd=checkout)
            if text_out.exists():
                result.update(text_measures(text_out.read_text(encoding="utf-8", errors="replace")))
                if keep:
                    (keep / f"{checkout.name}.{mode}.txt").write_bytes(text_out.read_bytes())
        return result


# The heading the text reporter puts above the verdict (report/verdict_text.py); what follows is the verdict.
VERDICT_HEADING = "Hardware verdict"


def text_measures(text: str) -> dict[str, int]:
    """Sizes of a text report and of its verdict section (what a reader of the verdict has to get through)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(VERDICT_HEADING)), len(lines))
    verdict = lines[start:]
    return {
        "text_bytes": len(text.encode("utf-8")),
        "text_lines": len(lines),
        "text_longest_line": max((len(line) for line in lines), default=0),
        "verdict_lines": len(verdict),
        "verdict_bytes": sum(len(line.encode("utf-8")) + 1 for line in verdict),
    }


def checkout_dir(corpus: Path, repo: str) -> Path:
    return corpus / repo.replace("/", "+")


def measure(labels: list[dict[str, Any]], corpus: Path, modes: list[str], catalog: Catalog,
            text: bool = True, keep: Path | None = None, log=print) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    # Small checkouts first, so the first results come early; rows keep the labels' order.
    for label in sorted(labels, key=lambda label: _tree_size(checkout_dir(corpus, label["repo"]))):
        checkout = checkout_dir(corpus, label["repo"])
        for mode in modes:
            row: dict[str, Any] = {"repo": label["repo"], "vendor": label["vendor"], "kind": label.get("kind")}
            if not checkout.is_dir():
                row["error"] = f"no checkout at {checkout}"
            else:
                scanned = run_scan(checkout, mode, text, keep)
                report = scanned.pop("report", None)
                row.update(scanned)
                if report is not None:
                    row["files_scanned"] = report.get("files_scanned")
                    row["findings"] = len(report.get("findings", []))
                    row.update(score(label, report, catalog))
            results[mode].append(row)
            log(_progress(row, mode))
    order = [label["repo"] for label in labels]
    return {mode: sorted(rows, key=lambda row: order.index(row["repo"])) for mode, rows in results.items()}


def _tree_size(path: Path) -> int:
    return sum(1 for _ in path.rglob("*")) if path.is_dir() else 0


def _progress(row: dict[str, Any], mode: str) -> str:
    if "error" in row:
        return f"{row['repo']} [{mode}]: ERROR {row['error']}"
    return (f"{row['repo']} [{mode}]: excluded={row['documented_excluded'] or '-'} "
            f"consistent={row['documented_consistent']} vendor={row['vendor_status']} "
            f"set={row['consistent_size']}/{row['catalog_size']} {row['seconds']:.1f}s")


# --- output ---------------------------------------------------------------------------------------------------------

MODE_TITLES = {"code": "Code only (`--no-docs`)", "default": "Default (docs read)"}


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "**no**"


def markdown(results: dict[str, list[dict[str, Any]]]) -> str:
    parts = []
    for mode, rows in results.items():
        parts += [f"### {MODE_TITLES.get(mode, mode)}", "",
                  "| Repository | Documented | Excluded documented | Documented consistent | Documented vendor "
                  "| Consistent set | Scan s | Text verdict |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            if "error" in r:
                parts.append(f"| {r['repo']} | {r['vendor']} | error: {r['error'][:80]} | | | | | |")
                continue
            excluded = ", ".join(f"**{n}**" for n in r["documented_excluded"]) or "none"
            consistent = f"{_yes_no(r['documented_consistent'])} ({r['consistent_names']}/{r['scored_names']}" \
                         f"{', any' if r['consistent_rule'] == 'any' else ''}" \
                         f"{', vendor level' if r['vendor_level_only'] else ''})"
            vendor = ", ".join(f"{v} {s}" if s == "likely" else f"{v} **{s}**" for v, s in r["vendor_status"].items())
            others = [v for v in r["likely_vendors"] if v not in r["vendor_status"]]
            if others:
                vendor += f" (also likely: {', '.join(others)})"
            size = f"{r['consistent_size']} ({r['consistent_size'] / r['catalog_size']:.0%})"
            text = (f"{r['verdict_lines']} lines, {r['verdict_bytes'] / 1024:.0f} KiB, longest line "
                    f"{r['text_longest_line']:,}" if "verdict_lines" in r else "")
            parts.append(f"| {r['repo']} | {r['vendor']} | {excluded} | {consistent} | {vendor} | {size} "
                         f"| {r['seconds']:.1f} | {text} |")
        t = totals(rows)
        if t.get("repos"):
            parts += ["", f"Totals ({t['repos']} repositories, {t['errors']} errors): documented hardware excluded in "
                      f"{t['documented_excluded']}; empty consistent set in {t['empty_consistent_set']}; documented "
                      f"hardware consistent in {t['documented_consistent']} "
                      f"({t['documented_consistent_fraction']:.0%}); documented vendor likely in {t['vendor_likely']}; "
                      f"median consistent set {t['median_consistent_size']:g} of {t['catalog_size']} "
                      f"({t['median_consistent_fraction']:.0%}; {t['median_consistent_size_nonempty']:g} among non-empty "
                      f"sets); scan time {t['scan_seconds_total']:.0f} s in total, "
                      f"median {t['scan_seconds_median']:.1f} s.", ""]
            parts += [f"- [{'x' if ok else ' '}] {name}" for name, ok in t["done_when"].items()]
        parts.append("")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help=f"labels file (default {DEFAULT_LABELS})")
    parser.add_argument("--corpus", type=Path, help="directory of <owner>+<name> checkouts")
    parser.add_argument("--from-json", type=Path, help="render the tables of an earlier --json output; no scan")
    parser.add_argument("--modes", default="code,default", help="comma-separated: code, default")
    parser.add_argument("--only", action="append", default=[], help="only this owner/name (repeatable)")
    parser.add_argument("--json", type=Path, help="write the full results (JSON) here")
    parser.add_argument("--markdown", type=Path, help="write the Markdown tables here")
    parser.add_argument("--no-text", action="store_true", help="skip the text-report run")
    parser.add_argument("--reports", type=Path, help="also save every JSON and text report in this directory")
    args = parser.parse_args(argv)

    if args.from_json:
        print(markdown(json.loads(args.from_json.read_text(encoding="utf-8"))["results"]))
        return 0
    if not args.corpus:
        parser.error("--corpus is required (or --from-json)")
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)} (choose from {', '.join(MODES)})")
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    if args.only:
        labels = [label for label in labels if label["repo"] in args.only]
    catalog = Catalog.installed()
    results = measure(labels, args.corpus, modes, catalog, text=not args.no_text, keep=args.reports,
                      log=lambda line: print(line, file=sys.stderr, flush=True))
    table = markdown(results)
    if args.json:
        summary = {mode: totals(rows) for mode, rows in results.items()}
        args.json.write_text(json.dumps({"results": results, "totals": summary}, indent=1) + "\n")
    if args.markdown:
        args.markdown.write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
