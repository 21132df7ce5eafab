#!/usr/bin/env python3
"""Checks the routing tree of dashboards/alertmanager/alertmanager.yml with `amtool`.

Every district of the province inventory (config/nghe-an/districts.csv, official names with
diacritics) must reach a district field team, critical alerts must reach the NOC first, and the
monitoring's own alerts must reach monitoring-ops. A district renamed in one place and not the
other fails here.

Usage: alertmanager_routes_test.py <alertmanager.yml> <districts.csv> [amtool]
"""
import csv
import subprocess
import sys


def receivers(amtool, config, labels):
    out = subprocess.run([amtool, "config", "routes", "test", f"--config.file={config}"]
                         + [f"{k}={v}" for k, v in labels.items()],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         timeout=30)
    return out.stdout.strip().split(",")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    config, districts_csv = sys.argv[1], sys.argv[2]
    amtool = sys.argv[3] if len(sys.argv) > 3 else "amtool"
    failures = []
    with open(districts_csv, encoding="utf-8") as f:
        districts = list(csv.DictReader(f))
    if len(districts) != 20:
        failures.append(f"expected 20 districts in {districts_csv}, got {len(districts)}")
    for d in districts:
        highland = d["terrain"] in ("mountain", "high-mountain")
        team = "highland-field-team" if highland else "lowland-field-team"
        got = receivers(amtool, config, {"alertname": "SiteDown", "severity": "warning",
                                         "district": d["name"], "role": "commune_site"})
        if got != [team]:
            failures.append(f"{d['name']} SiteDown -> {got}, want [{team}]")
        got = receivers(amtool, config, {"alertname": "DistrictLinkDown", "severity": "critical",
                                         "district": d["name"], "role": "district_gateway"})
        if got != ["province-noc-critical", team]:
            failures.append(f"{d['name']} DistrictLinkDown -> {got}")
    # The core's WAN port towards Kỳ Sơn: the rules label it with its peer's district, so it
    # goes to Kỳ Sơn's team (and the NOC), never to the core's own (lowland) district team.
    got = receivers(amtool, config, {"alertname": "WanLinkDown", "severity": "critical",
                                     "district": "Huyện Kỳ Sơn", "role": "province_core",
                                     "target": "vinh-core", "peer": "ky-son-wan",
                                     "peer_district": "Huyện Kỳ Sơn"})
    if got != ["province-noc-critical", "highland-field-team"]:
        failures.append(f"vinh-core WanLinkDown towards Kỳ Sơn -> {got}")
    got = receivers(amtool, config, {"alertname": "LinkwatchDown", "severity": "critical",
                                     "district": "Tỉnh Nghệ An", "role": "monitoring"})
    if got != ["monitoring-ops"]:
        failures.append(f"LinkwatchDown -> {got}")
    for f in failures:
        print("FAIL " + f)
    print(f"{len(districts)} districts checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
