#!/usr/bin/env python3
"""Instructions per poll on the poller's hot path, counted by valgrind's callgrind.

Runs hot_path_bench's PollToText (one answered poll of a device with N interfaces, system +
if_mib: varbinds in, the target's rendered form out) under callgrind, collecting only inside
poll::target_families (collectors, link tracking, linkwatch_* families) and
http::render_families, and prints the instructions each takes per poll: their inclusive
count divided by their number of calls.

Timings on this shared VM drift by 10-20 % from run to run; instruction counts do not (they
move by well under 1 % between runs of one binary), so a change of a few per cent on the
poller's path shows here when alternating runs of the daemon cannot tell it apart. An
instruction is not a nanosecond (cache misses, branches and the daemon's cold per-target data
are not in it): this is a yardstick for changes to the path, not a speed.

  bench/poll_instructions.py --bench build-bench/bench/micro/hot_path_bench [--interfaces 2]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

FUNCTIONS = {
    "target_families": "lw::poll::target_families(lw::poll::TargetRt",
    "render_families": "lw::http::render_families(std::vector<lw::collect::Family",
}


def parse(path):
    """{function name: (inclusive instructions, calls)} for FUNCTIONS, from a callgrind file.

    Inclusive cost is what callers record for their calls to it (the 'calls=' line and the
    cost line after it), summed over every caller."""
    names = {}
    totals = {key: [0, 0] for key in FUNCTIONS}
    callee = None
    expect_cost = False
    with open(path) as f:
        for line in f:
            if expect_cost:
                expect_cost = False
                parts = line.split()
                if callee is not None and len(parts) >= 2:
                    totals[callee][0] += int(parts[1])
                continue
            m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    names[ident] = name.strip()
                if kind == "cfn":
                    full = names.get(ident, "")
                    callee = next((k for k, v in FUNCTIONS.items() if full.startswith(v)), None)
                continue
            m = re.match(r"calls=(\d+)", line)
            if m:
                if callee is not None:
                    totals[callee][1] += int(m.group(1))
                expect_cost = True
    return totals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="hot_path_bench binary")
    ap.add_argument("--interfaces", type=int, default=2, choices=(2, 10, 25))
    ap.add_argument("--min-time", default="1", help="--benchmark_min_time (seconds under valgrind)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="linkwatch-callgrind.") as work:
        out = os.path.join(work, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", "--dump-instr=no", f"--callgrind-out-file={out}"]
        cmd += [f"--toggle-collect={v}*" for v in FUNCTIONS.values()]
        cmd += [args.bench, f"--benchmark_filter=PollToText/{args.interfaces}$",
                f"--benchmark_min_time={args.min_time}"]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if run.returncode != 0 or not os.path.exists(out):
            sys.exit(f"callgrind failed ({run.returncode}):\n{run.stderr[-2000:]}")
        totals = parse(out)
    polls = totals["target_families"][1]
    if polls == 0:
        sys.exit("no poll was counted: is this hot_path_bench?")
    whole = 0
    print(f"PollToText/{args.interfaces}: {polls} polls under callgrind")
    for key, (cost, calls) in totals.items():
        per = cost / max(calls, 1)
        whole += per
        print(f"  {key}: {per:,.0f} instructions per poll")
    print(f"  both: {whole:,.0f} instructions per poll")


if __name__ == "__main__":
    main()
