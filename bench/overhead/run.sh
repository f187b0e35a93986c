#!/usr/bin/env bash
# What the gateway costs, side by side in one run: a fast upstream (nginx returning a fixed chat completion) hit
# directly, through Aigis fully governed and bare, through nginx and HAProxy as plain proxies, and through
# Portkey's open-source gateway. One JSON line per target, then a table:
#   {"target","rps","p50_ms","p99_ms","rss_mb","errors"}
#
#   bench/overhead/run.sh [DURATION_S=10] [CONNECTIONS=32] [WRK_THREADS=1]
#   WORKERS=N (default: nproc) sets every proxy's worker count: nginx worker_processes, HAProxy nbthread, the .NET
#   processor count of aigis. Portkey runs on node, one event loop, whatever N is.
#   TARGETS="direct aigis-governed ..." measures a subset; WARMUP=S seconds of load before each measurement (20).
#
# Installs what it needs on a fresh Debian machine (wrk, nginx-light, haproxy from apt; Portkey's gateway from npm
# into ~/.cache/aigis-bench). Every server binds 127.0.0.1 and is stopped by process id at exit. Exits 1 when any
# target answered anything but 2xx: a refusal is not throughput.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
connections="${2:-32}"
threads="${3:-1}"
workers="${WORKERS:-$(nproc)}"
targets="${TARGETS:-direct aigis-governed aigis-bare nginx haproxy portkey}"
portkey_version=1.15.2
source bench/overhead/lib.sh

results=()
measure() { # target url pid script
  local target=$1 url=$2 pid=$3 script=$4
  # A warm-up under the same load, then the measured run. .NET's tiered JIT (and node's) needs it: after 3 s of
  # load aigis still ran partly instrumented tier-0 code here (2.5k rps, 700 us of CPU a request), after 25 s
  # fully optimized code (9.8k rps, 150 us).
  wrk -t"$threads" -c"$connections" -d"${WARMUP:-20}s" -s "$script" "$url" >/dev/null
  local out; out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/{e+=$NF} /Socket errors/{gsub(",",""); e+=$4+$6+$8+$10} END{print e+0}' <<<"$out")
  to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v+0} else {sub(/s/,"",v); print v*1000} }'; }
  local line
  line=$(printf '{"target":"%s","rps":%s,"p50_ms":%s,"p99_ms":%s,"rss_mb":%s,"errors":%s}' \
    "$target" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$(rss_mb "$pid")" "$errors")
  echo "$line"
  results+=("$line")
}

if [[ " $targets " == *" direct "* ]]; then
  measure direct "http://127.0.0.1:$upstream_port/v1/chat/completions" "$upstream_pid" "$post"
fi

if [[ " $targets " == *" aigis-governed "* ]]; then
  start_governed_aigis
  measure aigis-governed "http://127.0.0.1:$aigis_port/v1/chat/completions" "$aigis_pid" "$work/post-governed.lua"
  stop "$aigis_pid"
fi

if [[ " $targets " == *" aigis-bare "* ]]; then
  # Every optional stage off: no keys, no intrusion detection, no access log.
  start_aigis bare "  auth: disabled
telemetry:
  accessLog: off
security:
  mode: off"
  measure aigis-bare "http://127.0.0.1:$aigis_port/v1/chat/completions" "$aigis_pid" "$post"
  stop "$aigis_pid"
fi

if [[ " $targets " == *" nginx "* ]]; then
  nginx_port=$(free_port)
  nginx_conf proxy "$workers" "upstream model { server 127.0.0.1:$upstream_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    keepalive_requests 1000000;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
  nginx -c "$work/proxy.conf" -g 'daemon off;' & pids+=($!); nginx_pid=$!
  wait_port "$nginx_port"
  measure nginx "http://127.0.0.1:$nginx_port/v1/chat/completions" "$nginx_pid" "$post"
  stop "$nginx_pid"
fi

if [[ " $targets " == *" haproxy "* ]]; then
  haproxy_port=$(free_port)
  cat > "$work/haproxy.cfg" <<HAPROXY
global
  maxconn 4096
  nbthread $workers
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$haproxy_port
  default_backend be
backend be
  http-reuse always
  server up 127.0.0.1:$upstream_port
HAPROXY
  haproxy -f "$work/haproxy.cfg" -db & pids+=($!); haproxy_pid=$!
  wait_port "$haproxy_port"
  measure haproxy "http://127.0.0.1:$haproxy_port/v1/chat/completions" "$haproxy_pid" "$post"
  stop "$haproxy_pid"
fi

if [[ " $targets " == *" portkey "* ]]; then
  portkey_port=$(free_port)
  # Portkey's server listens on every address; this preload holds it to loopback.
  cat > "$work/loopback.mjs" <<'JS'
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number') return listen.call(this, args[0], '127.0.0.1', ...args.slice(1).filter((a) => typeof a === 'function'));
  if (args[0] && typeof args[0] === 'object' && args[0].path === undefined) args[0] = { ...args[0], host: '127.0.0.1' };
  return listen.apply(this, args);
};
JS
  NODE_ENV=production node --import "$work/loopback.mjs" "$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js" \
    --port="$portkey_port" --headless > "$work/portkey.log" 2>&1 & pids+=($!); portkey_pid=$!
  wait_port "$portkey_port"
  # Portkey's OpenAI provider, pointed at the same upstream with its custom-host header.
  sed "s|^wrk.body|wrk.headers[\"x-portkey-provider\"] = \"openai\"\nwrk.headers[\"x-portkey-custom-host\"] = \"http://127.0.0.1:$upstream_port/v1\"\nwrk.headers[\"Authorization\"] = \"Bearer sk-bench\"\nwrk.body|" "$post" > "$work/post-portkey.lua"
  measure portkey "http://127.0.0.1:$portkey_port/v1/chat/completions" "$portkey_pid" "$work/post-portkey.lua"
  stop "$portkey_pid"
fi

# --- the table ---------------------------------------------------------------------------------------------
python3 - "${results[@]}" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
base = {r["target"]: r for r in rows}
haproxy = base.get("haproxy", {}).get("rps")
print()
print(f"| target | rps | x haproxy | p50 ms | p99 ms | rss MB | errors |")
print(f"| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    ratio = f"{r['rps'] / haproxy:.2f}" if haproxy else ""
    print(f"| {r['target']} | {r['rps']:.0f} | {ratio} | {r['p50_ms']} | {r['p99_ms']} | {r['rss_mb']} | {r['errors']} |")
failed = [r["target"] for r in rows if r["errors"]]
if failed:
    print(f"\nFAILED: non-2xx answers or socket errors from {', '.join(failed)}: these rates are not throughput", file=sys.stderr)
    sys.exit(1)
PY
