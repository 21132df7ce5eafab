#!/usr/bin/env python3
"""The province's series budget: how many series the simulated Nghệ An province exports, and
how much memory Prometheus needs to scrape it with the shipped rules.

Starts linkwatch-sim on the shipped province (config/nghe-an, every device on a free UDP port
instead of 1161, so it runs beside a demo), linkwatchd on a copy of the shipped config (its
interval or --interval), and, unless --no-prometheus, Debian's Prometheus scraping linkwatchd
every --scrape-interval with every rule file of dashboards/prometheus/rules. When every live
target has been polled once, one whole GET of /metrics is counted: series (sample lines),
bytes, the families with the most series, and series by the target's role label (that /metrics
is kept as metrics.txt in the work directory). Then, after
--prometheus-minutes, Prometheus's VmRSS and VmHWM from /proc and its own
prometheus_tsdb_head_series. Prints a Markdown summary; every process it started is stopped
when it ends, on error or Ctrl-C too.

    bench/province_series.py                       # build/ binaries, 5 minutes of Prometheus
    bench/province_series.py --prometheus-minutes 1 --interval 15s
"""
import argparse
import collections
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(url, timeout=60):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (default build/)")
    ap.add_argument("--interval", default="", help="linkwatchd global.interval (default: the shipped one)")
    ap.add_argument("--scrape-interval", default="15s", help="Prometheus scrape and rule interval (the demo's: 15s)")
    ap.add_argument("--prometheus-minutes", type=float, default=5)
    ap.add_argument("--no-prometheus", action="store_true")
    ap.add_argument("--work", default="", help="work directory (default: a new temp dir, kept)")
    ap.add_argument("--province", default=os.path.join(ROOT, "config", "nghe-an"),
                    help="province config dir (default config/nghe-an; e.g. one from an older commit)")
    ap.add_argument("--modules", default=os.path.join(ROOT, "config", "modules"), help="modules dir")
    a = ap.parse_args()

    work = a.work or tempfile.mkdtemp(prefix="linkwatch-series.")
    os.makedirs(work, exist_ok=True)
    procs = []

    def stop(*_):
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        procs.clear()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(1)))
    try:
        sim_port, control_port = free_port(socket.SOCK_DGRAM), free_port()
        lw_port, prom_port = free_port(), free_port()
        # The shipped config with the sim's port in every address.
        src = a.province
        os.makedirs(os.path.join(work, "inventory"), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(src, "inventory"))):
            with open(os.path.join(src, "inventory", name)) as f:
                text = f.read().replace(":1161\n", f":{sim_port}\n")
            with open(os.path.join(work, "inventory", name), "w") as f:
                f.write(text)
        with open(os.path.join(src, "linkwatch.yml")) as f:
            cfg = f.read()
        cfg = cfg.replace("  - ../modules/", "  - " + a.modules.rstrip("/") + "/")
        cfg = cfg.replace("  - inventory/", "  - " + os.path.join(work, "inventory") + "/")
        if a.interval:
            cfg = re.sub(r"(?m)^  interval: .*$", "  interval: " + a.interval, cfg)
        interval_s = float(re.search(r"(?m)^  interval: (\d+)s", cfg).group(1))
        cfg_path = os.path.join(work, "linkwatch.yml")
        with open(cfg_path, "w") as f:
            f.write(cfg)
        os.chmod(cfg_path, 0o600)

        log = lambda n: open(os.path.join(work, n), "w")
        procs.append(subprocess.Popen([os.path.join(a.build, "sim", "linkwatch-sim"), "--province-dir", src,
                                       "--port", str(sim_port), "--control-port", str(control_port)],
                                      stdout=log("sim.log"), stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen([os.path.join(a.build, "daemon", "linkwatchd"), "--config", cfg_path,
                                       "--listen-address", f"127.0.0.1:{lw_port}"],
                                      stdout=log("linkwatchd.log"), stderr=subprocess.STDOUT))
        prom = None
        if not a.no_prometheus:
            rules = os.path.join(ROOT, "dashboards", "prometheus", "rules", "*.yml")
            with open(os.path.join(work, "prometheus.yml"), "w") as f:
                f.write(f"global:\n  scrape_interval: {a.scrape_interval}\n  evaluation_interval: {a.scrape_interval}\n"
                        f"rule_files:\n  - {rules}\nscrape_configs:\n  - job_name: linkwatch\n"
                        f"    static_configs: [{{targets: ['127.0.0.1:{lw_port}']}}]\n")
            prom = subprocess.Popen(["prometheus", "--config.file=" + os.path.join(work, "prometheus.yml"),
                                     "--storage.tsdb.path=" + os.path.join(work, "tsdb"),
                                     f"--web.listen-address=127.0.0.1:{prom_port}"],
                                    stdout=log("prometheus.log"), stderr=subprocess.STDOUT)
            procs.append(prom)
        started = time.time()

        # Every live target polled once: linkwatch_polls_total present for all of them.
        deadline = started + 3 * interval_s + 120
        text = b""
        while time.time() < deadline:
            time.sleep(5)
            try:
                text = get(f"http://127.0.0.1:{lw_port}/metrics")
            except OSError:
                continue
            targets = re.search(rb"(?m)^linkwatch_targets (\d+)", text)
            polled = len(re.findall(rb"(?m)^linkwatch_polls_total\{", text))
            if targets and polled >= int(targets.group(1)) > 0:
                break
        else:
            raise SystemExit(f"not every target was polled in time; see {work}")
        # One more interval so every target has had its full poll, then the scrape we count.
        time.sleep(interval_s)
        t0 = time.time()
        text = get(f"http://127.0.0.1:{lw_port}/metrics")
        scrape_s = time.time() - t0
        with open(os.path.join(work, "metrics.txt"), "wb") as f:  # for a closer look
            f.write(text)
        series = 0
        by_family = collections.Counter()
        by_role = collections.Counter()
        by_kind = collections.Counter()
        for line in text.split(b"\n"):
            if not line or line.startswith(b"#"):
                continue
            series += 1
            name = line.split(b"{", 1)[0].split(b" ", 1)[0].decode()
            by_family[name] += 1
            m = re.search(rb'[{,]role="([^"]*)"', line)
            by_role[m.group(1).decode() if m else "(no role)"] += 1
            by_kind["linkwatch_*" if name.startswith("linkwatch_") else "device"] += 1

        print(f"## Province series (linkwatchd interval {interval_s:g} s)\n")
        print(f"- one whole `/metrics`: **{series:,} series**, {len(text) / 1e6:.1f} MB, {scrape_s:.2f} s")
        print("- by role: " + ", ".join(f"{r} {n:,}" for r, n in by_role.most_common()))
        print("- linkwatch's own series vs the device's: " + ", ".join(f"{k} {n:,}" for k, n in by_kind.most_common()))
        print("- largest families: " + ", ".join(f"`{f}` {n:,}" for f, n in by_family.most_common(20)))
        sys.stdout.flush()

        if prom:
            end = started + a.prometheus_minutes * 60
            while time.time() < end:
                time.sleep(5)
                if prom.poll() is not None:
                    raise SystemExit(f"prometheus exited; see {work}/prometheus.log")
            rss, hwm = proc_status(prom.pid, "VmRSS"), proc_status(prom.pid, "VmHWM")
            head = b""
            try:
                head = get(f"http://127.0.0.1:{prom_port}/metrics")
            except OSError:
                pass
            m = re.search(rb"(?m)^prometheus_tsdb_head_series (\S+)", head)
            print(f"\n## Prometheus after {(time.time() - started) / 60:.1f} min "
                  f"(scrape and rules every {a.scrape_interval})\n")
            print(f"- VmRSS **{rss / 2**20:.0f} MiB**, VmHWM {hwm / 2**20:.0f} MiB, head series "
                  f"{float(m.group(1)):,.0f}" if m else f"- VmRSS {rss / 2**20:.0f} MiB, VmHWM {hwm / 2**20:.0f} MiB")
        print(f"\nlogs and configs: {work}")
    finally:
        stop()


if __name__ == "__main__":
    main()
