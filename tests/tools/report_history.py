"""The synthetic month for linkwatch_report_test: a small tree, its outages, and the ground truth.

Ground truth is a state per site per minute, built from the outages below by walking the tree
(a site behind a down site is `unreachable`, its root the highest down site above it), the
same rule as daemon/state/reachability. The history is written as OpenMetrics for
`promtool tsdb create-blocks-from openmetrics`.

Samples: one at every change and otherwise every KEEPALIVE minutes; the test's Prometheus
runs with a lookback delta longer than that (LOOKBACK), so a query at any minute sees that
minute's state while the file stays small (promtool 2.42 reads the whole file once for each
2-hour block it writes: a sample every minute made the import take minutes). No series
disappears mid-history (a stopped series would linger a lookback in queries: a backfill has
no staleness markers), so root causes and maintenance are 0/1 throughout, as a real scrape
of linkwatchd would look once staleness is applied.
"""

import datetime as dt

TZ = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh: no DST
MONTH = (2026, 10)
PERIOD_START = dt.datetime(2026, 10, 1, tzinfo=TZ)
PERIOD_END = dt.datetime(2026, 11, 1, tzinfo=TZ)
# The history runs past both ends so clipping at the period's edges is tested.
DATA_START = dt.datetime(2026, 9, 30, 20, 0, tzinfo=TZ)
DATA_END = dt.datetime(2026, 11, 1, 4, 0, tzinfo=TZ)

KS = "Huyện Kỳ Sơn"
VINH = "Thành phố Vinh"
# name, parent, district, commune, role, terrain, power, lifecycle, admin 2011, admin 2025
SITES = [
    ("core", None, "Tỉnh Nghệ An", "", "province_core", "urban", "grid", "live",
     ("Phường Hưng Bình", "phuong", VINH), ("Phường Thành Vinh", "phuong", "Tỉnh Nghệ An")),
    ("ky-son-wan", "core", KS, "", "wan_link", "high-mountain", "grid", "live",
     ("Thị trấn Mường Xén", "thi_tran", KS), ("Xã Mường Xén", "xa", "Tỉnh Nghệ An")),
    ("ky-son-gw", "ky-son-wan", KS, "Thị trấn Mường Xén", "district_gateway", "high-mountain",
     "grid", "live",
     ("Thị trấn Mường Xén", "thi_tran", KS), ("Xã Mường Xén", "xa", "Tỉnh Nghệ An")),
    ("ky-son-c1", "ky-son-gw", KS, "Xã Mường Lống", "commune_site", "mountain", "solar", "live",
     ("Xã Mường Lống", "xa", KS), ("Xã Na Ngoi", "xa", "Tỉnh Nghệ An")),
    ("ky-son-c2", "ky-son-gw", KS, "Xã Na Ngoi", "commune_site", "mountain", "grid", "live",
     ("Xã Na Ngoi", "xa", KS), ("Xã Na Ngoi", "xa", "Tỉnh Nghệ An")),
    ("ky-son-bts", "ky-son-c2", KS, "Xã Na Ngoi", "bts_backhaul", "mountain", "battery", "live",
     ("Xã Na Ngoi", "xa", KS), ("Xã Na Ngoi", "xa", "Tỉnh Nghệ An")),
    ("vinh-wan", "core", VINH, "", "wan_link", "urban", "grid", "live",
     ("Phường Hưng Bình", "phuong", VINH), ("Phường Thành Vinh", "phuong", "Tỉnh Nghệ An")),
    ("vinh-c1", "vinh-wan", VINH, "Phường Hưng Bình", "commune_site", "urban", "grid", "live",
     ("Phường Hưng Bình", "phuong", VINH), ("Phường Thành Vinh", "phuong", "Tỉnh Nghệ An")),
    ("vinh-c2", "vinh-wan", VINH, "Xã Hưng Đông", "commune_site", "plain", "grid", "live",
     ("Xã Hưng Đông", "xa", VINH), ("Phường Vinh Hưng", "phuong", "Tỉnh Nghệ An")),
    ("ky-son-p1", "ky-son-gw", KS, "Xã Bắc Lý", "commune_site", "high-mountain", "solar", "planned",
     ("Xã Bắc Lý", "xa", KS), ("Xã Bắc Lý", "xa", "Tỉnh Nghệ An")),
    ("vinh-p1", "vinh-wan", VINH, "Xã Hưng Đông", "commune_site", "plain", "grid", "planned",
     ("Xã Hưng Đông", "xa", VINH), ("Phường Vinh Hưng", "phuong", "Tỉnh Nghệ An")),
]


def t(day, hh, mm=0, month=10):
    return dt.datetime(2026, month, day, hh, mm, tzinfo=TZ)


# (site, state, from, to): the site's own state over [from, to); `down` or `unknown`.
OUTAGES = [
    ("ky-son-c2", "down", dt.datetime(2026, 9, 30, 23, 30, tzinfo=TZ), t(1, 0, 30)),  # clipped: 30 min
    ("ky-son-wan", "down", t(3, 10), t(3, 13)),        # 180 min; 4 sites unreachable behind it
    ("ky-son-c1", "down", t(7, 8), t(7, 8, 45)),       # 45 min local
    ("ky-son-bts", "down", t(8, 10), t(8, 11)),        # 60 min; its commune keeps ky-son-c2
    ("vinh-c1", "unknown", t(10, 9), t(10, 9, 20)),    # 20 min not polled: left out
    ("ky-son-gw", "down", t(12, 2), t(12, 4, 30)),     # inside its maintenance window
    ("vinh-c2", "down", t(18, 2, 30), t(18, 3)),       # Sunday window
    ("vinh-c2", "down", t(18, 3, 30), t(18, 4, 30)),   # 30 min in the window, 30 after
    ("ky-son-c1", "down", t(20, 14), t(20, 16)),       # 120 min local
    ("core", "down", t(25, 3), t(25, 3, 10)),          # 10 min, everything behind it (a Sunday)
    ("vinh-wan", "down", t(31, 23), t(1, 1, month=11)),  # 60 min inside; not restored in the period
]

