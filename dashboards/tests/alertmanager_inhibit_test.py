#!/usr/bin/env python3
"""Feeds alerts to a real Alertmanager running dashboards/alertmanager/alertmanager.yml.

Starts Debian's Alertmanager on a free loopback port (storage in a temp dir, clustering off),
posts a DistrictLinkDown and SiteDown/BackhaulDegraded alerts for the same district and
SiteDown for another district through API v2, then reads back /api/v2/alerts and
/api/v2/alerts/groups: the same district's site alerts must be inhibited by the district cut,
the other district's must not, and the cut must be one group. Then, for a scaled-out
deployment (docs/scale-out.md): a RegionCollectorSilent for one collector inhibits that
collector's other alerts and no other collector's. Alertmanager is always stopped.

Usage: alertmanager_inhibit_test.py <alertmanager.yml> [alertmanager binary]
Standard library only. Exit 0 on success, 1 on a failed check, 2 on a setup error.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from am_harness import alert, http, start, stop, wait_until  # noqa: E402

KY_SON = "Huyện Kỳ Sơn"
NGHI_LOC = "Huyện Nghi Lộc"


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    config = os.path.abspath(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/prometheus-alertmanager"
    failures = []

    def check(cond, msg):
        print(("ok   " if cond else "FAIL ") + msg)
        if not cond:
            failures.append(msg)

    with tempfile.TemporaryDirectory(prefix="lw-am-") as tmp:
        log_path = os.path.join(tmp, "alertmanager.log")
        log = open(log_path, "w")
        proc, base = start(binary, config, tmp, log)
        if proc is None:
            log.close()
            print(open(log_path).read())
            return 2
        try:
            alerts = [
                alert("DistrictLinkDown", "critical", KY_SON, "district_gateway", "ky-son-gw"),
                alert("SiteDown", "warning", KY_SON, "commune_site", "ky-son-01"),
                alert("SiteDown", "warning", KY_SON, "commune_site", "ky-son-02"),
                alert("BackhaulDegraded", "warning", KY_SON, "bts_backhaul", "ky-son-02-bts"),
                alert("SiteDown", "warning", NGHI_LOC, "commune_site", "nghi-loc-01"),
            ]
            status, _ = http("POST", base + "/api/v2/alerts", alerts)
            check(status == 200, f"POST /api/v2/alerts accepted ({status})")

            def all_alerts():
                _, got = http("GET", base + "/api/v2/alerts")
                by_target = {a["labels"]["target"]: a for a in got}
                if len(by_target) < len(alerts):
                    return None
                # Inhibition is decided as alerts arrive; wait until every state settled.
                if any(a["status"]["state"] == "unprocessed" for a in got):
                    return None
                return by_target
            got = wait_until("all alerts listed", all_alerts)

            # The API decides inhibition when it is asked, from the sources the inhibitor has
            # taken in so far, which it does on its own goroutine: a listing can come before
            # it has seen the district cut (a CI run failed so). Wait, boundedly, for the
            # sites to be inhibited; if they never are, the checks below say how they stand.
            cut_sites = ("ky-son-01", "ky-son-02", "ky-son-02-bts")
            last = [got]

            def inhibited():
                now = all_alerts()
                if now is None:
                    return None
                last[0] = now
                return now if all(now[t]["status"]["inhibitedBy"] for t in cut_sites) else None
            try:
                got = wait_until("the district cut to inhibit its sites", inhibited)
            except TimeoutError:
                got = last[0]

            for target in cut_sites:
                st = got[target]["status"]
                check(bool(st["inhibitedBy"]) and st["state"] == "suppressed",
                      f"{target} ({KY_SON}) inhibited by the district cut: {st}")
                check(got[target]["labels"]["district"] == KY_SON,
                      f"{target} district label kept its diacritics")
            for target in ("ky-son-gw", "nghi-loc-01"):
                st = got[target]["status"]
                check(not st["inhibitedBy"] and st["state"] == "active",
                      f"{target} not inhibited: {st}")

            _, groups = http("GET", base + "/api/v2/alerts/groups")
            cut = [g for g in groups
                   if g["labels"] == {"alertname": "DistrictLinkDown", "district": KY_SON}]
            # One group per receiver it routes to (critical, then on to the district's team),
            # each holding the one alert: one notification per receiver for the whole cut.
            receivers = sorted(g["receiver"]["name"] for g in cut)
            check(receivers == ["highland-field-team", "province-noc-critical"],
                  f"the cut routes to the critical and the highland receivers: {receivers}")
            check(all(len(g["alerts"]) == 1 for g in cut),
                  "each receiver gets the district cut as one group with one alert")
            _, active_groups = http("GET", base + "/api/v2/alerts/groups?inhibited=false")
            ky_son = [g for g in active_groups if g["labels"].get("district") == KY_SON]
            check(len(ky_son) >= 1 and all(g["labels"]["alertname"] == "DistrictLinkDown"
                                          for g in ky_son),
                  f"only the cut notifies for {KY_SON}: {[g['labels'] for g in ky_son]}")
            nghi = [g for g in active_groups
                    if g["labels"] == {"alertname": "SiteDown", "district": NGHI_LOC}]
            check(len(nghi) == 1 and len(nghi[0]["alerts"]) == 1,
                  f"{NGHI_LOC}'s SiteDown is its own active group")

            # A silent region: one alert; that collector's others are inhibited, not another's.
            regional = [
                alert("RegionCollectorSilent", "critical", "", "", "region-1", collector="region-1"),
                alert("SiteDown", "warning", "Huyện Quế Phong", "commune_site", "que-phong-01",
                      collector="region-1"),
                alert("LinkwatchDown", "critical", "Tỉnh Nghệ An", "monitoring", "region-1-up",
                      collector="region-1"),
                alert("SiteDown", "warning", "Huyện Tân Kỳ", "commune_site", "tan-ky-01",
                      collector="region-2"),
            ]
            for a in regional:
                if not a["labels"]["district"]:
                    del a["labels"]["district"], a["labels"]["role"]
            status, _ = http("POST", base + "/api/v2/alerts", regional)
            check(status == 200, f"POST regional alerts accepted ({status})")

            def regional_alerts():
                _, got = http("GET", base + "/api/v2/alerts")
                by_target = {a["labels"]["target"]: a for a in got}
                if any(a["labels"]["target"] not in by_target for a in regional):
                    return None
                if any(a["status"]["state"] == "unprocessed" for a in got):
                    return None
                return by_target
            got = wait_until("regional alerts listed", regional_alerts)
            for target in ("que-phong-01", "region-1-up"):
                st = got[target]["status"]
                check(bool(st["inhibitedBy"]) and st["state"] == "suppressed",
                      f"{target} (collector region-1) inhibited while region-1 is silent: {st}")
            for target in ("region-1", "tan-ky-01"):
                st = got[target]["status"]
                check(not st["inhibitedBy"] and st["state"] == "active",
                      f"{target} not inhibited: {st}")
        except Exception as e:  # noqa: BLE001 -- report, then always stop it
            check(False, f"talking to Alertmanager: {e!r}")
        finally:
            stop(proc)
            log.close()
        if failures:
            print("--- alertmanager log ---")
            print(open(log_path).read())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
