"""The report's figures, computed from a site inventory and a sampled history.

Pure functions: no I/O, no clock. The history is a grid of `count` points, one every `step`
seconds from the period's start; point i stands for [start + i*step, start + (i+1)*step).
Every figure is a number of grid points (minutes = points * step / 60) or a ratio of them,
so a test can recompute each one from the outages it wrote. docs/reports.md states the rules.
"""

from dataclasses import dataclass, field

HIGHLAND = {"mountain", "high-mountain"}
WAN_ROLES = {"wan_link", "district_gateway"}


@dataclass
class Site:
    name: str
    district: str = ""
    commune: str = ""
    role: str = ""
    terrain: str = ""
    power: str = ""
    lifecycle: str = "live"
    # admin version name -> (unit, unit kind, parent unit)
    admin: dict = field(default_factory=dict)

    @property
    def terrain_class(self):
        return "highland" if self.terrain in HIGHLAND else "lowland"


@dataclass
class History:
    count: int          # grid points in the period
    step: int           # seconds per point
    down: dict = field(default_factory=dict)         # site -> set of points `down`
    unreachable: dict = field(default_factory=dict)  # site -> set of points `unreachable`
    unknown: dict = field(default_factory=dict)      # site -> set of points `unknown`
    roots: dict = field(default_factory=dict)        # site -> {point: set of root causes}
    maintenance: dict = field(default_factory=dict)  # site -> set of points inside a window
    observed: dict = field(default_factory=dict)     # site -> points with a known state


@dataclass
class SiteFigures:
    """Grid points of one site; see docs/reports.md for each definition."""
    site: Site
    observed: int = 0    # points with state up, down or unreachable
    excluded: int = 0    # observed points left out for maintenance
    local: int = 0       # down, not maintenance
    upstream: int = 0    # unreachable, not maintenance
    maint_down: int = 0  # down or unreachable, in maintenance
    incidents: int = 0   # runs of local downtime
    restored: int = 0    # of which ended inside the period
    restore_points: int = 0  # total length of the restored ones

    @property
    def counted(self):
        return self.observed - self.excluded

    @property
    def up(self):
        return self.counted - self.local - self.upstream


def excluded_points(name, hist):
    """Points at which `name` is in maintenance, or unreachable only behind sites that are."""
    own = hist.maintenance.get(name, set())
    out = set(own)
    for i, roots in hist.roots.get(name, {}).items():
        if i in hist.unreachable.get(name, set()) and roots and \
                all(i in hist.maintenance.get(r, ()) for r in roots):
            out.add(i)
    return out - hist.unknown.get(name, set())


def runs(points):
    """Maximal runs of consecutive points, as (first, length), in order."""
    out = []
    for i in sorted(points):
        if out and out[-1][0] + out[-1][1] == i:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((i, 1))
    return out


def site_figures(site, hist):
    f = SiteFigures(site)
    name = site.name
    down = hist.down.get(name, set())
    unreach = hist.unreachable.get(name, set())
    excl = excluded_points(name, hist)
    f.observed = hist.observed.get(name, 0)
    f.excluded = len(excl)
    local = down - excl
    f.local = len(local)
    f.upstream = len(unreach - excl)
    f.maint_down = len((down | unreach) & excl)
    for first, length in runs(local):
        f.incidents += 1
        if first + length < hist.count:  # the site answered again inside the period
            f.restored += 1
            f.restore_points += length
    return f


@dataclass
class Totals:
    """Figures of a group of sites, pooled (sums of points, ratios of sums)."""
    sites: int = 0
    observed: int = 0
    excluded: int = 0
    local: int = 0
    upstream: int = 0
    maint_down: int = 0
    incidents: int = 0
    restored: int = 0
    restore_points: int = 0
    up: int = 0

    def add(self, f):
        self.sites += 1
        for k in ("observed", "excluded", "local", "upstream", "maint_down", "incidents",
                  "restored", "restore_points", "up"):
            setattr(self, k, getattr(self, k) + getattr(f, k))
        return self

    @property
    def counted(self):
        return self.observed - self.excluded

    @property
    def availability(self):
        return self.up / self.counted if self.counted > 0 else None

    @property
    def mttr_points(self):
        return self.restore_points / self.restored if self.restored else None


