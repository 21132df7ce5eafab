"""The report's tables, built from the computed figures.

Each table is a name (its CSV file), a title key, columns (key, kind) and rows of raw values;
kinds say how render.py writes them (`min` = grid points shown as minutes, `ratio`, `hours` =
commune-points shown as commune-hours). Pure functions; no I/O.
"""

from dataclasses import dataclass

import compute


@dataclass
class Table:
    name: str
    title: str
    columns: list   # [(key, kind)]
    rows: list      # [dict]
    note: str = ""


def _totals_cols():
    return [("sites", "int"), ("availability", "ratio"), ("local_min", "min"),
            ("upstream_min", "min"), ("maintenance_min", "min"), ("excluded_min", "min"),
            ("incidents", "int"), ("mttr_min", "min")]


def _totals_row(t):
    return {"sites": t.sites, "availability": t.availability, "local_min": t.local,
            "upstream_min": t.upstream, "maintenance_min": t.maint_down,
            "excluded_min": t.excluded, "incidents": t.incidents, "mttr_min": t.mttr_points}


def build(sites, versions, hist, period):
    live = [s for s in sites if s.lifecycle == "live"]
    figs = [compute.site_figures(s, hist) for s in sorted(live, key=lambda s: s.name)]
    wan = [f for f in figs if f.site.role in compute.WAN_ROLES]
    everything = compute.total(figs)
    comm = compute.communes(sites, hist)
    blast = compute.blast_radius(sites, hist)
    tables = []

    cut = [c for c in comm if c["points"] > 0]
    wan_total = compute.total(wan)
    summary = {"period_start": period["start"], "period_end": period["end"],
               "step_seconds": hist.step, "live_sites": len(live),
               "wan_availability": wan_total.availability, **_totals_row(everything),
               "communes_without_link": len(cut),
               "commune_hours_lost": sum(c["points"] - c["maint_points"] for c in cut
                                         if not c["planned_only"])}
    del summary["sites"]
    tables.append(Table("summary", "summary",
                        [("period_start", "text"), ("period_end", "text"), ("step_seconds", "int"),
                         ("live_sites", "int"), ("wan_availability", "ratio")]
                        + [c for c in _totals_cols() if c[0] != "sites"]
                        + [("communes_without_link", "int"), ("commune_hours_lost", "hours")],
                        [summary]))

    wan_by = compute.group(wan, lambda f: (f.site.district,))
    rows = []
    for (district,), t in compute.group(figs, lambda f: (f.site.district,)).items():
        w = wan_by.get((district,))
        rows.append({"district": district, "wan_sites": w.sites if w else 0,
                     "wan_availability": w.availability if w else None, **_totals_row(t)})
    tables.append(Table("regions", "regions",
                        [("district", "text"), ("wan_sites", "int"), ("wan_availability", "ratio")]
                        + _totals_cols(), rows))

    for v in versions:
        name = v["name"]
        rows = []
        for (parent, unit, kind), t in compute.group(
                figs, lambda f: f.site.admin.get(name) and
                (f.site.admin[name][2], f.site.admin[name][0], f.site.admin[name][1])).items():
            rows.append({"admin_version": name, "admin_parent": parent, "admin_unit": unit,
                         "admin_unit_kind": kind, **_totals_row(t)})
        tables.append(Table(f"admin_units_{_file_safe(name)}", "admin_units",
                            [("admin_version", "text"), ("admin_parent", "text"),
                             ("admin_unit", "text"), ("admin_unit_kind", "text")] + _totals_cols(),
                            rows, note=name + (" (current)" if v["current"] else "")))

    rows = []
    groups = [("", figs)] + [(d, [f for f in figs if f.site.district == d])
                             for d in sorted({f.site.district for f in figs})]
    for district, members in groups:
        row = {"district": district}
        for cls in ("highland", "lowland"):
            t = compute.total(f for f in members if f.site.terrain_class == cls)
            row.update({f"{cls}_sites": t.sites, f"{cls}_availability": t.availability,
                        f"{cls}_local_min": t.local, f"{cls}_upstream_min": t.upstream,
                        f"{cls}_incidents": t.incidents})
        rows.append(row)
    cols = [("district", "text")]
    for cls in ("highland", "lowland"):
        cols += [(f"{cls}_sites", "int"), (f"{cls}_availability", "ratio"),
                 (f"{cls}_local_min", "min"), (f"{cls}_upstream_min", "min"),
                 (f"{cls}_incidents", "int")]
    tables.append(Table("terrain", "terrain", cols, rows))

    rows = [{"district": c["district"], "commune": c["commune"], "live_sites": c["live_sites"],
             "planned_sites": c["planned_sites"], "without_link_min": c["points"],
             "maintenance_min": c["maint_points"], "outages": c["outages"],
             "longest_min": c["longest"], "planned_only": "yes" if c["planned_only"] else "no"}
            for c in sorted(cut, key=lambda c: (-c["points"], c["district"], c["commune"]))]
    tables.append(Table("communes_without_link", "communes",
                        [("district", "text"), ("commune", "text"), ("live_sites", "int"),
                         ("planned_sites", "int"), ("without_link_min", "min"),
                         ("maintenance_min", "min"), ("outages", "int"), ("longest_min", "min"),
                         ("planned_only", "yesno")], rows))

    current = next((v["name"] for v in versions if v["current"]), None)
    by_commune = {(c["district"], c["commune"]): c for c in comm}
    rows = []
    for s in sorted((s for s in sites if s.lifecycle == "planned"), key=lambda s: s.name):
        c = by_commune.get((s.district, s.commune))
        unit = s.admin.get(current, ("", "", "")) if current else ("", "", "")
        rows.append({"site": s.name, "district": s.district, "commune": s.commune,
                     "admin_unit": unit[0], "role": s.role, "terrain": s.terrain, "power": s.power,
                     "connects": "new_commune" if c is None or c["planned_only"] else "second_site",
                     "commune_without_link_min": c["points"] if c and not c["planned_only"] else None})
    tables.append(Table("planned_sites", "planned",
                        [("site", "text"), ("district", "text"), ("commune", "text"),
                         ("admin_unit", "text"), ("role", "text"), ("terrain", "text"),
                         ("power", "text"), ("connects", "connects"),
                         ("commune_without_link_min", "min")], rows, note=current or ""))

    by_name = {s.name: s for s in sites}
    fig_by = {f.site.name: f for f in figs}
    ranked = sorted(blast.items(), key=lambda kv: (-kv[1]["points"], kv[0]))[:10]
    rows = []
    for rank, (name, b) in enumerate(ranked, 1):
        s = by_name.get(name, compute.Site(name=name))
        f = fig_by.get(name)
        rows.append({"rank": rank, "site": name, "district": s.district, "role": s.role,
                     "commune_hours": b["points"], "max_communes_cut": b["max_communes"],
                     "incidents": f.incidents if f else None, "local_min": f.local if f else None})
    tables.append(Table("blast_radius_top10", "blast",
                        [("rank", "int"), ("site", "text"), ("district", "text"), ("role", "text"),
                         ("commune_hours", "hours"), ("max_communes_cut", "int"),
                         ("incidents", "int"), ("local_min", "min")], rows))

    rows = [{"site": f.site.name, "district": f.site.district, "commune": f.site.commune,
             "role": f.site.role, "terrain": f.site.terrain, "observed_min": f.observed,
             "availability": compute.total([f]).availability, "local_min": f.local,
             "upstream_min": f.upstream, "maintenance_min": f.maint_down,
             "excluded_min": f.excluded, "incidents": f.incidents,
             "mttr_min": f.restore_points / f.restored if f.restored else None} for f in figs]
    tables.append(Table("sites", "sites",
                        [("site", "text"), ("district", "text"), ("commune", "text"),
                         ("role", "text"), ("terrain", "text"), ("observed_min", "min"),
                         ("availability", "ratio"), ("local_min", "min"), ("upstream_min", "min"),
                         ("maintenance_min", "min"), ("excluded_min", "min"),
                         ("incidents", "int"), ("mttr_min", "min")], rows))
    return tables


def _file_safe(name):
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "unnamed"
