"""`wac-lint hardware`: the catalog as a table, or one entry with its export-control view and sources."""

from __future__ import annotations

import json

from ..infer.catalog import Catalog, Entry
from ..infer.export_control import export_control_for


def _target(entry: Entry) -> str:
    return entry["compute_capability"] or entry.gfx_target or "-"


def _flags(entry: Entry) -> str:
    marks = {True: "Y", False: "N", None: "?"}
    return "/".join(marks[entry[k]] for k in ("supports_bf16", "supports_tf32", "supports_fp8", "supports_fp4"))


def render_catalog(catalog: Catalog, output_format: str = "text") -> str:
    if output_format == "json":
        # The same key names as one entry's JSON (`wac-lint hardware ID --format json`).
        rows = [{"id": e.id, "name": e.name, "vendor": e.vendor, "microarchitecture": e.microarchitecture,
                 "plugin": e["plugin"],
                 "compute_capability": e["compute_capability"], "amd_gfx_target": e.gfx_target,
                 "segment": e["segment"], "device_class": e.device_class, "export_control": export_control_for(e)}
                for e in catalog]
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    header = f"{'ID':<22} {'VENDOR':<7} {'ARCH':<22} {'CC/GFX':<7} {'CLASS':<11} {'BF16/TF32/FP8/FP4':<18} " \
             f"{'TPP':>7} {'3A090 (Oct 2023)':<16} CHINA"
    lines = [header]
    for e in catalog:
        view = export_control_for(e)
        tpp = f"{view['tpp']:g}" if view["tpp"] is not None else "?"
        lines.append(
            f"{e.id:<22} {e.vendor:<7} {(e.microarchitecture or '?')[:22]:<22} {_target(e):<7} {e.device_class:<11} "
            f"{_flags(e):<18} {tpp:>7} {view['eccn_3a090'] or 'unknown':<16} {'yes' if view['china_variant'] else ''}"
            + (f" [plugin {e['plugin']}]" if e["plugin"] else "")
        )
    lines.append(f"\n{len(catalog)} entries; `wac-lint hardware ID` shows one with its sources. {catalog.source}")
    return "\n".join(lines) + "\n"


def render_entry(entry: Entry, output_format: str = "text") -> str:
    view = export_control_for(entry)
    if output_format == "json":
        data = {**entry.to_dict(), "plugin": entry["plugin"], "device_class": entry.device_class,
                "export_control": view}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    memory = ", ".join(f"{m.get('size_gb')} GB {m.get('type')}" for m in entry["memory_options"] or []) or \
        (entry["memory_type"] or "?")
    gdr = entry["gpudirect_rdma"]
    rows = [
        ("Vendor", entry.vendor),
        ("Micro-architecture", f"{entry.microarchitecture} ({entry['chip'] or '?'})"),
        ("Compute capability / gfx", _target(entry)),
        ("Segment", f"{entry['segment']} (class: {entry.device_class})"),
        ("Memory", f"{memory}; {entry['memory_bandwidth_gbs'] or '?'} GB/s"),
        ("bf16/tf32/fp8/fp4", _flags(entry)),
        ("GPUDirect RDMA", gdr.get("status") if isinstance(gdr, dict) else "unknown"),
        ("Interconnect", entry["interconnect"] or "?"),
        ("TPP", view["tpp"] if view["tpp"] is not None else "unknown"),
        ("Performance density", view["performance_density"] if view["performance_density"] is not None else "unknown"),
        ("3A090 (Oct 2023 rule)", f"{view['eccn_3a090'] or 'unknown'} ({view['eccn_basis']})"),
        ("Catalog states", entry["eccn_3a090_oct2023"] or "-"),
        ("China-compliant variant", "yes" + (f" (of {entry['china_variant_of']})" if entry["china_variant_of"] else "")
         if view["china_variant"] else "no"),
    ]
    if entry["plugin"]:
        rows.append(("Added by", f"plugin {entry['plugin']}"))
    lines = [f"{entry.id}: {entry.name}"] + [f"  {k + ':':<26} {v}" for k, v in rows]
    for title, items in (("Export-control notes", view["notes"]), ("Notes", entry["notes"] or []),
                         ("Unverified", entry["unverified"] or []), ("Sources", entry["sources"])):
        if items:
            lines.append(f"  {title}:")
            lines.extend(f"    - {item}" for item in items)
    return "\n".join(lines) + "\n"
