#!/usr/bin/env python3
"""Checks linkwatch's Grafana dashboards (dashboards/grafana/dashboards/*.json).

Every file parses as UTF-8 JSON; schemaVersion >= 39; uid, title and the "linkwatch" tag set;
a `datasource` variable of type datasource; every panel uses `${datasource}` and has targets
with a PromQL `expr`; titles are valid text with no mojibake (district names keep their
diacritics); the only variables used are datasource and district; every expr, with variables
substituted, parses (through `promtool check rules` when promtool is given); the provisioning
YAML exists; and the JSON is what build_dashboards.py writes.

Usage: dashboards_json_test.py <dashboards/grafana> [promtool]
"""
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

ALLOWED_VARS = {"datasource", "district", "__interval", "__rate_interval", "__range"}
# Signs of UTF-8 read as Latin-1/CP1252 ("Huyá»‡n" for "Huyện") or of lost characters.
MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]|á»|áº|Æ°|\ufffd")
SAMPLE_DISTRICT = "Huyện Kỳ Sơn"


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    promtool = sys.argv[2] if len(sys.argv) > 2 else None
    failures = []

    def fail(msg):
        failures.append(msg)
        print("FAIL " + msg)

    files = sorted(glob.glob(os.path.join(root, "dashboards", "*.json")))
    if len(files) < 6:
        fail(f"expected at least 6 dashboards, found {len(files)}")
    uids, exprs = set(), []
    want_titles = {"province-overview", "district", "links", "coverage", "power", "linkwatch"}
    for path in files:
        name = os.path.basename(path)
        want_titles.discard(name[:-5])
        try:
            with open(path, "rb") as f:
                raw = f.read()
            text = raw.decode("utf-8")
            d = json.loads(text)
        except (UnicodeDecodeError, ValueError) as e:
            fail(f"{name}: does not parse: {e}")
            continue
        if MOJIBAKE.search(text):
            fail(f"{name}: mangled UTF-8 text: {MOJIBAKE.search(text).group(0)!r}")
        if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 39:
            fail(f"{name}: schemaVersion {d.get('schemaVersion')} < 39")
        for key in ("uid", "title"):
            if not d.get(key):
                fail(f"{name}: no {key}")
        if d.get("uid") in uids:
            fail(f"{name}: duplicate uid {d.get('uid')}")
        uids.add(d.get("uid"))
        if "linkwatch" not in d.get("tags", []):
            fail(f"{name}: tag linkwatch missing")
        variables = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
        ds = variables.get("datasource")
        if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
            fail(f"{name}: no Prometheus `datasource` variable")
        for vname, v in variables.items():
            if vname not in ("datasource",) and v.get("datasource", {}).get("uid") != "${datasource}":
                fail(f"{name}: variable {vname} does not use ${{datasource}}")
        panels = d.get("panels", [])
        if not panels:
            fail(f"{name}: no panels")
        for p in panels:
            where = f"{name}: panel {p.get('id')} {p.get('title')!r}"
            if not p.get("title"):
                fail(f"{where}: no title")
            if p.get("datasource", {}).get("uid") != "${datasource}":
                fail(f"{where}: datasource is not ${{datasource}}")
            targets = p.get("targets", [])
            if not targets:
                fail(f"{where}: no targets")
            for t in targets:
                expr = t.get("expr", "")
                if not expr.strip():
                    fail(f"{where}: target {t.get('refId')} without expr")
                    continue
                if t.get("datasource", {}).get("uid") != "${datasource}":
                    fail(f"{where}: target {t.get('refId')} datasource is not ${{datasource}}")
                used = set(re.findall(r"\$\{?(\w+)", expr))
                if used - ALLOWED_VARS:
                    fail(f"{where}: unknown variables {sorted(used - ALLOWED_VARS)}")
                exprs.append((where, expr))
    for missing in sorted(want_titles):
        fail(f"dashboard {missing}.json missing")
    # The district variable is used one way only: district="$district".
    for where, expr in exprs:
        if "${district}" in expr or ("$district" in expr and 'district="$district"' not in expr):
            fail(f"{where}: use district=\"$district\" consistently: {expr}")

    # Every expr parses, with variables substituted, as Prometheus itself would parse it.
    if promtool:
        rules = {"groups": [{"name": "panels", "rules": [
            {"record": f"panel:check_{i}:expr",
             "expr": expr.replace("${district}", SAMPLE_DISTRICT)
                         .replace("$district", SAMPLE_DISTRICT)}
            for i, (_, expr) in enumerate(exprs)]}]}
        with tempfile.NamedTemporaryFile("w", suffix=".yml", encoding="utf-8",
                                         delete=False) as f:
            json.dump(rules, f, ensure_ascii=False)  # JSON is YAML
            rules_path = f.name
        try:
            out = subprocess.run([promtool, "check", "rules", rules_path],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, timeout=60)
            if out.returncode != 0:
                fail("panel expressions do not parse:\n" + out.stdout)
        finally:
            os.unlink(rules_path)

    for prov in ("provisioning/dashboards/linkwatch.yml", "provisioning/datasources/linkwatch.yml"):
        if not os.path.isfile(os.path.join(root, prov)):
            fail(f"{prov} missing")

    # The committed JSON is what the generator writes.
    spec = importlib.util.spec_from_file_location("build", os.path.join(root, "build_dashboards.py"))
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for fname, text in build.render().items():
        path = os.path.join(root, "dashboards", fname)
        if not os.path.isfile(path) or open(path, encoding="utf-8").read() != text:
            fail(f"{fname} differs from build_dashboards.py's output: rerun it and commit")

    print(f"{len(files)} dashboards, {len(exprs)} panel queries, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
