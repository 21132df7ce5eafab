#!/usr/bin/env python3
"""Power at night end to end: linkwatch-sim, linkwatchd, Prometheus with the shipped energy rules.

One solar commune site of the simulated province (anh-son-06) is polled by linkwatchd (system,
ups_mib) and scraped every second by Prometheus, which evaluates
dashboards/prometheus/rules/linkwatch-energy.yml every second. Then:
  1. the simulator sets its battery to 0.2 %: the UPS's runtime estimate falls below the
     darkness ahead that linkwatchd computes from the site's coordinates, so the early warning
     (target:linkwatch_battery_night_cover:ratio < 1, SiteWillNotLastNight pending) appears;
  2. its power is cut (/power-off: the battery alone feeds it, whatever the simulator's hour)
     and the site goes dark with its battery low: `down`, and the energy cause
     (target:linkwatch_down_cause:bool{cause="energy"}) with SiteOutOfEnergy pending;
  3. /restore and a fast clock (×2000: the simulator's night passes in seconds and its morning
     sun recharges the battery to 10 %): the site answers again and the cause is gone.
Last, linkwatch-report reads the same Prometheus: the outage is one local incident, restored.
What it shortens: alerts are checked pending, not firing (their `for:` is 10 and 4 minutes);
the simulator's night is its own (18:00 to 06:00 on its clock) while linkwatchd's sunrise is
the real one, so step 3 is the simulator's sunrise at a fast clock, not the real one.

Usage: energy_night_test.py <source dir> <linkwatch-sim> <linkwatchd> <prometheus>
"""
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

SRC, SIM, LINKWATCHD, PROMETHEUS = (sys.argv[1:5] + [None] * 4)[:4]
del sys.argv[1:5]
SRC = os.path.abspath(SRC) if SRC else None
SITE = "anh-son-06"


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode("utf-8")


class EnergyNightTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not all((SRC, SIM, LINKWATCHD, PROMETHEUS)):
            raise unittest.SkipTest("needs the source dir, linkwatch-sim, linkwatchd and prometheus")
        cls.dir = tempfile.mkdtemp(prefix="linkwatch-energy-night.")
        cls.procs = []
        snmp, control, lw, prom = free_port(socket.SOCK_DGRAM), free_port(), free_port(), free_port()
        cls.control = f"http://127.0.0.1:{control}"
        cls.prom = f"http://127.0.0.1:{prom}"
        cls.start(SIM, "--province-dir", os.path.join(SRC, "config/nghe-an"), "--port", str(snmp),
                  "--control-port", str(control), "--speed", "20", "--no-random-failures", log="sim.log")
        with open(os.path.join(cls.dir, "linkwatch.yml"), "w", encoding="utf-8") as f:
            f.write(f"""global: {{interval: 2s, timeout: 500ms, retries: 0}}
include: [{SRC}/config/modules/]
auths: {{v2: {{version: 2, community: public}}}}
targets:
  - name: {SITE}
    address: "127.12.6.1:{snmp}"
    auth: v2
    modules: [system, ups_mib]
    labels: {{district: "Huyện Anh Sơn", role: commune_site}}
    site: {{district: "Huyện Anh Sơn", district_slug: anh-son, commune: {SITE}, role: commune_site,
           terrain: mountain, latitude: 18.8341, longitude: 105.0109, uplink: microwave, power: solar,
           lifecycle: live}}
""")
        os.chmod(os.path.join(cls.dir, "linkwatch.yml"), 0o600)
        cls.start(LINKWATCHD, "--config", os.path.join(cls.dir, "linkwatch.yml"),
                  "--listen-address", f"127.0.0.1:{lw}", log="linkwatchd.log")
        with open(os.path.join(cls.dir, "prometheus.yml"), "w", encoding="utf-8") as f:
            f.write(f"""global: {{scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}}
rule_files: [{SRC}/dashboards/prometheus/rules/linkwatch-energy.yml]
scrape_configs:
  - job_name: linkwatch
    honor_labels: true
    static_configs: [{{targets: ["127.0.0.1:{lw}"]}}]
""")
        cls.start(PROMETHEUS, f"--config.file={cls.dir}/prometheus.yml", f"--storage.tsdb.path={cls.dir}/tsdb",
                  f"--web.listen-address=127.0.0.1:{prom}", log="prometheus.log")
        cls.wait(lambda: cls.value(f'linkwatch_target_state{{target="{SITE}",state="up"}}') == 1.0, 60,
                 "the site up in Prometheus")

    @classmethod
    def start(cls, *args, log):
        out = open(os.path.join(cls.dir, log), "w", encoding="utf-8")
        cls.procs.append((subprocess.Popen(list(args), stdout=out, stderr=subprocess.STDOUT), out))

    @classmethod
    def tearDownClass(cls):
        for p, out in reversed(getattr(cls, "procs", [])):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            out.close()
        if getattr(cls, "dir", None):
            shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def query(cls, q):
        try:
            body = json.loads(http(f"{cls.prom}/api/v1/query?" + urllib.parse.urlencode({"query": q})))
        except OSError:
            return []
        return body["data"]["result"] if body.get("status") == "success" else []

    @classmethod
    def value(cls, q):
        r = cls.query(q)
        return float(r[0]["value"][1]) if len(r) == 1 else None

    @classmethod
    def logs(cls):
        out = []
        for name in ("sim.log", "linkwatchd.log", "prometheus.log"):
            try:
                with open(os.path.join(cls.dir, name), encoding="utf-8", errors="replace") as f:
                    out.append(f"--- {name}\n" + "".join(f.readlines()[-8:]))
            except OSError:
                pass
        return "\n".join(out)

    @classmethod
    def wait(cls, cond, seconds, what):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for p, _ in cls.procs:
                if p.poll() is not None:
                    raise AssertionError(f"{p.args[0]} exited\n{cls.logs()}")
            if cond():
                return
            time.sleep(0.5)
        raise AssertionError(f"no {what} within {seconds} s\n{cls.logs()}")

    def test_one_night(self):
        # 1. The early warning: 0.2 % of a 24 to 60 hour battery is minutes; the night is hours.
        http(f"{self.control}/battery?target={SITE}&charge=0.2", "POST")
        self.wait(lambda: (self.value(f'target:linkwatch_battery_night_cover:ratio{{target="{SITE}"}}') or 2) < 1,
                  30, "night cover below 1")
        self.wait(lambda: self.query(f'ALERTS{{alertname="SiteWillNotLastNight",target="{SITE}",severity="notice"}}'),
                  15, "SiteWillNotLastNight pending")
        dark = self.value(f'linkwatch_site_dark_seconds_remaining{{target="{SITE}"}}')
        # Darkness ahead: by day the whole coming night (10.5 to 13 h at 19° N), by night until
        # sunrise; the test may run at any hour.
        self.assertGreater(dark, 0)
        self.assertLess(dark, 13 * 3600 + 60)
        self.assertIsNone(self.value(f'target:linkwatch_down_cause:bool{{target="{SITE}"}}'))

        # 2. Dark with the battery low: down, cause energy, the notice pending.
        http(f"{self.control}/power-off?target={SITE}", "POST")
        self.wait(lambda: self.value(f'linkwatch_target_state{{target="{SITE}",state="down"}}') == 1.0, 60,
                  "the site down")
        self.wait(lambda: self.value(f'target:linkwatch_down_cause:bool{{target="{SITE}",cause="energy"}}') == 1.0,
                  15, "the energy cause")
        self.wait(lambda: self.query(f'ALERTS{{alertname="SiteOutOfEnergy",target="{SITE}",severity="notice"}}'),
                  15, "SiteOutOfEnergy pending")
        rise = self.value(f'linkwatch_site_sunrise_timestamp_seconds{{target="{SITE}"}}')
        self.assertGreater(rise, time.time())

        # 3. Morning: mains back is not enough for a solar site at night; the sim's sun is.
        http(f"{self.control}/restore", "POST")
        http(f"{self.control}/speed?x=2000", "POST")
        self.wait(lambda: self.value(f'linkwatch_target_state{{target="{SITE}",state="up"}}') == 1.0, 90,
                  "the site up again")
        self.wait(lambda: self.value(f'target:linkwatch_down_cause:bool{{target="{SITE}"}}') is None, 15,
                  "the energy cause gone")

        # 4. linkwatch-report on what the real linkwatchd exported: the night's outage is one
        # local incident, restored, inside the period (1 s steps over the last 2 minutes).
        time.sleep(3)  # a few seconds up inside the period, so the incident ends in it
        end = int(time.time())
        out = os.path.join(self.dir, "report")
        r = subprocess.run([sys.executable, os.path.join(SRC, "tools/linkwatch-report"), "--url", self.prom,
                            "--from", time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(end - 120)),
                            "--to", time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(end)),
                            "--step", "1", "--pdf", "no", "--out", out],
                           capture_output=True, text=True, encoding="utf-8", timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "sites.csv"), encoding="utf-8-sig") as f:
            rows = {row["site"]: row for row in csv.DictReader(f)}
        row = rows[SITE]
        self.assertEqual(row["incidents"], "1", row)
        self.assertGreater(float(row["local_min"]), 0, row)
        self.assertNotEqual(row["mttr_min"], "", row)  # restored inside the period
        self.assertLess(float(row["availability"]), 1, row)
        self.assertEqual(row["upstream_min"], "0", row)


if __name__ == "__main__":
    unittest.main(verbosity=2)
