#!/usr/bin/env bash
# The demo: the simulated Nghệ An province (linkwatch-sim, ~2,850 devices on 127.x.y.z:1161)
# polled by linkwatchd, scraped by a Prometheus with the shipped rules, alerts to an
# Alertmanager; all on loopback. Ctrl-C stops everything.
#   tools/demo.sh                 run until Ctrl-C
#   tools/demo.sh --cut ky-son    once every site is polled, cut Kỳ Sơn's WAN link and show it
#   tools/demo.sh --duration 300  stop by itself after 300 s
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cut=""
duration=0
interval=15s
while [ $# -gt 0 ]; do
  case "$1" in
    --cut) cut=$2; shift ;;
    --duration) duration=$2; shift ;;
    --interval) interval=$2; shift ;;
    *) echo "usage: tools/demo.sh [--cut DISTRICT_SLUG] [--duration SECONDS] [--interval 15s]" >&2; exit 2 ;;
  esac
  shift
done

tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target linkwatchd linkwatch-sim -j"$(nproc)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# SO_REUSEADDR as the servers use it, so a port in TIME_WAIT from a previous run is free.
port_busy() { python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[2]=='udp' else socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$1" "$2" 2>/dev/null && return 1 || return 0; }

# The province config names every device at 127.x.y.z:1161, and tools expect the control
# on 9731: those two ports are fixed.
for p in "1161 udp" "9731 tcp"; do
  if port_busy $p; then echo "demo: port ${p% *}/${p#* } is in use (another demo running?)" >&2; exit 1; fi
done
lw_port=9730; port_busy $lw_port tcp && lw_port=$(free_port)
prom_port=$(free_port)
am_port=$(free_port)

work=$(mktemp -d /tmp/linkwatch-demo.XXXXXX)
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "demo: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup INT TERM EXIT

# linkwatchd's config: the province's, with a shorter interval so the demo moves.
sed -e "s|^  interval: .*|  interval: $interval|" \
    -e "s|^  - \.\./modules/|  - $root/config/modules/|" \
    -e "s|^  - inventory/|  - $root/config/nghe-an/inventory/|" \
    config/nghe-an/linkwatch.yml > "$work/linkwatch.yml"
chmod 600 "$work/linkwatch.yml"

build/sim/linkwatch-sim --province-dir config/nghe-an >"$work/sim.log" 2>&1 &
pids+=($!)
build/daemon/linkwatchd --config "$work/linkwatch.yml" --listen-address 127.0.0.1:$lw_port >"$work/linkwatchd.log" 2>&1 &
pids+=($!)

cat > "$work/alertmanager.yml" < dashboards/alertmanager/alertmanager.yml
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address=127.0.0.1:$am_port --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 15s
  evaluation_interval: 15s
rule_files:
  - $root/dashboards/prometheus/rules/*.yml
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:$am_port"]}]
scrape_configs:
  - job_name: linkwatch
    static_configs: [{targets: ["127.0.0.1:$lw_port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address=127.0.0.1:$prom_port >"$work/prometheus.log" 2>&1 &
pids+=($!)

states() {  # "up=N down=N unreachable=N unknown=N" from linkwatchd's /metrics
  curl -sf "http://127.0.0.1:$lw_port/metrics" | awk '
    /^linkwatch_target_state\{/ && $NF == 1 { match($0, /state="[a-z]+"/); s = substr($0, RSTART+7, RLENGTH-8); n[s]++ }
    END { printf "up=%d down=%d unreachable=%d unknown=%d", n["up"], n["down"], n["unreachable"], n["unknown"] }'
}

cat <<MSG

linkwatch demo: the simulated Nghệ An province
  linkwatchd     http://127.0.0.1:$lw_port/            (status page)
                 http://127.0.0.1:$lw_port/metrics
  Prometheus     http://127.0.0.1:$prom_port/           (alerts: /alerts)
  Alertmanager   http://127.0.0.1:$am_port/
  simulator      http://127.0.0.1:9731/state
  logs           $work/*.log

Cut a district's WAN link, then watch one down and many unreachable:
  curl -X POST 'http://127.0.0.1:9731/cut?district=ky-son'
  curl -X POST 'http://127.0.0.1:9731/restore'
Ctrl-C stops everything.

MSG

start=$(date +%s)
cut_done=0
while true; do
  sleep 5
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "demo: a process died; see $work/*.log" >&2; tail -5 "$work"/*.log >&2; exit 1; }
  done
  s=$(states || echo "linkwatchd not answering yet")
  echo "$(date +%T)  sites: $s"
  if [ -n "$cut" ] && [ $cut_done -eq 0 ] && [[ "$s" == *"unknown=0"* ]]; then
    echo "demo: every site polled; cutting the WAN link of $cut"
    curl -sf -X POST "http://127.0.0.1:9731/cut?district=$cut" >/dev/null
    cut_done=1
  fi
  if [ $cut_done -eq 1 ]; then
    metrics=$(curl -sf "http://127.0.0.1:$lw_port/metrics" || true)
    root=$(grep -E "^linkwatch_target_state\{target=\"$cut-(wan|gw)\".*state=\"down\"\} 1" <<<"$metrics" | head -1 | cut -d'"' -f2 || true)
    if [ -n "$root" ]; then
      echo "demo: root cause: $root is down; unreachable behind it:" \
        "$(grep -c "^linkwatch_target_root_cause{.*root=\"$root\"" <<<"$metrics" || true) sites (no alert pages for them)"
      cut_done=2
    fi
  fi
  if [ "$duration" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$duration" ]; then break; fi
done
