"""Reads a period's inventory and history from a Prometheus-compatible API.

The queries are the metric contract of docs/metrics.md: linkwatch_site_info,
linkwatch_site_admin_info, linkwatch_admin_version_info, linkwatch_target_state,
linkwatch_target_root_cause and linkwatch_maintenance. Only the points where a site is not up
are fetched point by point (sparse `== 1` queries); the count of points with a known state is
a subquery per chunk, so a month of a healthy province is a few small answers.
Raises prom.QueryError on a failed query. Not thread-safe.
"""

from compute import History, Site

STATE_QUERY = 'linkwatch_target_state{state=~"down|unreachable|unknown"} == 1'
ROOT_QUERY = "linkwatch_target_root_cause == 1"
MAINT_QUERY = "max by (target) (linkwatch_maintenance) == 1"
# max by (target): 1 when one of up/down/unreachable is 1, whether the daemon exports the whole
# one-hot set or only the series at 1.
OBSERVED_QUERY = ('count_over_time((max by (target) '
                  '(linkwatch_target_state{{state=~"up|down|unreachable"}}) == 1)[{range}s:{step}s])')


# Info series are read at hourly points (coarser for periods over a year) and at the period's
# last point: a month of the province's linkwatch_site_info read whole by last_over_time would
# load every scrape of it, far beyond Prometheus's --query.max-samples. A site seen at none of
# these points is left out.
INFO_STEP = 3600
MAX_INFO_POINTS = 10_000


def seen(api, query, start, step, count):
    """[labels] of the series of `query` seen at the hourly points of the period and at its
    last point, latest first seen last (a site whose labels changed keeps its last ones)."""
    last = start + (count - 1) * step
    latest = {}
    every = max(INFO_STEP, -(-(count * step) // MAX_INFO_POINTS))  # long periods: coarser
    for labels, values in api.range(query, start, last, every):
        latest[tuple(sorted(labels.items()))] = (values[-1][0], labels)
    for labels, _ in api.instant(query, last):
        latest[tuple(sorted(labels.items()))] = (last, labels)
    return [labels for _, labels in sorted(latest.values(), key=lambda x: x[0])]


def inventory(api, start, step, count):
    """Sites seen in linkwatch_site_info during the period, with their admin placements."""
    sites = {}
    info = seen(api, "linkwatch_site_info", start, step, count)
    for labels in info:
        name = labels.get("target", "")
        if not name:
            continue
        sites[name] = Site(name=name, district=labels.get("district", ""),
                           commune=labels.get("commune", ""), role=labels.get("role", ""),
                           terrain=labels.get("terrain", ""), power=labels.get("power", ""),
                           lifecycle=labels.get("lifecycle", "live") or "live")
    # The placement in the version in force is on site_info, the others on site_admin_info;
    # a period across a change of version sees a version in both, the latest label set wins.
    for labels in info + seen(api, "linkwatch_site_admin_info", start, step, count):
        s = sites.get(labels.get("target", ""))
        if s is not None and labels.get("admin_version"):
            s.admin[labels["admin_version"]] = (labels.get("admin_unit", ""),
                                                labels.get("admin_unit_kind", ""),
                                                labels.get("admin_parent", ""))
    versions = []
    versions_seen = {}
    for labels in seen(api, "linkwatch_admin_version_info", start, step, count):
        versions_seen[labels.get("admin_version", "")] = labels  # the latest label set wins
    for labels in versions_seen.values():
        if labels.get("admin_version"):
            versions.append({"name": labels["admin_version"],
                             "effective_from": labels.get("effective_from", ""),
                             "current": labels.get("current", "").lower() in ("1", "true", "yes")})
    # Versions named by sites but missing from linkwatch_admin_version_info still get a table.
    named = {v["name"] for v in versions}
    for s in sites.values():
        for v in s.admin:
            if v not in named:
                named.add(v)
                versions.append({"name": v, "effective_from": "", "current": False})
    versions.sort(key=lambda v: (v["effective_from"], v["name"]))
    if versions and not any(v["current"] for v in versions):
        versions[-1]["current"] = True  # the latest one in force
    return list(sites.values()), versions


def history(api, start, step, count):
    hist = History(count=count, step=step)
    for labels, points in api.grid(STATE_QUERY, start, step, count).values():
        target, state = labels.get("target", ""), labels.get("state", "")
        bucket = {"down": hist.down, "unreachable": hist.unreachable, "unknown": hist.unknown}[state]
        bucket.setdefault(target, set()).update(points)
    for labels, points in api.grid(ROOT_QUERY, start, step, count).values():
        target, root = labels.get("target", ""), labels.get("root", "")
        by_point = hist.roots.setdefault(target, {})
        for i in points:
            by_point.setdefault(i, set()).add(root)
    for labels, points in api.grid(MAINT_QUERY, start, step, count).values():
        hist.maintenance.setdefault(labels.get("target", ""), set()).update(points)
    for first, n in api.chunks(start, step, count):
        query = OBSERVED_QUERY.format(range=n * step - 1, step=step)
        for labels, value in api.instant(query, start + (first + n - 1) * step):
            t = labels.get("target", "")
            hist.observed[t] = hist.observed.get(t, 0) + int(round(value))
    return hist
