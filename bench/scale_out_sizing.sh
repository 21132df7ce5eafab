#!/usr/bin/env bash
# Sizing of a scaled-out linkwatch (docs/scale-out.md, "Sizing"): the whole simulated province
# (or, with --scale N, N synthetic devices) split over N linkwatchd shards, a vmagent per shard
# remote-writing to one VictoriaMetrics, all on loopback. After MINUTES it prints, per shard,
# the series served, the bytes vmagent sent (compressed, as on the WAN) and the samples they
# carried, the memory (RSS) and CPU (cores used over the window) of every process.
#
#   bench/scale_out_sizing.sh [--scale N [--copies K]] BUILD_DIR [MINUTES=5] [SHARDS=3] [INTERVAL_S=60]
#
# --scale N: linkwatch-sim --scale N (flat: every device a root, so a region of its own,
# served on 127.100.x.y from one UDP port) and the config it writes (--write-config) instead of
# the province. linkwatchd shares one socket among its v1/v2c targets but keeps one per SNMPv3
# target (the set's gateways, a tenth of it): each such socket holds a local UDP port, and all
# shards on one machine share its ephemeral range (net.ipv4.ip_local_port_range, 28,232 ports
# by default; in the field each shard has its own machine). The script refuses to take more
# than half the range.
# --copies K (with --scale): run only shard 0 of SHARDS, for real, and K vmagents that all
# scrape it, each renaming `target` (copy-k-...) and `collector` (region-k): the centre then
# receives what K regions of that size would send (K x the series, the same label shapes and
# value changes), and each vmagent does a region's work. linkwatchd's CPU then includes K
# scrapes per interval instead of one.
#
# Needs Debian's victoria-metrics (vmagent) and python3 (free ports). Everything it starts it
# stops on exit; its files are in a temp dir, removed on exit. It stops early (and says so) if
# the machine's available memory falls under 2 GiB.
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^$/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
scale=0
copies=0
if [[ ${1:-} == --scale ]]; then
  scale=${2:?--scale needs N}
  shift 2
  if [[ ${1:-} == --copies ]]; then
    copies=${2:?--copies needs K}
    shift 2
  fi
fi
build=${1:?usage: $0 [--scale N] BUILD_DIR [MINUTES] [SHARDS] [INTERVAL_S]}
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
# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
mem_available_kib() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
# Sleeps N seconds, checking memory every 5 s: the machine is shared.
guarded_sleep() {
  local left=$1
  while ((left > 0)); do
    sleep $((left < 5 ? left : 5))
    left=$((left - 5))
    if (($(mem_available_kib) < 2 * 1024 * 1024)); then
      echo "stopping: under 2 GiB of memory available" >&2
      exit 3
    fi
  done
}
metric() { curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m) == 1 {s += $NF} END {printf "%.0f\n", s}'; }

sim_port=$(port DGRAM)
ctl_port=$(port STREAM)
cp -r "$src/config/modules" "$work/modules"
mkdir -p "$work/nghe-an/inventory"
if ((scale > 0)); then
  # One flat file; shards are made from it below as from the province's top file.
  "$build/sim/linkwatch-sim" --scale "$scale" --port "$sim_port" --write-config "$work/nghe-an/linkwatch.yml" \
    > "$work/sim-write.log" 2>&1
  base="$work/nghe-an/linkwatch.yml"
  probe="scale-core"
  sim_args=(--scale "$scale")
  # One socket per SNMPv3 target: raise the soft limit to the hard one.
  ulimit -n "$(ulimit -Hn)"
  # The simulator answers every SNMPv3 device with one engine ID (clones, as linkwatchd
  # warns, ten lines per ID): errors only.
  lw_log=error
