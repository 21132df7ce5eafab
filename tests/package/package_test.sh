#!/usr/bin/env bash
# The Debian package, end to end (ctest: package.deb, label integration, 30-50 s, most of it
# cpack and lintian):
#   1. builds linkwatch_<version>_amd64.deb with cpack from the build tree (what
#      `cmake --build build --target package` runs, without rebuilding); checks its name, its
#      Depends (from dpkg-shlibdeps) and that the changelog names its version;
#   2. runs lintian on it: any error (E:) fails; warnings are printed;
#   3. installs it with dpkg into a throw-away root (dpkg --root, maintainer scripts run with
#      --force-script-chrootless and DPKG_ROOT, which postinst honours). Not `apt install` on
#      this machine: tests run on developers' machines and in parallel, and a real install
#      would start a service and leave a user behind. The root's dpkg database starts as a copy
#      of this machine's, so the package's dependencies are checked against what is installed
#      here, and the installed binaries run on this machine's libraries;
#   4. checks the installed files, the conffiles, the man page (every option of --help), the
#      user made by postinst and the unit's enablement; runs the installed
#      `linkwatchd --check-config` on the installed /etc/linkwatch/linkwatch.yml (and on the
#      installed province), promtool and amtool on the installed examples,
#      `systemd-analyze verify` on the installed unit (a copy whose paths point into the root:
#      verify resolves them on this machine), `systemd-analyze security --offline=true --root`
#      (exposure must be <= 1.5, also with the trap-port drop-in), and the installed linkwatchd
#      on the installed config (ready, serving, exit 0 on SIGTERM);
#   5. removes it (only the conffiles and systemd's enablement records stay) and purges it
#      (nothing of it stays; the user linkwatch does, as Debian keeps system users).
# What it cannot show: systemd starting the unit (nothing boots in the root), apt resolving
# the dependencies from a repository.
# Usage: package_test.sh CPACK_COMMAND BUILD_DIR [SANITIZE]
set -euo pipefail
cpack=$1 build=$2 sanitize=${3:-0}

if [ "$sanitize" = 1 ]; then
  # The sanitizer pass checks the code; a package of AddressSanitizer binaries is nothing
  # anyone installs. The package is tested from the plain build (tools/test.sh's first pass).
  echo "SKIP: a sanitizer build (LINKWATCH_SANITIZE=ON) is not packaged"
  exit 77
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: dpkg --root needs root to give the installed files their owners; run as root (CI does)"
  exit 77
fi
for tool in dpkg dpkg-deb lintian systemd-analyze deb-systemd-helper groff curl python3 promtool amtool; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (tools/install-deps.sh installs it)"; exit 1; }
done

work=$(mktemp -d /tmp/linkwatch-package-test.XXXXXX)
pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# 1. build
"$cpack" --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/out/linkwatch_*_amd64.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then fail "no single linkwatch_<version>_amd64.deb in $work/out"; fi
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
[ "$(basename "$deb")" = "linkwatch_${version}_amd64.deb" ] || fail "file name $(basename "$deb")"
ok "built $(basename "$deb")"
changelog_version=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/linkwatch/changelog.gz | gzip -dc |
  sed -n '1s/^linkwatch (\([^)]*\)).*/\1/p')
[ "$changelog_version" = "$version" ] ||
  fail "packaging/debian/changelog's top entry is $changelog_version, the package $version (bump both)"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libsnmp40 libyaml-cpp0.7 libcivetweb1 libssl3 adduser; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
ok "Depends: $depends"

# 2. lintian
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 ||
  { cat "$work/lintian.log"; fail "lintian reports errors"; }
grep -v '^running with root' "$work/lintian.log" | sed 's/^/lintian: /' || true
ok "lintian: no errors"

# 3. install into a throw-away root that looks like a Debian system to dpkg and systemd
root=$work/root
mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers} "$root"/etc/systemd/system "$root"/var/lib/systemd
cp /var/lib/dpkg/status "$root/var/lib/dpkg/status"
touch "$root/var/lib/dpkg/available"
dpkg-query -W -f='${binary:Package}\n' | while read -r p; do : >"$root/var/lib/dpkg/info/$p.list"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
: >"$root/etc/shadow"; : >"$root/etc/gshadow"
snapshot() { (cd "$root" && find . -path ./var/lib/dpkg -prune -o -print | sort); }
snapshot >"$work/before"
dpkg_root() { dpkg --root="$root" --force-script-chrootless --log="$work/dpkg.log" "$@"; }
dpkg_root -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }
ok "installed into $root"

