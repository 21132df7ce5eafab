#!/usr/bin/env bash
# Builds linkwatch and runs every test: unit, integration (real snmpd, simulator, Prometheus,
# promtool, amtool, Alertmanager), rules and systemd checks; then the unit and integration
# tests again in a build with AddressSanitizer and UndefinedBehaviorSanitizer; then each
# libFuzzer target (tests/fuzz, built with clang) for LINKWATCH_FUZZ_SECONDS (default 60).
#   tools/test.sh            everything (what CI runs)
#   tools/test.sh --fast     skip the sanitizer and fuzz passes
#   tools/test.sh -R regex   only tests matching (passed to ctest), no sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=1 ;;
    -R|-L|-E) ctest_args+=("$1" "$2"); fast=1; shift ;;
    *) echo "usage: tools/test.sh [--fast] [-R regex] [-L label]" >&2; exit 2 ;;
  esac
  shift
done

tools/install-deps.sh
jobs=$(nproc)

run_suite() {  # build dir, extra cmake args..., then ctest
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DLINKWATCH_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure --timeout 600 -j"$jobs" "${ctest_args[@]}" ${LABELS:+-L "$LABELS"})
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "$fast" -eq 0 ]; then
  echo "== sanitizers: address, undefined =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LABELS='unit|integration' run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DLINKWATCH_SANITIZE=ON
  echo "== fuzz: libFuzzer targets, ${LINKWATCH_FUZZ_SECONDS:-60} s each =="
  # -Werror is gcc's contract; clang 14 warns about other things, which must not stop fuzzing.
  CC=clang CXX=clang++ LABELS=fuzz run_suite build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLINKWATCH_WERROR=OFF -DLINKWATCH_FUZZ=ON -DLINKWATCH_FUZZ_SECONDS="${LINKWATCH_FUZZ_SECONDS:-60}"
fi
