#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, from its committed seed corpus.
#   run_fuzz.sh <fuzzer> <seed corpus dir> <scratch dir> <seconds> [libFuzzer flags...]
# New inputs and any crash reproducer go to the scratch dir (the seed corpus stays as
# committed). Exits non-zero on a crash, leak, timeout or out-of-memory, as libFuzzer does.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus" "$work/artifacts"
# fuzz_config writes every input to a file: on tmpfs that costs no disk I/O.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