# 4. what is installed
for f in usr/bin/linkwatchd usr/bin/linkwatch-sim usr/bin/linkwatch-report; do
  [ -x "$root/$f" ] || fail "/$f missing or not executable"
done
for f in lib/systemd/system/linkwatchd.service etc/linkwatch/linkwatch.yml \
         etc/linkwatch/modules/system.yml etc/linkwatch/modules/if_mib.yml \
         usr/lib/sysusers.d/linkwatch.conf \
         usr/share/linkwatch/prometheus/rules/linkwatch-alerts.yml \
         usr/share/linkwatch/prometheus/rules/linkwatch-recording.yml \
         usr/share/linkwatch/prometheus/rules/linkwatch-energy.yml \
         usr/share/linkwatch/prometheus/prometheus.yml \
         usr/share/linkwatch/alertmanager/alertmanager.yml \
         usr/share/linkwatch/grafana/dashboards/province-overview.json \
         usr/share/linkwatch/grafana/provisioning/dashboards/linkwatch.yml \
         usr/share/linkwatch/systemd/trap-port.conf \
         usr/share/linkwatch/nghe-an/districts.csv \
         usr/share/man/man8/linkwatchd.8.gz usr/share/man/man1/linkwatch-sim.1.gz \
         usr/share/doc/linkwatch/copyright usr/share/doc/linkwatch/changelog.gz \
         usr/share/doc/linkwatch/README.md usr/share/doc/linkwatch/api.md; do
  [ -f "$root/$f" ] || fail "/$f missing"
done
[ "$(readlink "$root/usr/share/linkwatch/modules")" = /etc/linkwatch/modules ] ||
  fail "/usr/share/linkwatch/modules does not lead to /etc/linkwatch/modules"
if dpkg-deb -c "$deb" | grep -q '\./usr/local/'; then fail "files under /usr/local"; fi
# Every file under /etc is a conffile, and every conffile is under /etc.
dpkg-deb -c "$deb" | awk '$1 ~ /^-/ {print substr($6, 2)}' | grep '^/etc/' | sort >"$work/etc_files"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}\n' linkwatch | awk 'NF {print $1}' | sort >"$work/conffiles"
diff "$work/etc_files" "$work/conffiles" || fail "conffiles differ from the files in /etc"
ok "$(wc -l <"$work/conffiles") conffiles, every file in /etc"
# The man page, rendered, names every option that --help lists.
zcat "$root/usr/share/man/man8/linkwatchd.8.gz" | groff -man -Tutf8 -P-cbou 2>/dev/null |
  sed 's/\xe2\x80\x90/-/g' >"$work/man.txt"
for opt in $("$root/usr/bin/linkwatchd" --help | grep -o -- '--[a-z][a-z.-]*' | sort -u); do
  grep -q -- "$opt" "$work/man.txt" || fail "linkwatchd(8) does not describe $opt"
done
ok "linkwatchd(8) describes every option of --help"
[ "$("$root/usr/bin/linkwatchd" --version)" = "linkwatchd ${version%%-*}" ] || fail "linkwatchd --version"
out=$("$root/usr/bin/linkwatchd" --check-config "$root/etc/linkwatch/linkwatch.yml" 2>&1) ||
  { echo "$out"; fail "the installed linkwatchd rejects the installed /etc/linkwatch/linkwatch.yml"; }
echo "$out" | grep -q ': OK (' || fail "check-config said: $out"
ok "linkwatchd --check-config /etc/linkwatch/linkwatch.yml: $out"
"$root/usr/bin/linkwatch-report" --help | grep -q -- '--month' || fail "the installed linkwatch-report does not run"
ok "linkwatch-report runs where it is installed"
# The shipped Prometheus and Alertmanager examples work where they are installed (the
# rules are found relative to prometheus.yml).
promtool check config "$root/usr/share/linkwatch/prometheus/prometheus.yml" >"$work/promtool.log" 2>&1 ||
  { cat "$work/promtool.log"; fail "promtool check config on the installed prometheus.yml"; }
