#!/usr/bin/env python3
"""Profiles one thread of linkwatchd (the SNMP engine, lw-engine, unless --thread names
another: lw-poller) polling N simulated devices.

Starts linkwatch-sim --scale N and linkwatchd on the bench's config (bench/measure.py's
lw_config: system + if_mib, v2c, GETBULK 25), waits until every target has been polled,
then over --window seconds measures:
  - CPU of the thread, of the busiest threads, and of the whole process, the thread's context switches (how often it
    sleeps), and the varbinds polled (from
    linkwatch_polls_total x linkwatch_poll_varbinds): CPU-microseconds per varbind
    and varbinds per CPU-second of the thread;
  - RSS (VmRSS) after the first sweep, per target;
  - with --perf: `perf record -g` on that thread only, and the top symbols (self and
    with children) written to <work>/perf-*.txt;
  - with --heaptrack: linkwatchd runs under heaptrack; its peak heap and the top peak
    allocation sites are written to <work>/heaptrack.txt.
Every child is stopped in a finally block; only 127.0.0.0/8 is contacted.

  bench/profile_engine.py --linkwatchd build/daemon/linkwatchd --sim build/sim/linkwatch-sim \\
      --devices 3000 --perf
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402


def thread_tid(pid, name):
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if f.read().strip() == name:
                return int(tid)
    raise RuntimeError(f"no {name} thread in linkwatchd")


def find_linkwatchd(root):
    """The linkwatchd process below `root` (heaptrack runs it from a shell script)."""
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "linkwatchd":
                    return pid
        except OSError:
            continue
        todo += [int(c) for c in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                text=True).stdout.split()]
    raise RuntimeError("linkwatchd not found below heaptrack")


def switches(pid, tid):
    """A thread's context switches so far (voluntary: it slept; involuntary: preempted)."""
    out = {}
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"):
                out[key] = int(value)
    return out.get("voluntary_ctxt_switches", 0), out.get("nonvoluntary_ctxt_switches", 0)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--linkwatchd", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--devices", type=int, default=3000)
    ap.add_argument("--interval", default="1s")
    ap.add_argument("--timeout", default="800ms")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--window", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--warmup-timeout", type=float, default=300.0)
    ap.add_argument("--http-timeout", type=float, default=120.0)
    ap.add_argument("--thread", default="lw-engine",
                    help="the thread measured (and profiled with --perf): lw-engine, or lw-poller for the "
                         "collectors, link tracking and rendering")
    ap.add_argument("--perf", action="store_true", help="perf record -g the measured thread over the window")
    ap.add_argument("--call-graph", default="fp",
                    help="perf's --call-graph: fp (cheap; libc has no frame pointers) or dwarf (who calls malloc)")
    ap.add_argument("--heaptrack", action="store_true", help="run linkwatchd under heaptrack")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    # SIGTERM (timeout(1), a user) still runs the finally block that stops every child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = args.work or tempfile.mkdtemp(prefix="linkwatch-profile.")
    os.makedirs(work, exist_ok=True)
    kids = measure.Children(os.path.join(work, "pids"))
    n = args.devices
    pid = None
    try:
        sim, sim_port = measure.start_sim(args, kids, work, n)
        template = measure.sim_config(args, work, n, sim_port)
        lw_port = measure.free_port()
        cfg = os.path.join(work, f"linkwatchd-{n}.yml")
        with open(cfg, "w") as f:
            f.write(measure.lw_config(template, args.interval, args.timeout, args.concurrency,
                                      f"127.0.0.1:{lw_port}"))
        os.chmod(cfg, 0o600)
        argv = [args.linkwatchd, "--config", cfg]
        heap_out = os.path.join(work, "heaptrack.linkwatchd")
        if args.heaptrack:
            argv = ["heaptrack", "-o", heap_out] + argv
        lw = kids.start("linkwatchd", argv, os.path.join(work, f"linkwatchd-{n}.log"))
        measure.wait_http("127.0.0.1", lw_port, "/-/healthy", time.monotonic() + 60, lw, "linkwatchd")
        # Under heaptrack the pid is heaptrack's shell; linkwatchd is its child.
        pid = lw.pid
        if args.heaptrack:
            pid = find_linkwatchd(lw.pid)
        t0 = time.monotonic()
        deadline = t0 + args.warmup_timeout
        while True:
            measure.alive(lw, "linkwatchd")
            status, page, _ = measure.http_get("127.0.0.1", lw_port, "/status", args.http_timeout)
            m = re.search(rb"up: <b>(\d+)</b>", page) if status == 200 else None
            if m and int(m.group(1)) >= n:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every target up after {args.warmup_timeout} s")
            time.sleep(0.5)
        first_sweep = time.monotonic() - t0
        rss_after_sweep = rss_mb(pid)
        tid = thread_tid(pid, args.thread)

        def scrape():
            status, body, _ = measure.http_get("127.0.0.1", lw_port, "/metrics", args.http_timeout)
            if status != 200:
                raise RuntimeError(f"/metrics answered {status}")
            return measure.lw_state(body)

        a = scrape()
        th0 = measure.thread_cpu(pid)
        e0, p0, t_a = measure.cpu_seconds(f"{pid}/task/{tid}"), measure.cpu_seconds(pid), time.monotonic()
        w0 = switches(pid, tid)
        perf = None
        if args.perf:
            perf = subprocess.Popen(["perf", "record", "--call-graph", args.call_graph, "-t", str(tid), "-o", os.path.join(work, "perf.data"),
                                     "--", "sleep", str(args.window)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            perf.wait(timeout=args.window + 60)
        else:
            time.sleep(args.window)
        e1, p1, t_b = measure.cpu_seconds(f"{pid}/task/{tid}"), measure.cpu_seconds(pid), time.monotonic()
        w1 = switches(pid, tid)
        th1 = measure.thread_cpu(pid)
        b = scrape()
        rss_end = rss_mb(pid)
        polls = sum(b["polls"].get(t, 0) - v for t, v in a["polls"].items())
        varbinds = sum((b["polls"].get(t, 0) - v) * b["varbinds"].get(t, 0) for t, v in a["polls"].items())
        # Polls and varbinds are counted between the two scrapes' requests; CPU over the
        # window inside them: scale the varbinds to the CPU window.
        span = t_b - t_a
        engine_cpu, proc_cpu = e1 - e0, p1 - p0
        print(f"devices {n}, interval {args.interval}, max_in_flight {args.concurrency}; first sweep {first_sweep:.1f} s")
        print(f"window {span:.1f} s: {polls:.0f} polls, {varbinds:.0f} varbinds")
        print(f"{args.thread} thread: {engine_cpu:.2f} CPU-s ({100 * engine_cpu / span:.0f}% of a core), "
              f"{1e6 * engine_cpu / varbinds:.2f} us per varbind, {varbinds / engine_cpu:,.0f} varbinds per thread CPU-s")
        print(f"whole process: {proc_cpu:.2f} CPU-s, {varbinds / proc_cpu:,.0f} varbinds per CPU-s")
        print(f"by thread: {measure.busiest_threads(th0, th1, span, top=6)} of a core")
        vol, invol = w1[0] - w0[0], w1[1] - w0[1]
        print(f"{args.thread} thread context switches: {vol / span:,.0f}/s voluntary (it slept), {invol / span:,.0f}/s "
              f"involuntary; {1000 * vol / max(varbinds, 1):.1f} sleeps per 1,000 varbinds")
        print(f"RSS after the first sweep {rss_after_sweep:.1f} MB ({1024 * rss_after_sweep / n:.1f} KB per target), "
              f"at the end {rss_end:.1f} MB")
        print(f"load average {measure.load_average()}")
        if args.heaptrack:
            os.kill(pid, signal.SIGTERM)  # linkwatchd itself; heaptrack then writes its file
        kids.stop(lw, grace=120 if args.heaptrack else 5)
        if perf is not None:
            data = os.path.join(work, "perf.data")
            for kind, flags in (("self", ["--no-children"]), ("children", ["--children"])):
                path = os.path.join(work, f"perf-{kind}.txt")
                with open(path, "w") as f:
                    subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0.7",
                                    "--sort", "dso,symbol"] + flags, stdout=f, stderr=subprocess.DEVNULL, timeout=600)
                print(f"perf ({kind}): {path}")
        if args.heaptrack:
            files = [f for f in os.listdir(work) if f.startswith("heaptrack.linkwatchd")]
            if files:
                path = os.path.join(work, "heaptrack.txt")
                with open(path, "w") as f:
                    subprocess.run(["heaptrack_print", "-f", os.path.join(work, sorted(files)[-1]), "-T", "-n", "25",
                                    "-s", "12"], stdout=f, stderr=subprocess.DEVNULL, timeout=900)
                print(f"heaptrack: {path}")
        print(f"work directory: {work}")
    finally:
        if args.heaptrack and pid is not None:  # heaptrack's shell does not pass SIGTERM on
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        kids.close()


if __name__ == "__main__":
    main()
