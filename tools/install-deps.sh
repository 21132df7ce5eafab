#!/usr/bin/env bash
# Installs what linkwatch needs to build, test and run its demo on Debian 12, from Debian's
# own packages. Idempotent: does nothing when everything is there. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsnmp-dev snmp snmpd snmptrapd
  prometheus-cpp-dev libyaml-cpp-dev libspdlog-dev libcivetweb-dev libcli11-dev
  libre2-dev nlohmann-json3-dev
  libhowardhinnant-date-dev tzdata  # maintenance windows: time zones (date/tz over /usr/share/zoneinfo)
  chromium  # the console's browser test (tests/e2e/console_browser_test.cc)
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  prometheus prometheus-alertmanager prometheus-snmp-exporter
  python3 curl systemd procps iproute2
  libssl-dev libcrypt-dev openssl zlib1g-dev libjemalloc-dev
  clang libfuzzer-14-dev libclang-rt-14-dev shellcheck  # fuzz targets; script checks
  dpkg-dev lintian groff-base  # the Debian package (packaging/) and its test
  nodejs npm                   # the Grafana schema check (dashboards/grafana/schema)
  victoria-metrics socat       # scale-out deployment and its test (docs/scale-out.md)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
  # A nodejs package from outside Debian (NodeSource's) carries npm and conflicts with Debian's.
  [ "$p" = npm ] && command -v npm >/dev/null && continue
  missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# As root apt-get runs directly; otherwise through sudo, keeping DEBIAN_FRONTEND.
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