rule_files=$(find "$root/usr/share/linkwatch/prometheus/rules" -name '*.yml' | wc -l)
if [ "$rule_files" -eq 0 ] || ! grep -q "SUCCESS: $rule_files rule files found" "$work/promtool.log"; then
  cat "$work/promtool.log"
  fail "the installed prometheus.yml does not find the $rule_files installed rule files"
fi
amtool check-config "$root/usr/share/linkwatch/alertmanager/alertmanager.yml" >"$work/amtool.log" 2>&1 ||
  { cat "$work/amtool.log"; fail "amtool check-config on the installed alertmanager.yml"; }
ok "the installed prometheus.yml (with its rules) and alertmanager.yml check"
# linkwatch-sim finds the installed province by itself (sim/data_dir.h).
"$root/usr/bin/linkwatch-sim" --help | grep -q -- "--province-dir TEXT=$root/usr/share/linkwatch/nghe-an\$" ||
  fail "the installed linkwatch-sim does not default to /usr/share/linkwatch/nghe-an"
ok "linkwatch-sim defaults to the installed province"
# The province that linkwatch-sim serves, as installed; its ../modules/ is an absolute symlink
# that would resolve on this machine, so the check reads a copy with the root's modules.
mkdir -p "$work/province"
cp -r "$root/usr/share/linkwatch/nghe-an" "$work/province/"
cp -r "$root/etc/linkwatch/modules" "$work/province/modules"
"$root/usr/bin/linkwatchd" --check-config "$work/province/nghe-an/linkwatch.yml" >/dev/null 2>&1 ||
  fail "/usr/share/linkwatch/nghe-an/linkwatch.yml does not check"

# The unit: its user exists, its paths exist in the install, it verifies, it is hardened.
unit=$root/lib/systemd/system/linkwatchd.service
user=$(sed -n 's/^User=//p' "$unit")
[ "$user" = linkwatch ] || fail "unit User=$user"
grep -q "^linkwatch:x:[0-9]*:[0-9]*:.*:/nonexistent:/usr/sbin/nologin\$" "$root/etc/passwd" || fail "postinst made no user linkwatch"
grep -q '^linkwatch:' "$root/etc/group" || fail "postinst made no group linkwatch"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = "/usr/bin/linkwatchd --config /etc/linkwatch/linkwatch.yml" ] || fail "ExecStart=$exec_start"
grep -q '^ConfigurationDirectory=linkwatch$' "$unit" || fail "ConfigurationDirectory"
read -r -a docs < <(sed -n 's/^Documentation=//p' "$unit")
for doc in "${docs[@]}"; do
  case $doc in
    file:*) [ -f "$root/${doc#file:}" ] || fail "Documentation=$doc not installed" ;;
    man:*) page=${doc#man:}; [ -f "$root/usr/share/man/man${page//[^0-9]/}/${page%%(*}.${page//[^0-9]/}.gz" ] || fail "Documentation=$doc not installed" ;;
  esac
done
[ -L "$root/etc/systemd/system/multi-user.target.wants/linkwatchd.service" ] || fail "postinst did not enable the unit"
sed -e "s|/usr/bin/linkwatchd|$root/usr/bin/linkwatchd|" -e "s|file:/usr/share/|file:$root/usr/share/|" \
  "$unit" >"$work/linkwatchd.service"
MANPATH=$root/usr/share/man systemd-analyze verify "$work/linkwatchd.service" >"$work/verify.log" 2>&1 ||
  { cat "$work/verify.log"; fail "systemd-analyze verify"; }
[ ! -s "$work/verify.log" ] || { cat "$work/verify.log"; fail "systemd-analyze verify printed warnings"; }
ok "systemd-analyze verify"
systemd-analyze security --offline=true --root="$root" linkwatchd.service >"$work/security.log" 2>&1 ||
  { cat "$work/security.log"; fail "systemd-analyze security"; }
exposure=$(sed -n 's/.*Overall exposure level for linkwatchd.service: \([0-9.]*\).*/\1/p' "$work/security.log")
[ -n "$exposure" ] || { cat "$work/security.log"; fail "no exposure level"; }
awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }' || { cat "$work/security.log"; fail "exposure $exposure > 1.5"; }
ok "systemd-analyze security: exposure $exposure"
exposure_of() {  # security with the root as it is now
  systemd-analyze security --offline=true --root="$root" linkwatchd.service 2>&1 |
    sed -n 's/.*Overall exposure level for linkwatchd.service: \([0-9.]*\).*/\1/p'
}
# With the shipped drop-in for traps on port 162 (a capability, PrivateUsers=no) in place.
mkdir -p "$root/etc/systemd/system/linkwatchd.service.d"
cp "$root/usr/share/linkwatch/systemd/trap-port.conf" "$root/etc/systemd/system/linkwatchd.service.d/"
trap_exposure=$(exposure_of)
rm -r "$root/etc/systemd/system/linkwatchd.service.d"
awk -v e="$trap_exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }' || fail "exposure with trap-port.conf: '$trap_exposure' > 1.5"
ok "systemd-analyze security with trap-port.conf: exposure $trap_exposure"

