#!/usr/bin/env bash
# The demo: the simulated Nghệ An province (linkwatch-sim, ~2,850 devices on 127.x.y.z:1161)
# polled by linkwatchd, scraped by a Prometheus with the shipped rules, alerts routed by the
# shipped Alertmanager config to a webhook sink that prints each notification as it arrives.
# All on loopback. Ctrl-C stops everything; the logs stay (their folder is printed).
usage() {
  cat <<'USAGE'
usage: tools/demo.sh [--cut DISTRICT_SLUG] [--duration SECONDS] [--interval 15s]
  --cut SLUG        once every site is polled, cut that district's WAN link and show the root cause
  --duration N      stop by itself after N seconds (default: run until Ctrl-C)
  --interval D      linkwatchd's poll interval (default 15s)
  --help            this text
USAGE
}
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

cut=""
duration=0
interval=15s
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --cut|--duration|--interval)
      [ $# -ge 2 ] || { echo "demo: $1 needs a value" >&2; usage >&2; exit 2; }
      case "$1" in
        --cut) cut=$2 ;;
        --duration) duration=$2 ;;
        --interval) interval=$2 ;;
      esac
      shift ;;
    *) echo "demo: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$duration" in ''|*[!0-9]*) echo "demo: --duration wants whole seconds" >&2; exit 2 ;; esac

tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target linkwatchd linkwatch-sim -j"$(nproc)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# SO_REUSEADDR as the servers use it, so a port in TIME_WAIT from a previous run is free.
port_busy() { python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[2]=='udp' else socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$1" "$2" 2>/dev/null && return 1 || return 0; }

# The province config names every device at 127.x.y.z:1161, and tools expect the control
# on 9731: those two ports are fixed.
for p in "1161 udp" "9731 tcp"; do
  # shellcheck disable=SC2086 # "port protocol" splits into two arguments on purpose
  if port_busy $p; then echo "demo: port ${p% *}/${p#* } is in use (another demo running?)" >&2; exit 1; fi
done
lw_port=9730; port_busy $lw_port tcp && lw_port=$(free_port)
sink_port=9799; port_busy $sink_port tcp && sink_port=$(free_port)
prom_port=$(free_port)
am_port=$(free_port)

work=$(mktemp -d /tmp/linkwatch-demo.XXXXXX)
# Each part runs in its own session (setsid): Ctrl-C reaches only this script, which stops
# them, so a part that dies on its own is told from one stopped on purpose.
pids=()
stopping=0
cleanup() {
  trap - INT TERM EXIT
  stopping=1
  echo; echo "demo: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Keep the logs and the notifications; the databases are large and of no use afterwards.
  rm -rf "$work/tsdb" "$work/am"
  echo "demo: logs kept in $work (sim.log, linkwatchd.log, prometheus.log, alertmanager.log, sink.log, notifications.jsonl)"
}
on_signal() { cleanup; exit 0; }   # Ctrl-C, SIGTERM, a closed terminal: normal ways to stop
trap on_signal INT TERM HUP
trap cleanup EXIT

# linkwatchd's config: the province's, with a shorter interval so the demo moves.
sed -e "s|^  interval: .*|  interval: $interval|" \
    -e "s|^  - \.\./modules/|  - $src/config/modules/|" \
    -e "s|^  - inventory/|  - $src/config/nghe-an/inventory/|" \
    config/nghe-an/linkwatch.yml > "$work/linkwatch.yml"
chmod 600 "$work/linkwatch.yml"

setsid build/sim/linkwatch-sim --province-dir config/nghe-an --truth-log "$work/truth.jsonl" >"$work/sim.log" 2>&1 &
pids+=($!)
setsid build/daemon/linkwatchd --config "$work/linkwatch.yml" --listen-address "127.0.0.1:$lw_port" >"$work/linkwatchd.log" 2>&1 &
pids+=($!)

# The sink prints each notification on this terminal as it arrives and keeps them all.
setsid python3 tools/webhook_sink.py --listen "127.0.0.1:$sink_port" --out "$work/notifications.jsonl" 2>"$work/sink.log" &
pids+=($!)

# The shipped Alertmanager config, its webhooks pointed at the sink.
sed -e "s|http://127.0.0.1:9799/|http://127.0.0.1:$sink_port/|g" dashboards/alertmanager/alertmanager.yml > "$work/alertmanager.yml"
setsid prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 15s
  scrape_timeout: 15s
  evaluation_interval: 15s
rule_files:
  - $src/dashboards/prometheus/rules/*.yml
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:$am_port"]}]
scrape_configs:
  - job_name: linkwatch
    honor_labels: true
    static_configs: [{targets: ["127.0.0.1:$lw_port"]}]
YAML
setsid prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

states() {  # "up=N down=N unreachable=N unknown=N" from linkwatchd's /metrics
  curl -sf --max-time 20 "http://127.0.0.1:$lw_port/metrics" | awk '
    /^linkwatch_target_state\{/ && $NF == 1 { match($0, /state="[a-z]+"/); s = substr($0, RSTART+7, RLENGTH-8); n[s]++ }
    END { printf "up=%d down=%d unreachable=%d unknown=%d", n["up"], n["down"], n["unreachable"], n["unknown"] }'
}

row() { printf '  %-14s %-46s %s\n' "$1" "$2" "${3:-}"; }
echo
echo "linkwatch demo: the simulated Nghệ An province"
row console "http://127.0.0.1:$lw_port/" "the map, root causes, districts, sites (vi/en)"
row linkwatchd "http://127.0.0.1:$lw_port/api/v1/status" "the JSON API (docs/api.md)"
row "" "http://127.0.0.1:$lw_port/status" "plain status page: every site, recent events"
row "" "http://127.0.0.1:$lw_port/metrics"
row Prometheus "http://127.0.0.1:$prom_port/classic/alerts" "alerts, firing and pending (large on the whole province)"
row "" "http://127.0.0.1:$prom_port/api/v1/alerts" "the same as JSON"
row "" "http://127.0.0.1:$prom_port/classic/graph" "queries"
row Alertmanager "http://127.0.0.1:$am_port/api/v2/alerts" "API only: Debian's package ships no web UI; or"
row "" "amtool --alertmanager.url=http://127.0.0.1:$am_port alert query"
row notifications "printed below as they arrive (webhook sink on 127.0.0.1:$sink_port)"
row "" "and kept in $work/notifications.jsonl"
row simulator "http://127.0.0.1:9731/state" "and /truth: the faults it injected"
row logs "$work/" "kept after the demo stops"
cat <<MSG

Cut a district's WAN link, then watch one site down, many unreachable, and one page:
  curl -X POST 'http://127.0.0.1:9731/cut?district=ky-son'
  curl -X POST 'http://127.0.0.1:9731/restore'
Alerts wait out their 'for:' (1 to 30 minutes) before Alertmanager notifies. Ctrl-C stops everything.

MSG

start=$(date +%s)
cut_done=0
last_behind=0
while true; do
  sleep 10 &
  wait $! || true   # a signal interrupts the wait at once; the trap then stops the demo
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null && [ "$stopping" -eq 0 ]; then
      echo "demo: a process died; see $work/*.log" >&2
      tail -n 5 "$work"/*.log >&2
      exit 1
    fi
  done
  s=$(states || true)
  [ -n "$s" ] || s="linkwatchd not answering yet"
  echo "$(date +%T)  sites: $s"
  if [ -n "$cut" ] && [ $cut_done -eq 0 ] && [[ "$s" == *"unknown=0"* ]]; then
    echo "demo: every site polled; cutting the WAN link of $cut"
    curl -sf -X POST "http://127.0.0.1:9731/cut?district=$cut" >/dev/null
    cut_done=1
  fi
  if [ $cut_done -eq 1 ]; then
    metrics=$(curl -sf --max-time 20 "http://127.0.0.1:$lw_port/metrics" || true)
    cause=$(grep -E "^linkwatch_target_state\{target=\"$cut-(wan|gw)\".*state=\"down\"\} 1" <<<"$metrics" | head -1 | cut -d'"' -f2 || true)
    behind=0
    [ -z "$cause" ] || behind=$(grep -c "^linkwatch_target_root_cause{.*root=\"$cause\"" <<<"$metrics" || true)
    # Sites behind the cut turn unreachable over a poll or two: report once the count is stable.
    if [ "$behind" -gt 0 ] && [ "$behind" -eq "$last_behind" ]; then
      echo "demo: root cause: $cause is down; unreachable behind it: $behind sites (no alert pages for them)"
      echo "demo: DistrictLinkDown pages after its 'for: 2m': one page to the NOC, one message to the district's team"
      cut_done=2
    fi
    last_behind=$behind
  fi
  if [ "$duration" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$duration" ]; then break; fi
done