def total(figures):
    t = Totals()
    for f in figures:
        t.add(f)
    return t


def group(figures, key):
    """{key(f): Totals} in key order; key returning None leaves a site out."""
    out = {}
    for f in figures:
        k = key(f)
        if k is not None:
            out.setdefault(k, Totals()).add(f)
    return dict(sorted(out.items(), key=lambda kv: tuple(str(x) for x in kv[0])))


def communes(sites, hist):
    """Per (district, commune) with a live or planned site: points without a live link.

    A commune is without a live link at a point when none of its live sites is up and at
    least one is down or unreachable (points with no data are not counted). The part in
    maintenance: every one of its not-up sites was in maintenance (or behind one)."""
    by = {}
    for s in sites:
        if s.commune and s.lifecycle in ("live", "planned"):
            by.setdefault((s.district, s.commune), []).append(s)
    out = []
    for (district, commune), members in sorted(by.items()):
        live = [s for s in members if s.lifecycle == "live"]
        planned = [s for s in members if s.lifecycle == "planned"]
        row = {"district": district, "commune": commune, "live_sites": len(live),
               "planned_sites": len(planned), "points": 0, "maint_points": 0,
               "outages": 0, "longest": 0, "planned_only": not live}
        if not live:
            row["points"] = hist.count
            row["outages"] = 1
            row["longest"] = hist.count
            out.append(row)
            continue
        not_up = None
        failed = set()
        for s in live:
            bad = hist.down.get(s.name, set()) | hist.unreachable.get(s.name, set())
            failed |= bad
            nu = bad | hist.unknown.get(s.name, set())
            not_up = nu if not_up is None else not_up & nu
        cut = not_up & failed
        excl = {s.name: excluded_points(s.name, hist) for s in live}
        maint = {i for i in cut
                 if all(i in excl[s.name] or i in hist.unknown.get(s.name, set()) for s in live)}
        rs = runs(cut)
        row.update(points=len(cut), maint_points=len(maint), outages=len(rs),
                   longest=max((n for _, n in rs), default=0))
        out.append(row)
    return out


def blast_radius(sites, hist):
    """{site: {"points": commune-points, "max_communes": n}}: whose failures cut communes.

    At each point, each commune without a live link outside maintenance is charged to the
    failed sites that explain it: its own live sites that are down, and the root causes of
    those that are unreachable; with several, each gets an equal share."""
    by = {}
    for s in sites:
        if s.commune and s.lifecycle == "live":
            by.setdefault((s.district, s.commune), []).append(s)
    excl = {s.name: excluded_points(s.name, hist) for ms in by.values() for s in ms}
    cost = {}
    per_point = {}  # (site, point) -> communes charged
    for members in by.values():
        not_up = None
        for s in members:
            nu = hist.down.get(s.name, set()) | hist.unreachable.get(s.name, set()) | \
                hist.unknown.get(s.name, set())
            not_up = nu if not_up is None else not_up & nu
        for i in sorted(not_up):
            causes = set()
            for s in members:
                if i in excl[s.name]:
                    continue
                if i in hist.down.get(s.name, ()):
                    causes.add(s.name)
                elif i in hist.unreachable.get(s.name, ()):
                    causes |= hist.roots.get(s.name, {}).get(i, set())
            for c in causes:
                cost[c] = cost.get(c, 0.0) + 1.0 / len(causes)
                per_point[(c, i)] = per_point.get((c, i), 0) + 1
    worst = {}
    for (c, _), n in per_point.items():
        worst[c] = max(worst.get(c, 0), n)
    return {c: {"points": p, "max_communes": worst.get(c, 0)} for c, p in cost.items()}

