#!/usr/bin/env bash
# The benchmark: linkwatchd vs Debian's prometheus-snmp-exporter on N simulated devices, and
# the simulator's own throughput. Writes bench/RESULTS.md. See bench/README.md.
#
#   bench/run.sh                  # N = 1000 3000 10000
#   bench/run.sh 1000 3000        # other sizes (up to 100000; 30000 and 100000 take long: nice)
#   BENCH_ARGS="--steady-intervals 2" bench/run.sh 30000   # also linkwatchd at a 60 s interval
#   BENCH_ARGS="--skip-exporter --interval 60s --steady-intervals 2" nice bench/run.sh 100000
#
# Environment: BENCH_TIMEOUT (the whole run's limit in seconds, default 1500; large sizes and
# --steady-intervals need more), BUILD_DIR (default <repo>/build-bench), BENCH_WORK (configs and logs; default a
# fresh temp dir), BENCH_ARGS (extra measure.py options, e.g. "--window 60 --concurrency 32"),
# BENCH_FROM_HEAD=1 (benchmark the last commit, exported with git archive and built in
# <repo>/build-bench-head-<rev>, instead of the working tree with its edits in progress).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="${BUILD_DIR:-$repo/build-bench}"
command_line="bench/run.sh${*:+ $*}"
[[ -n "${BENCH_ARGS:-}" ]] && command_line="BENCH_ARGS=\"$BENCH_ARGS\" $command_line"
[[ "${BENCH_FROM_HEAD:-0}" == 1 ]] && command_line="BENCH_FROM_HEAD=1 $command_line"

for n in "$@"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "run.sh: sizes are numbers of devices, got '$n'" >&2; exit 2; }
done
for tool in cmake ninja python3 /usr/bin/prometheus-snmp-exporter; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (tools/install-deps.sh)" >&2; exit 2; }
done

# What is measured: the working tree, or the last commit exported whole.
source_dir="$repo"
rev="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ "${BENCH_FROM_HEAD:-0}" == 1 ]]; then
  # One export, refreshed file by file (unchanged files keep their mtime, so the build after
  # a new commit is incremental).
  source_dir="$repo/build-bench-head/src"
  build="$repo/build-bench-head/build"
  export_dir="$(mktemp -d -t linkwatch-head.XXXXXX)"
  git -C "$repo" archive HEAD | tar -x -C "$export_dir"
  mkdir -p "$source_dir"
  (cd "$export_dir" && find . -type f -print0) | while IFS= read -r -d '' f; do
    if ! cmp -s "$export_dir/$f" "$source_dir/$f"; then
      mkdir -p "$(dirname "$source_dir/$f")"
      cp "$export_dir/$f" "$source_dir/$f"
    fi
  done
  rm -rf "$export_dir"
elif [[ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  rev="$rev + uncommitted changes"
fi

# Build what is missing: linkwatchd and the simulator in the main build, sim-loadgen there if
# the top-level CMakeLists includes bench/, else as bench/'s own small project.
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLINKWATCH_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target linkwatchd linkwatch-sim -j2
loadgen="$build/bench/sim-loadgen"
if ninja -C "$build" -t targets all 2>/dev/null | grep -q '^sim-loadgen:'; then
  cmake --build "$build" --target sim-loadgen -j2
else
  loadgen="$build/bench-standalone/sim-loadgen"
  [[ -f "$build/bench-standalone/build.ninja" ]] ||
    cmake -S "$here" -B "$build/bench-standalone" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build/bench-standalone" --target sim-loadgen -j2
fi

work="${BENCH_WORK:-$(mktemp -d -t linkwatch-bench.XXXXXX)}"
mkdir -p "$work"
pidfile="$work/pids"
: >"$pidfile"
measure_pid=""

# Stop everything this run started, whatever happens: measure.py stops its own children,
# and this trap catches what is left if it was killed.
cleanup() {
  local pid
  if [[ -n "$measure_pid" ]] && kill -0 "$measure_pid" 2>/dev/null; then
    kill -TERM "$measure_pid" 2>/dev/null || true
  fi
  if [[ -s "$pidfile" ]]; then
    while read -r pid; do
      if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
    done <"$pidfile"
    sleep 1
    while read -r pid; do
      if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    done <"$pidfile"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench: work dir $work (configs and logs)"
# The whole run is bounded: measure.py bounds every wait; this is the backstop.
# shellcheck disable=SC2086
timeout --signal=TERM --kill-after=30 "${BENCH_TIMEOUT:-1500}" \
  python3 "$here/measure.py" "$@" \
  --repo "$source_dir" \
  --git-rev "$rev" \
  --linkwatchd "$build/daemon/linkwatchd" \
  --sim "$build/sim/linkwatch-sim" \
  --loadgen "$loadgen" \
  --work "$work" \
  --pidfile "$pidfile" \
  --out "$here/RESULTS.md" \
  --command "$command_line" \
  ${BENCH_ARGS:-} &
measure_pid=$!
wait "$measure_pid"