# (window, site, [(from, to)]): linkwatch_maintenance{target, window}
SUNDAYS = [d for d in range(1, 32) if dt.date(2026, 10, d).weekday() == 6]
MAINTENANCE = [
    ("ky-son-power-works", "ky-son-gw", [(t(12, 1), t(12, 5))]),
    ("sunday-window", "vinh-c2", [(t(d, 2), t(d, 4)) for d in SUNDAYS]),
]

ADMIN_VERSIONS = [("2011", "2011-01-01", "false"), ("2025", "2025-07-01", "true")]


KEEPALIVE = 360          # minutes between samples of an unchanged series
LOOKBACK = "7h"          # --query.lookback-delta for the test's Prometheus


def minute(d):
    return int(d.timestamp()) // 60


def truth():
    """(first minute, {site: [state per minute]}, {site: [root per minute or None]},
    {site: [in maintenance per minute]}) over the whole history."""
    m0, m1 = minute(DATA_START), minute(DATA_END)
    n = m1 - m0
    live = [s for s in SITES if s[7] == "live"]
    parent = {s[0]: s[1] for s in live}
    own = {s[0]: ["up"] * n for s in live}
    for site, state, a, b in OUTAGES:
        for m in range(max(minute(a), m0), min(minute(b), m1)):
            own[site][m - m0] = state
    maint = {s[0]: [False] * n for s in live}
    for _, site, spans in MAINTENANCE:
        for a, b in spans:
            for m in range(max(minute(a), m0), min(minute(b), m1)):
                maint[site][m - m0] = True

    def chain(name):  # ancestors, the highest first
        out = []
        p = parent[name]
        while p:
            out.insert(0, p)
            p = parent[p]
        return out

    chains = {name: chain(name) for name in own}
    state = {name: [None] * n for name in own}
    root = {name: [None] * n for name in own}
    for name in own:
        for i in range(n):
            r = next((a for a in chains[name] if own[a][i] == "down"), None)
            if r is not None:
                state[name][i], root[name][i] = "unreachable", r
            else:
                state[name][i] = own[name][i]
    return m0, state, root, maint


def _labels(**kv):
    return "{" + ",".join(f'{k}="{v}"' for k, v in kv.items()) + "}"


def _series(out, name, labels, values, m0):
    """Samples at each change and every KEEPALIVE minutes."""
    prev = None
    for i, v in enumerate(values):
        if v != prev or i % KEEPALIVE == 0 or i == len(values) - 1:
            out.append(f"{name}{labels} {v} {(m0 + i) * 60}\n")
        prev = v


def openmetrics(path):
    m0, state, root, maint = truth()
    n = len(next(iter(state.values())))
    out = []
    out.append("# TYPE linkwatch_target_state gauge\n")
    for name, states in state.items():
        s = next(x for x in SITES if x[0] == name)
        for st in ("up", "down", "unreachable", "unknown"):
            _series(out, "linkwatch_target_state",
                    _labels(target=name, district=s[2], role=s[4], state=st),
                    [1 if x == st else 0 for x in states], m0)
    out.append("# TYPE linkwatch_target_root_cause gauge\n")
    for name, roots in root.items():
        for r in sorted({x for x in roots if x}):
            _series(out, "linkwatch_target_root_cause", _labels(target=name, root=r),
                    [1 if x == r else 0 for x in roots], m0)
    out.append("# TYPE linkwatch_maintenance gauge\n")
    for window, site, _ in MAINTENANCE:
        _series(out, "linkwatch_maintenance", _labels(target=site, window=window),
                [1 if x else 0 for x in maint[site]], m0)
    ones = [1] * n
    # As linkwatchd serves them: the placement in the version in force on site_info, the
    # others in site_admin_info.
    current = next(v for v, _, c in ADMIN_VERSIONS if c == "true")
    placements = [list(zip((v for v, _, _ in ADMIN_VERSIONS), (s[8], s[9]))) for s in SITES]
    out.append("# TYPE linkwatch_site_info gauge\n")
    for s, placed in zip(SITES, placements):
        unit, kind, parent = dict(placed)[current]
        _series(out, "linkwatch_site_info",
                _labels(target=s[0], district=s[2], district_slug=s[0].rsplit("-", 1)[0],
                        commune=s[3], role=s[4], terrain=s[5], uplink="fiber", power=s[6],
                        lifecycle=s[7], latitude="19.4", longitude="104.1",
                        admin_version=current, admin_unit=unit, admin_unit_kind=kind,
                        admin_parent=parent), ones, m0)
    out.append("# TYPE linkwatch_site_admin_info gauge\n")
    for s, placed in zip(SITES, placements):
        for version, (unit, kind, parent) in placed:
            if version != current:
                _series(out, "linkwatch_site_admin_info",
                        _labels(target=s[0], admin_version=version, admin_unit=unit,
                                admin_unit_kind=kind, admin_parent=parent), ones, m0)
    out.append("# TYPE linkwatch_admin_version_info gauge\n")
    for version, since, current in ADMIN_VERSIONS:
        _series(out, "linkwatch_admin_version_info",
                _labels(admin_version=version, effective_from=since, current=current), ones, m0)
    out.append("# EOF\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))