else
  for f in "$src"/config/nghe-an/inventory/*.yml; do
    sed "s/:1161\$/:$sim_port/" "$f" > "$work/nghe-an/inventory/$(basename "$f")"
  done
  base="$src/config/nghe-an/linkwatch.yml"
  probe="vinh-core"
  sim_args=()
  lw_log=warn
fi
# The simulator stands for the devices, not for what is measured: not niced, so that on a
# shared machine it is not starved into dropping requests (which would look like dead devices).
"$build/sim/linkwatch-sim" "${sim_args[@]}" --port "$sim_port" --control-port "$ctl_port" --no-random-failures \
  > "$work/sim.log" 2>&1 &
sim_pid=$!
pids+=("$sim_pid")
for _ in $(seq 200); do curl -fsS "http://127.0.0.1:$ctl_port/state?target=$probe" >/dev/null 2>&1 && break; sleep 0.5; done

vm_port=$(port STREAM)
nice victoria-metrics -storageDataPath="$work/vm" -httpListenAddr="127.0.0.1:$vm_port" -loggerLevel=WARN \
  > "$work/vm.log" 2>&1 &
vm_pid=$!
pids+=("$vm_pid")

n_lw=$((copies > 0 ? 1 : shards))
n_va=$((copies > 0 ? copies : shards))
if ((scale > 0)); then
  range=$(awk '{print $2 - $1 + 1}' /proc/sys/net/ipv4/ip_local_port_range)
  v3=$(grep -c 'auth: province_v3' "$base" || true)
  need=$(((v3 * n_lw + shards - 1) / shards))
  if ((need > range / 2)); then
    echo "$need SNMPv3 targets polled at once would take $need of this machine's $range ephemeral UDP ports" \
      "(one each): use more shards or --copies" >&2
    exit 2
  fi
fi

declare -a lw_port lw_pid va_port va_pid
for ((i = 0; i < n_lw; i++)); do
  lw_port[i]=$(port STREAM)
  sed -e "s/^  interval: .*/  interval: ${interval}s/" \
      -e "s/^global:\$/global:\n  shard: {index: $i, count: $shards}\n  external_labels: {collector: region-$i}/" \
      "$base" > "$work/nghe-an/shard-$i.yml"
  chmod 600 "$work/nghe-an/shard-$i.yml"
  nice "$build/daemon/linkwatchd" --config "$work/nghe-an/shard-$i.yml" --listen-address "127.0.0.1:${lw_port[i]}" \
    --log-level "$lw_log" > "$work/linkwatchd-$i.log" 2>&1 &
  lw_pid[i]=$!
  pids+=("${lw_pid[i]}")
  # Shards start a few seconds apart, as separate machines would: every shard's first polls
  # in the same 10 s would otherwise all land on the simulator's one socket at once.
  if ((scale > 0 && n_lw > 1)); then sleep 5; fi
done
for ((i = 0; i < n_va; i++)); do
  va_port[i]=$(port STREAM)
  src_lw=$((copies > 0 ? 0 : i))
  cat > "$work/vmagent-$i.yml" <<EOF
global: {scrape_interval: ${interval}s, scrape_timeout: $((interval / 2 + 1))s}
scrape_configs:
  - job_name: linkwatch
    honor_labels: true
    static_configs: [{targets: ["127.0.0.1:${lw_port[src_lw]}"], labels: {collector: region-$i}}]
    stream_parse: $([[ $scale -gt 0 ]] && echo true || echo false)
EOF
  if ((copies > 0)); then
    cat >> "$work/vmagent-$i.yml" <<EOF
    metric_relabel_configs:
      - {source_labels: [target], regex: "(.+)", target_label: target, replacement: "copy-$i-\$1"}
      - {target_label: collector, replacement: region-$i}
EOF
  fi
  # A shard of 12,500 targets serves over 100 MB of /metrics: above vmagent's default
  # -promscrape.maxScrapeSize (16 MiB), where every scrape would fail.
  nice vmagent -promscrape.config="$work/vmagent-$i.yml" -promscrape.maxScrapeSize=1GiB -remoteWrite.url="http://127.0.0.1:$vm_port/api/v1/write" \
    -remoteWrite.tmpDataPath="$work/buffer-$i" -httpListenAddr="127.0.0.1:${va_port[i]}" -loggerLevel=WARN \
    > "$work/vmagent-$i.log" 2>&1 &
  va_pid[i]=$!
  pids+=("${va_pid[i]}")
done

what=province
((scale > 0)) && what="$scale simulated devices"
if ((copies > 0)); then
  echo "$what split over $shards shards, shard 0 run and sent to the centre as $copies regions;" \
    "${interval}s interval; measuring for $minutes min"
else
  echo "$what split over $shards shards, ${interval}s interval; measuring for $minutes min"
