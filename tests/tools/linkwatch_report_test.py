#!/usr/bin/env python3
"""tools/linkwatch-report against a real Prometheus whose history this test writes.

A month (October 2026, Asia/Ho_Chi_Minh) of a small tree with known outages (report_history.py:
local, upstream behind a WAN link and behind the core, inside maintenance windows, a site not
polled, outages clipped at both ends of the month) is written as OpenMetrics, loaded with
`promtool tsdb create-blocks-from openmetrics`, and served by Prometheus on a free loopback
port. The report's every minute and ratio (sites, regions, both administrative versions,
terrain classes, communes, planned sites, the blast-radius ranking, the summary) is compared
with figures computed here from the ground truth, minute by minute; a few are also written out
by hand. Chromium renders the HTML to a screenshot kept in the artefact folder.

What it shortens: samples only at changes and every 6 h, with Prometheus's lookback raised to
7 h to match (promtool 2.42 re-reads the file per 2-hour block; minute samples took minutes).

Usage: linkwatch_report_test.py <linkwatch-report> <artefact dir> [promtool] [prometheus]
"""
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import report_history as H

REPORT = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../tools/linkwatch-report")
ARTEFACTS = sys.argv.pop(1) if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="linkwatch-report-test.")
PROMTOOL = sys.argv.pop(1) if len(sys.argv) > 1 else shutil.which("promtool")
PROMETHEUS = sys.argv.pop(1) if len(sys.argv) > 1 else shutil.which("prometheus")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    assert text.startswith("\ufeff"), f"{path}: no UTF-8 BOM"
    return list(csv.DictReader(text[1:].splitlines()))


# ---- the expected figures, from the ground truth, minute by minute ----

class Expected:
    def __init__(self):
        self.m0, self.state, self.root, self.maint = H.truth()
        self.p0 = H.minute(H.PERIOD_START) - self.m0
        self.p1 = H.minute(H.PERIOD_END) - self.m0
        self.sites = {s[0]: s for s in H.SITES}
        self.live = [s[0] for s in H.SITES if s[7] == "live"]
        self.figs = {name: self.site(name) for name in self.live}

    def excluded(self, name, i):
        st = self.state[name][i]
        if st == "unknown":
            return False
        return self.maint[name][i] or (st == "unreachable" and self.maint[self.root[name][i]][i])

    def site(self, name):
        f = dict(observed=0, excluded=0, local=0, upstream=0, maint=0, incidents=0,
                 restored=0, restore_min=0)
        run = 0
        for i in range(self.p0, self.p1):
            st, ex = self.state[name][i], self.excluded(name, i)
            f["observed"] += st in ("up", "down", "unreachable")
            f["excluded"] += ex
            is_local = st == "down" and not ex
            f["local"] += is_local
            f["upstream"] += st == "unreachable" and not ex
            f["maint"] += st in ("down", "unreachable") and ex
            if is_local:
                run += 1
            elif run:
                f["incidents"] += 1
                f["restored"] += 1
                f["restore_min"] += run
                run = 0
        if run:
            f["incidents"] += 1  # still down at the period's end: not restored
        return f

    @staticmethod
    def pooled(figs):
        t = dict(sites=len(figs))
        for k in ("observed", "excluded", "local", "upstream", "maint", "incidents", "restored",
                  "restore_min"):
            t[k] = sum(f[k] for f in figs)
        counted = t["observed"] - t["excluded"]
        t["availability"] = (counted - t["local"] - t["upstream"]) / counted if counted else None
        t["mttr"] = t["restore_min"] / t["restored"] if t["restored"] else None
        return t

    def communes(self):
        by = {}
        for s in H.SITES:
            if s[3]:
                by.setdefault((s[2], s[3]), []).append(s)
        out = {}
        for key, members in by.items():
            live = [s[0] for s in members if s[7] == "live"]
            if not live:
                n = self.p1 - self.p0
                out[key] = dict(minutes=n, maint=0, outages=1, longest=n, planned_only=True)
                continue
            r = dict(minutes=0, maint=0, outages=0, longest=0, planned_only=False)
            run = 0
            for i in range(self.p0, self.p1):
                states = [self.state[x][i] for x in live]
                cut = "up" not in states and any(x in ("down", "unreachable") for x in states)
                if cut:
                    r["minutes"] += 1
                    if all(self.excluded(x, i) or self.state[x][i] == "unknown" for x in live):
                        r["maint"] += 1
                    run += 1
                    r["longest"] = max(r["longest"], run)
                else:
                    if run:
                        r["outages"] += 1
                    run = 0
            if run:
                r["outages"] += 1
            out[key] = r
        return out

    def blast(self):
        cost, worst = {}, {}
        by = {}
        for s in H.SITES:
            if s[3] and s[7] == "live":
                by.setdefault((s[2], s[3]), []).append(s[0])
        for i in range(self.p0, self.p1):
            charged = {}
            for live in by.values():
                states = [self.state[x][i] for x in live]
                if "up" in states or not any(x in ("down", "unreachable") for x in states):
                    continue
                causes = set()
                for x in live:
                    if self.excluded(x, i):
                        continue
                    if self.state[x][i] == "down":
                        causes.add(x)
                    elif self.state[x][i] == "unreachable":
                        causes.add(self.root[x][i])
                for c in causes:
                    cost[c] = cost.get(c, 0) + 1 / len(causes)
                    charged[c] = charged.get(c, 0) + 1
            for c, n in charged.items():
                worst[c] = max(worst.get(c, 0), n)
        return cost, worst


class LinkwatchReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PROMTOOL or not PROMETHEUS:
            raise unittest.SkipTest("promtool or prometheus not installed (Debian: prometheus)")
        cls.dir = tempfile.mkdtemp(prefix="linkwatch-report.")
        om = os.path.join(cls.dir, "history.om")
        H.openmetrics(om)
        tsdb = os.path.join(cls.dir, "tsdb")
        subprocess.run([PROMTOOL, "tsdb", "create-blocks-from", "openmetrics", "-q", om, tsdb],
                       check=True, timeout=300)
        cfg = os.path.join(cls.dir, "prometheus.yml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("global:\n  scrape_interval: 1m\n")
        cls.port = free_port()
        cls.log = open(os.path.join(cls.dir, "prometheus.log"), "w", encoding="utf-8")
        cls.prom = subprocess.Popen(
            [PROMETHEUS, f"--config.file={cfg}", f"--storage.tsdb.path={tsdb}",
             "--storage.tsdb.retention.time=100y", f"--query.lookback-delta={H.LOOKBACK}",
             f"--web.listen-address=127.0.0.1:{cls.port}"],
            stdout=cls.log, stderr=subprocess.STDOUT)
        cls.url = f"http://127.0.0.1:{cls.port}"
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(cls.url + "/-/ready", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if cls.prom.poll() is not None or time.time() > deadline:
                cls.tearDownClass()
                raise RuntimeError(f"Prometheus did not become ready; see {cls.dir}/prometheus.log")
            time.sleep(0.2)
        cls.out = os.path.join(ARTEFACTS, "report-2026-10")
        shutil.rmtree(cls.out, ignore_errors=True)
        started = time.time()
        cls.run_report = subprocess.run(
            [sys.executable, REPORT, "--url", cls.url, "--month", "2026-10", "--out", cls.out,
             "--pdf", "auto", "--title", "Nghệ An – báo cáo thử"],
            capture_output=True, text=True, encoding="utf-8", timeout=300)
        cls.report_seconds = time.time() - started
        cls.expected = Expected()

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "prom", None) and cls.prom.poll() is None:
            cls.prom.terminate()
            try:
                cls.prom.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.prom.kill()
                cls.prom.wait()
        if getattr(cls, "log", None):
            cls.log.close()
        if getattr(cls, "dir", None):
            shutil.rmtree(cls.dir, ignore_errors=True)

    def table(self, name):
        self.assertEqual(self.run_report.returncode, 0, self.run_report.stderr)
        return read_csv(os.path.join(self.out, f"{name}.csv"))

    def assertFigure(self, got, want, what, delta=1e-6):
        """CSV minutes carry two decimals, ratios six: `delta` says which."""
        if want is None:
            self.assertEqual(got, "", what)
        else:
            self.assertAlmostEqual(float(got), want, delta=delta, msg=what)

    def assertTotals(self, row, t, what):
        self.assertEqual(int(row["sites"]), t["sites"], what)
        self.assertFigure(row["availability"], t["availability"] and round(t["availability"], 6), what + " availability")
        self.assertFigure(row["local_min"], t["local"], what + " local")
        self.assertFigure(row["upstream_min"], t["upstream"], what + " upstream")
        self.assertFigure(row["maintenance_min"], t["maint"], what + " maintenance")
        self.assertFigure(row["excluded_min"], t["excluded"], what + " excluded")
        self.assertFigure(row["incidents"], t["incidents"], what + " incidents")
        self.assertFigure(row["mttr_min"], t["mttr"], what + " mttr", delta=0.005)

    def test_report_ran(self):
        self.assertEqual(self.run_report.returncode, 0, self.run_report.stderr)
        print(f"report of a month: {self.report_seconds:.1f} s", file=sys.stderr)

    def test_sites(self):
        rows = {r["site"]: r for r in self.table("sites")}
        self.assertEqual(sorted(rows), sorted(self.expected.live))
        for name, f in self.expected.figs.items():
            r = rows[name]
            self.assertFigure(r["observed_min"], f["observed"], name)
            t = self.expected.pooled([f])
            r["sites"] = "1"
            self.assertTotals(r, t, name)

    def test_hand_counted(self):
        """The ground truth itself, counted by hand from report_history.OUTAGES."""
        rows = {r["site"]: r for r in self.table("sites")}
        c1 = rows["ky-son-c1"]
        self.assertEqual((c1["local_min"], c1["upstream_min"], c1["maintenance_min"], c1["excluded_min"],
                          c1["incidents"], c1["mttr_min"]), ("165", "190", "150", "150", "2", "82.50"))
        self.assertEqual(c1["availability"], f"{(44640 - 150 - 355) / (44640 - 150):.6f}")
        c2 = rows["vinh-c2"]
        self.assertEqual((c2["local_min"], c2["upstream_min"], c2["maintenance_min"], c2["excluded_min"],
                          c2["incidents"]), ("30", "60", "70", "480", "1"))
        w = rows["vinh-wan"]
        self.assertEqual((w["local_min"], w["incidents"], w["mttr_min"]), ("60", "1", ""))
        self.assertEqual(rows["vinh-c1"]["observed_min"], str(44640 - 20))
        self.assertEqual(rows["ky-son-c2"]["local_min"], "30")
        self.assertEqual(rows["ky-son-gw"]["excluded_min"], "240")
        top = self.table("blast_radius_top10")
        self.assertEqual([r["site"] for r in top],
                         ["ky-son-wan", "ky-son-c1", "vinh-wan", "core", "ky-son-c2", "vinh-c2"])
        self.assertEqual((top[0]["commune_hours"], top[0]["max_communes_cut"]), ("9.00", "3"))
        self.assertEqual((top[3]["commune_hours"], top[3]["max_communes_cut"]), ("0.67", "4"))

    def test_regions(self):
        rows = {r["district"]: r for r in self.table("regions")}
        districts = {self.expected.sites[n][2] for n in self.expected.live}
        self.assertEqual(set(rows), districts)
        for d in districts:
            members = [f for n, f in self.expected.figs.items() if self.expected.sites[n][2] == d]
            self.assertTotals(rows[d], self.expected.pooled(members), d)
            wan = [f for n, f in self.expected.figs.items() if self.expected.sites[n][2] == d
                   and self.expected.sites[n][4] in ("wan_link", "district_gateway")]
            self.assertEqual(int(rows[d]["wan_sites"]), len(wan))
            a = self.expected.pooled(wan)["availability"] if wan else None
            self.assertFigure(rows[d]["wan_availability"], a and round(a, 6), d + " wan")

    def test_admin_units_both_versions(self):
        for version, index in (("2011", 8), ("2025", 9)):
            rows = self.table(f"admin_units_{version}")
            units = {}
            for n in self.expected.live:
                unit, kind, parent = self.expected.sites[n][index]
                units.setdefault((parent, unit, kind), []).append(self.expected.figs[n])
            got = {(r["admin_parent"], r["admin_unit"], r["admin_unit_kind"]): r for r in rows}
            self.assertEqual(set(got), set(units), version)
            for key, figs in units.items():
                self.assertEqual(got[key]["admin_version"], version)
                self.assertTotals(got[key], self.expected.pooled(figs), f"{version} {key}")
        # Three 2011 communes became one 2025 commune: its row pools them.
        merged = {r["admin_unit"]: r for r in self.table("admin_units_2025")}["Xã Na Ngoi"]
        self.assertEqual(merged["sites"], "3")

    def test_terrain_side_by_side(self):
        rows = {r["district"]: r for r in self.table("terrain")}
        for d in [""] + sorted({self.expected.sites[n][2] for n in self.expected.live}):
            for cls, terrains in (("highland", {"mountain", "high-mountain"}),
                                  ("lowland", {"urban", "plain", "coastal", "midland"})):
                figs = [f for n, f in self.expected.figs.items()
                        if self.expected.sites[n][5] in terrains and d in ("", self.expected.sites[n][2])]
                t = self.expected.pooled(figs)
                r = rows[d]
                self.assertEqual(int(r[f"{cls}_sites"]), t["sites"], (d, cls))
                self.assertFigure(r[f"{cls}_availability"], t["availability"] and round(t["availability"], 6), (d, cls))
                self.assertFigure(r[f"{cls}_local_min"], t["local"], (d, cls))
                self.assertFigure(r[f"{cls}_upstream_min"], t["upstream"], (d, cls))
                self.assertFigure(r[f"{cls}_incidents"], t["incidents"], (d, cls))

    def test_communes_without_link(self):
        rows = {(r["district"], r["commune"]): r for r in self.table("communes_without_link")}
        want = {k: v for k, v in self.expected.communes().items() if v["minutes"] > 0}
        self.assertEqual(set(rows), set(want))
        for key, c in want.items():
            r = rows[key]
            self.assertFigure(r["without_link_min"], c["minutes"], key)
            self.assertFigure(r["maintenance_min"], c["maint"], key)
            self.assertFigure(r["outages"], c["outages"], key)
            self.assertFigure(r["longest_min"], c["longest"], key)
            self.assertEqual(r["planned_only"], "yes" if c["planned_only"] else "no", key)
        # Na Ngoi kept ky-son-c2 while its BTS was down: not cut then.
        self.assertEqual(rows[(H.KS, "Xã Na Ngoi")]["without_link_min"], str(30 + 180 + 150 + 10))

    def test_planned_sites(self):
        rows = {r["site"]: r for r in self.table("planned_sites")}
        self.assertEqual(set(rows), {"ky-son-p1", "vinh-p1"})
        self.assertEqual(rows["ky-son-p1"]["connects"], "new_commune")
        self.assertEqual(rows["ky-son-p1"]["commune"], "Xã Bắc Lý")
        self.assertEqual(rows["vinh-p1"]["connects"], "second_site")
        self.assertEqual(rows["vinh-p1"]["admin_unit"], "Phường Vinh Hưng")  # the current version
        hung_dong = self.expected.communes()[(H.VINH, "Xã Hưng Đông")]["minutes"]
        self.assertFigure(rows["vinh-p1"]["commune_without_link_min"], hung_dong, "vinh-p1")

    def test_blast_radius(self):
        cost, worst = self.expected.blast()
        rows = self.table("blast_radius_top10")
        want = sorted(cost.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        self.assertEqual([r["site"] for r in rows], [k for k, _ in want])
        for r, (name, minutes) in zip(rows, want):
            self.assertEqual(r["commune_hours"], f"{minutes / 60:.2f}", name)
            self.assertEqual(int(r["max_communes_cut"]), worst[name], name)
            self.assertFigure(r["local_min"], self.expected.figs[name]["local"], name)

    def test_summary(self):
        (row,) = self.table("summary")
        t = self.expected.pooled(list(self.expected.figs.values()))
        t["sites"] = int(row["live_sites"])
        self.assertEqual(t["sites"], len(self.expected.live))
        row["sites"] = row["live_sites"]
        self.assertTotals(row, t, "summary")
        cut = {k: v for k, v in self.expected.communes().items() if v["minutes"] > 0}
        self.assertEqual(int(row["communes_without_link"]), len(cut))
        lost = sum(v["minutes"] - v["maint"] for v in cut.values() if not v["planned_only"])
        self.assertEqual(row["commune_hours_lost"], f"{lost / 60:.2f}")
        self.assertEqual(row["period_start"], "2026-10-01T00:00:00+07:00")
        self.assertEqual(row["period_end"], "2026-11-01T00:00:00+07:00")

    def test_html_renders(self):
        self.assertEqual(self.run_report.returncode, 0, self.run_report.stderr)
        page = os.path.join(self.out, "index.html")
        with open(page, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('<html lang="vi">', text)
        self.assertIn("Xã Mường Lống", text)          # Vietnamese intact
        self.assertIn("Khả dụng", text)
        browser = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
        if not browser:
            self.skipTest("no Chromium: the screenshot is not taken")
        shot = os.path.join(ARTEFACTS, "linkwatch-report-2026-10.png")
        if os.path.exists(shot):
            os.remove(shot)
        profile = tempfile.mkdtemp(prefix="chromium.")
        try:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                            f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=1400,2400",
                            f"--screenshot={shot}", "file://" + os.path.abspath(page)],
                           capture_output=True, timeout=120, check=False)
            dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                  f"--user-data-dir={profile}", "--dump-dom", "file://" + os.path.abspath(page)],
                                 capture_output=True, timeout=120, check=False, text=True, encoding="utf-8")
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        self.assertTrue(os.path.exists(shot) and os.path.getsize(shot) > 10_000, "no screenshot")
        with open(shot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        # Chromium parsed every table the report wrote.
        self.assertEqual(dom.stdout.count("<table>"), text.count("<table>"), dom.stderr[-500:])
        print(f"screenshot: {shot}", file=sys.stderr)
        pdf = os.path.join(self.out, "report.pdf")
        self.assertTrue(os.path.exists(pdf), self.run_report.stderr)
        with open(pdf, "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")

    def test_english(self):
        out = os.path.join(ARTEFACTS, "report-2026-10-en")
        r = subprocess.run([sys.executable, REPORT, "--url", self.url, "--from", "2026-10-01T00:00",
                            "--to", "2026-11-01T00:00", "--lang", "en", "--pdf", "no", "--out", out],
                           capture_output=True, text=True, encoding="utf-8", timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn('<html lang="en">', text)
        self.assertIn("Communes without a live link", text)
        # The same figures whatever the language.
        self.assertEqual(read_csv(os.path.join(out, "sites.csv")), self.table("sites"))

    def test_unreachable_api_is_an_error(self):
        r = subprocess.run([sys.executable, REPORT, "--url", f"http://127.0.0.1:{free_port()}",
                            "--month", "2026-10", "--out", os.path.join(self.dir, "none"), "--pdf", "no"],
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("linkwatch-report:", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
