#!/usr/bin/env bash
# Sizing of a scaled-out linkwatch (docs/scale-out.md, "Sizing"): the whole simulated province
# split over N linkwatchd shards, a vmagent per shard remote-writing to one VictoriaMetrics,
# all on loopback. After MINUTES it prints, per shard, the series served, the bytes vmagent
# sent (compressed, as on the WAN) and the samples they carried, and the memory (RSS) of
# every process.
#
#   bench/scale_out_sizing.sh BUILD_DIR [MINUTES=5] [SHARDS=3] [INTERVAL_S=60]
#
# Needs Debian's victoria-metrics (vmagent) and python3 (free ports). Everything it starts it
# stops on exit; its files are in a temp dir, removed on exit.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [MINUTES] [SHARDS] [INTERVAL_S]}
minutes=${2:-5}
shards=${3:-3}
interval=${4:-60}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/lw-scale-out-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_$1);s.bind(('127.0.0.1',0));print(s.getsockname()[1])"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
metric() { curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m) == 1 {s += $NF} END {printf "%.0f\n", s}'; }

sim_port=$(port DGRAM)
ctl_port=$(port STREAM)
cp -r "$src/config/modules" "$work/modules"
mkdir -p "$work/nghe-an/inventory"
for f in "$src"/config/nghe-an/inventory/*.yml; do
  sed "s/:1161\$/:$sim_port/" "$f" > "$work/nghe-an/inventory/$(basename "$f")"
done
"$build/sim/linkwatch-sim" --port "$sim_port" --control-port "$ctl_port" --no-random-failures \
  > "$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$ctl_port/state?target=vinh-core" >/dev/null 2>&1 && break; sleep 0.5; done

vm_port=$(port STREAM)
victoria-metrics -storageDataPath="$work/vm" -httpListenAddr="127.0.0.1:$vm_port" -loggerLevel=WARN \
  > "$work/vm.log" 2>&1 &
vm_pid=$!
pids+=("$vm_pid")

declare -a lw_port lw_pid va_port va_pid
for ((i = 0; i < shards; i++)); do
  lw_port[i]=$(port STREAM)
  va_port[i]=$(port STREAM)
  sed -e "s/^  interval: .*/  interval: ${interval}s/" \
      -e "s/^global:\$/global:\n  shard: {index: $i, count: $shards}\n  external_labels: {collector: region-$i}/" \
      "$src/config/nghe-an/linkwatch.yml" > "$work/nghe-an/shard-$i.yml"
  chmod 600 "$work/nghe-an/shard-$i.yml"
  "$build/daemon/linkwatchd" --config "$work/nghe-an/shard-$i.yml" --listen-address "127.0.0.1:${lw_port[i]}" \
    --log-level warn > "$work/linkwatchd-$i.log" 2>&1 &
  lw_pid[i]=$!
  pids+=("${lw_pid[i]}")
  cat > "$work/vmagent-$i.yml" <<EOF
global: {scrape_interval: ${interval}s, scrape_timeout: $((interval / 2 + 1))s}
scrape_configs:
  - job_name: linkwatch
    honor_labels: true
    static_configs: [{targets: ["127.0.0.1:${lw_port[i]}"], labels: {collector: region-$i}}]
EOF
  vmagent -promscrape.config="$work/vmagent-$i.yml" -remoteWrite.url="http://127.0.0.1:$vm_port/api/v1/write" \
    -remoteWrite.tmpDataPath="$work/buffer-$i" -httpListenAddr="127.0.0.1:${va_port[i]}" -loggerLevel=WARN \
    > "$work/vmagent-$i.log" 2>&1 &
  va_pid[i]=$!
  pids+=("${va_pid[i]}")
done

echo "province split over $shards shards, ${interval}s interval; measuring for $minutes min"
sleep 30  # first polls
start=$(date +%s.%N)
declare -a b0 r0
for ((i = 0; i < shards; i++)); do
  b0[i]=$(metric "${va_port[i]}" vmagent_remotewrite_bytes_sent_total)
  r0[i]=$(metric "${va_port[i]}" vmagent_remotewrite_rows_pushed_after_relabel_total)
done
sleep $((minutes * 60))
end=$(date +%s.%N)
for ((i = 0; i < shards; i++)); do
  series=$(metric "${lw_port[i]}" "linkwatch_series{")
  owned=$(metric "${lw_port[i]}" "linkwatch_shard_targets_owned{")
  bytes=$(( $(metric "${va_port[i]}" vmagent_remotewrite_bytes_sent_total) - b0[i] ))
  rows=$(( $(metric "${va_port[i]}" vmagent_remotewrite_rows_pushed_after_relabel_total) - r0[i] ))
  awk -v i="$i" -v s="$series" -v o="$owned" -v b="$bytes" -v r="$rows" -v t="$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" -v n="$shards" \
      -v lw="$(rss "${lw_pid[i]}")" -v va="$(rss "${va_pid[i]}")" 'BEGIN {
    printf "shard %d/%s: %d targets owned, %d series; sent %.0f B/s compressed, %.1f B/sample, %.1f MB/hour; linkwatchd %d MiB, vmagent %d MiB RSS\n",
      i, n, o, s, b / t, (r ? b / r : 0), b / t * 3600 / 1e6, lw / 1024, va / 1024 }'
done
echo "victoria-metrics: $(( $(rss "$vm_pid") / 1024 )) MiB RSS, $(curl -fsS "http://127.0.0.1:$vm_port/api/v1/series/count" ) series"