fi
# The first polls (spread over 10 s) and the first scrape that carries them.
guarded_sleep $((scale > 0 ? interval + 30 : 30))
# Targets up, of those polled, on shard i (its JSON API: small, unlike /metrics).
up_of() { curl -fsS --max-time 20 "http://127.0.0.1:${lw_port[$1]}/api/v1/status" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["counts"]["up"], j["sites"])' || echo "0 0"; }
# Measure once every shard has every target up (bounded: 10 intervals).
for ((k = 0; k < 10; k++)); do
  all=1
  line=""
  for ((i = 0; i < n_lw; i++)); do
    read -r u n < <(up_of "$i")
    line+=" $u/$n"
    ((u == n && n > 0)) || all=0
  done
  echo "$(date -u +%T) up per shard:$line"
  ((all)) && break
  guarded_sleep "$interval"
done
start=$(date +%s.%N)
declare -a b0 r0 c0_lw c0_va
for ((i = 0; i < n_lw; i++)); do c0_lw[i]=$(cpu_ticks "${lw_pid[i]}"); done
for ((i = 0; i < n_va; i++)); do
  b0[i]=$(metric "${va_port[i]}" vmagent_remotewrite_bytes_sent_total)
  r0[i]=$(metric "${va_port[i]}" vmagent_remotewrite_rows_pushed_after_relabel_total)
  c0_va[i]=$(cpu_ticks "${va_pid[i]}")
done
c0_vm=$(cpu_ticks "$vm_pid")
c0_sim=$(cpu_ticks "$sim_pid")
guarded_sleep $((minutes * 60))
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
cores() { awk -v a="$1" -v b="$2" -v t="$secs" -v h="$tck" 'BEGIN {printf "%.3f", (b - a) / h / t}'; }
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)"
for ((i = 0; i < n_lw; i++)); do
  series=$(metric "${lw_port[i]}" "linkwatch_series{")
  owned=$(metric "${lw_port[i]}" "linkwatch_shard_targets_owned{")
  # Coverage: targets up (answering) at the end.
  read -r up _ < <(up_of "$i")
  echo "linkwatchd shard $i/$shards: $owned targets owned, $up up, $series series;" \
    "$(( $(rss "${lw_pid[i]}") / 1024 )) MiB RSS, $(cores "${c0_lw[i]}" "$(cpu_ticks "${lw_pid[i]}")") cores"
done
for ((i = 0; i < n_va; i++)); do
  bytes=$(( $(metric "${va_port[i]}" vmagent_remotewrite_bytes_sent_total) - b0[i] ))
  rows=$(( $(metric "${va_port[i]}" vmagent_remotewrite_rows_pushed_after_relabel_total) - r0[i] ))
  awk -v i="$i" -v b="$bytes" -v r="$rows" -v t="$secs" -v va="$(rss "${va_pid[i]}")" \
      -v cva="$(cores "${c0_va[i]}" "$(cpu_ticks "${va_pid[i]}")")" 'BEGIN {
    printf "vmagent region-%d: sent %.0f B/s compressed, %.0f samples/s, %.1f B/sample, %.1f MB/hour; %d MiB RSS, %s cores",
      i, b / t, r / t, (r ? b / r : 0), b / t * 3600 / 1e6, va / 1024, cva }'
  echo "; scrapes $(metric "${va_port[i]}" vm_promscrape_scrapes_total), failed" \
    "$(metric "${va_port[i]}" vm_promscrape_scrapes_failed_total), timed out" \
    "$(metric "${va_port[i]}" vm_promscrape_scrapes_timed_out_total)"
done
echo "victoria-metrics: $(( $(rss "$vm_pid") / 1024 )) MiB RSS, $(cores "$c0_vm" "$(cpu_ticks "$vm_pid")") cores, $(curl -fsS "http://127.0.0.1:$vm_port/api/v1/series/count" ) series"
echo "linkwatch-sim: $(( $(rss "$sim_pid") / 1024 )) MiB RSS, $(cores "$c0_sim" "$(cpu_ticks "$sim_pid")") cores," \
  "$(awk -v p="$(printf ':%04X' "$sim_port")" '$2 ~ p"$" {d += $NF} END {print d + 0}' /proc/net/udp) datagrams dropped"
