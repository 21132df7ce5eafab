#!/usr/bin/env bash
# Checks the scale-out example files in deploy/ (docs/scale-out.md) with the programs that
# read them: linkwatchd --check-config on the region's config (its shard prints what it owns),
# vmagent -dryRun on its scrape config, every flag of the /etc/default files known to the
# binary it is for, systemd-analyze verify on the units, vmalert -dryRun on the shipped rules.
# Usage: tests/tools/deploy_files_test.sh SOURCE_DIR LINKWATCHD
set -euo pipefail
src=$(cd "$1" && pwd)
linkwatchd=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# The region's linkwatchd config, with /etc/linkwatch/ standing for a copy of the shipped parts.
cp -r "$src/config/modules" "$work/modules"
cp -r "$src/config/nghe-an/inventory" "$work/inventory"
# (the auths only: admin_versions belongs to the top file, which deploy/region declares too)
sed -n '/^auths:/,$p' "$src/config/nghe-an/linkwatch.yml" | sed '/^admin_versions:/,$d' > "$work/auths.yml"
sed "s|/etc/linkwatch/|$work/|" "$src/deploy/region/linkwatch.yml" > "$work/linkwatch.yml"
chmod 600 "$work/linkwatch.yml" "$work/auths.yml"
out=$("$linkwatchd" --check-config "$work/linkwatch.yml" 2>&1) || bad "linkwatchd --check-config deploy/region/linkwatch.yml: $out"
grep -q '^shard 1/3: owns [0-9]* subtrees' <<<"$out" || bad "no shard summary in: $out"

vmagent -dryRun -promscrape.config="$src/deploy/region/vmagent-scrape.yml" >"$work/vmagent.log" 2>&1 ||
  bad "vmagent -dryRun deploy/region/vmagent-scrape.yml: $(tail -5 "$work/vmagent.log")"
vmalert -dryRun -rule="$src/dashboards/prometheus/rules/*.yml" >"$work/vmalert.log" 2>&1 ||
  bad "vmalert -dryRun dashboards/prometheus/rules: $(tail -5 "$work/vmalert.log")"

# Every -flag in ARGS of an /etc/default file must be one its binary knows.
check_flags() {
  local file=$1 binary=$2 help flag
  help=$("$binary" -help 2>&1 || true)
  for flag in $(grep -o -- ' -[A-Za-z][A-Za-z0-9.]*=' "$file" | tr -d ' =' | sort -u); do
    grep -q -- "^  $flag " <<<"$help" || bad "$file: $binary has no flag $flag"
  done
}
check_flags "$src/deploy/region/vmagent-linkwatch.default" vmagent
check_flags "$src/deploy/centre/vmalert-linkwatch.default" vmalert
check_flags "$src/deploy/centre/victoria-metrics.default" victoria-metrics

if command -v systemd-analyze >/dev/null; then
  for unit in "$src"/deploy/systemd/*.service; do
    systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || bad "systemd-analyze verify $unit: $(cat "$work/verify.log")"
  done
fi
[ "$fail" = 0 ] && echo "deploy/ files: OK"
exit "$fail"
