#!/usr/bin/env bash
# Tests tools/install-deps.sh itself, with stubs for everything it would change the machine
# with: `dpkg-query` (reports one package missing), `apt-get`, `sudo` and `id` are scripts on
# PATH that record their arguments (and, for apt-get, DEBIAN_FRONTEND) to a log. The real
# commands cannot run here: installing packages needs the network and changes the machine.
#   install_deps_test.sh [script]   (default: tools/install-deps.sh next to this repo)
# The stubs' bodies are single-quoted on purpose: they expand when a stub runs.
# shellcheck disable=SC2016
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
script=${1:-$here/../../tools/install-deps.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Only these system commands are reachable: a real sudo on the machine must not be found.
mkdir -p "$work/sys" "$work/stubs"
for tool in env grep; do ln -s "$(command -v "$tool")" "$work/sys/$tool"; done

stub() {  # name, body (runs with "$@" the stub's arguments)
  { echo '#!/bin/bash'; echo "$2"; } >"$work/stubs/$1"
  chmod +x "$work/stubs/$1"
}
stub dpkg-query 'printf "dpkg-query %s\n" "$*" >>"$STUB_LOG"
pkg=${!#}
[ "$pkg" = "${STUB_MISSING:-}" ] && { echo "dpkg-query: no packages found matching $pkg" >&2; exit 1; }
printf "install ok installed"'
stub apt-get 'printf "apt-get %s [DEBIAN_FRONTEND=%s]\n" "$*" "${DEBIAN_FRONTEND:-}" >>"$STUB_LOG"
exit "${STUB_APT_RC:-0}"'
stub sudo 'printf "sudo %s\n" "$*" >>"$STUB_LOG"; exec "$@"'
stub id '[ "$1" = -u ] || exit 2; echo "$STUB_UID"'

failures=0
check() {  # description, command...
  if "${@:2}"; then echo "ok   - $1"; else echo "FAIL - $1"; failures=$((failures + 1)); fi
}

# Runs the script with uid $1, the stubs named in $2 (space-separated) on PATH and package $3
# missing. Leaves the calls in $work/log (dpkg-query lines dropped), stderr in $work/err and
# the exit status in $rc.
run() {
  local uid=$1 stubs=$2 missing=$3 name
  rm -rf "$work/path" && mkdir "$work/path"
  for name in $stubs; do ln -s "$work/stubs/$name" "$work/path/$name"; done
  : >"$work/calls"
  rc=0
  env -i PATH="$work/path:$work/sys" STUB_LOG="$work/calls" STUB_UID="$uid" \
    STUB_MISSING="$missing" STUB_APT_RC="${apt_rc:-0}" /bin/bash "$script" 2>"$work/err" || rc=$?
  grep -v '^dpkg-query ' "$work/calls" >"$work/log" || true
}
log_is() { diff -u <(printf '%s\n' "$@") "$work/log"; }
log_empty() { [ ! -s "$work/log" ] || { cat "$work/log"; false; }; }

# As root: apt-get directly, update then install of exactly the missing package, non-interactive.
run 0 "dpkg-query apt-get sudo id" libsnmp-dev
check "as root: exit 0" test "$rc" -eq 0
check "as root: apt-get called directly, update then install of the missing package" log_is \
  "apt-get update -q [DEBIAN_FRONTEND=noninteractive]" \
  "apt-get install -y -q --no-install-recommends libsnmp-dev [DEBIAN_FRONTEND=noninteractive]"
check "as root: every package was asked about" \
  test "$(grep -c '^dpkg-query ' "$work/calls")" -gt 20

# As a user with sudo: the same, through sudo, DEBIAN_FRONTEND kept.
run 1000 "dpkg-query apt-get sudo id" snmpd
check "through sudo: exit 0" test "$rc" -eq 0
check "through sudo: sudo runs apt-get update then install of the missing package" log_is \
  "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q" \
  "apt-get update -q [DEBIAN_FRONTEND=noninteractive]" \
  "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends snmpd" \
  "apt-get install -y -q --no-install-recommends snmpd [DEBIAN_FRONTEND=noninteractive]"

# As a user without sudo: a clear message naming the package, nothing run.
run 1000 "dpkg-query apt-get id" snmpd
check "no sudo: fails" test "$rc" -ne 0
check "no sudo: nothing installed" log_empty
check "no sudo: says it needs root or sudo and names the package" \
  grep -q "need root or sudo to install: snmpd" "$work/err"

# Nothing missing: nothing installed, no sudo, not even a question about the user.
run 1000 "dpkg-query apt-get sudo id" ""
check "nothing missing: exit 0" test "$rc" -eq 0
check "nothing missing: calls nothing" log_empty

# apt-get failing (no network, a held package) fails the script.
apt_rc=100 run 0 "dpkg-query apt-get sudo id" cmake
check "apt-get fails: the script fails" test "$rc" -ne 0

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed; stderr of the last run:" >&2
  cat "$work/err" >&2
  exit 1
fi