# The installed daemon runs on the installed config: ready, serving /metrics with the
# example's target (127.0.0.1:161) in it, and stopping with 0 on SIGTERM. Its first poll may
# come any time in the 60 s interval, and whether an snmpd answers does not matter here: the
# target's state series are there from the start. The port: a free one instead of 9730.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/usr/bin/linkwatchd" --config "$root/etc/linkwatch/linkwatch.yml" --listen-address "127.0.0.1:$port" \
  >"$work/linkwatchd.log" 2>&1 &
pid=$!
ready=0
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ "$ready" = 1 ] || { kill "$pid" 2>/dev/null; cat "$work/linkwatchd.log"; fail "the installed linkwatchd did not get ready"; }
served=0
for _ in $(seq 1 50); do
  if curl -fs "http://127.0.0.1:$port/metrics" | grep -q '^linkwatch_target_state{target="localhost",'; then served=1; break; fi
  sleep 0.1
done
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=""
[ "$served" = 1 ] || { cat "$work/linkwatchd.log"; fail "no linkwatch_target_state for the example's target"; }
[ "$rc" = 0 ] || { cat "$work/linkwatchd.log"; fail "linkwatchd exited $rc on SIGTERM"; }
ok "the installed linkwatchd runs the installed config (ready, its target served, stopped with 0)"

# 5. remove, then purge
snapshot >"$work/installed"
dpkg_root -r linkwatch >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r"; }
snapshot >"$work/removed"
# Allowed to stay: the conffiles (and their directories), systemd's records of the unit
# (enabled, masked while removed: deb-systemd-helper, as with debhelper-built packages), and
# the user databases' backups from making the user.
printf '%s\n' './etc/passwd-' './etc/group-' './etc/shadow-' './etc/gshadow-' './etc/\.pwd\.lock' \
  >"$work/user_db"
{ cat "$work/user_db"
  printf '%s\n' './etc/linkwatch' './etc/linkwatch/modules' \
    './etc/systemd/system/linkwatchd\.service' './etc/systemd/system/multi-user\.target\.wants' \
    './etc/systemd/system/multi-user\.target\.wants/linkwatchd\.service' \
    './var/lib/systemd/deb-systemd-helper-.*'
  sed 's|^/|./|' "$work/conffiles"
} >"$work/may_stay"
comm -13 "$work/before" "$work/removed" | grep -v -x -f "$work/may_stay" >"$work/left" &&
  { cat "$work/left"; fail "left after remove (above)"; }
while read -r f; do [ -f "$root$f" ] || fail "conffile $f gone after remove"; done <"$work/conffiles"
[ ! -e "$root/usr/bin/linkwatchd" ] || fail "/usr/bin/linkwatchd left after remove"
ok "removed: only conffiles and systemd's records stay"
dpkg_root -P linkwatch >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P"; }
snapshot >"$work/purged"
comm -13 "$work/before" "$work/purged" | grep -v -x -f "$work/user_db" >"$work/left" &&
  { cat "$work/left"; fail "left after purge (above)"; }
comm -23 "$work/before" "$work/purged" >"$work/lost"
[ ! -s "$work/lost" ] || { cat "$work/lost"; fail "purge removed files that were there before"; }
dpkg-query --admindir="$root/var/lib/dpkg" -W linkwatch >/dev/null 2>&1 &&
  [ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Status}' linkwatch)" != not-installed ] &&
  fail "dpkg still knows linkwatch after purge"
grep -q '^linkwatch:' "$root/etc/passwd" || fail "purge removed the user linkwatch (Debian keeps system users)"
ok "purged: nothing of it left"
echo "package test: all checks passed"
