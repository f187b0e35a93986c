#!/usr/bin/env bash
# A live run of the balancing policies through the real gateway: REPLICAS aigis-sim processes (time-scaled),
# aigis in front with one policy at a time (simulators restarted between policies so every run starts with cold
# caches), the chat-shared-prefix preset replayed open loop at LOAD x the fleet's capacity.
#
#   bench/routing-live/run.sh [POLICIES] [REQUESTS] [REPLICAS] [LOAD] [TIME_SCALE]
set -euo pipefail
cd "$(dirname "$0")/../.."
policies="${1:-round-robin,least-requests,prefix-aware}"
requests="${2:-600}"
replicas="${3:-3}"
load="${4:-0.8}"
scale="${5:-10}"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Aigis -c Release -v quiet -nologo >/dev/null
aigis="dotnet src/Aigis/bin/Release/net10.0/aigis.dll"
sim="src/Aigis/bin/Release/net10.0/aigis-sim.dll"
$aigis bench routing --workload chat-shared-prefix --requests "$requests" --write-workload "$work/workload.jsonl" >/dev/null

# Capacity of one replica on this workload, from the virtual-time harness; the live rate is LOAD x REPLICAS x that.
capacity=$($aigis bench routing --workload "$work/workload.jsonl" --replicas "$replicas" --load "$load" --policies round-robin \
  | awk '/^capacity:/{print $5}')
file_rate=$(python3 -c "import json;r=[json.loads(l) for l in open('$work/workload.jsonl')];print(len(r)/(r[-1]['at_ms']/1000))")
rate_scale=$(python3 -c "print($load*$replicas*$capacity/$file_rate)")
echo "{\"replicas\":$replicas,\"requests\":$requests,\"load\":$load,\"time_scale\":$scale,\"replica_capacity_rps\":$capacity}"
echo "virtual time, same workload and fleet:"
$aigis bench routing --workload "$work/workload.jsonl" --replicas "$replicas" --load "$load" --policies "$policies" | grep -E '^(policy|[a-z-]+ +[0-9])'
echo "live, through aigis:"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
for policy in ${policies//,/ }; do
  sim_pids=(); urls=()
  for i in $(seq 0 $((replicas - 1))); do
    port=$(free_port)
    dotnet "$sim" --port "$port" --time-scale "$scale" --seed "$i" > "$work/sim-$i.log" 2>&1 & sim_pids+=($!); pids+=($!)
    urls+=("\"http://127.0.0.1:$port\"")
  done
  listen=$(free_port); admin=$(free_port)
  cat > "$work/aigis.yaml" <<YAML
gateway: {listen: "http://127.0.0.1:$listen", admin: "http://127.0.0.1:$admin", maxBodySize: 16MiB, auth: disabled}
store: {path: "$work/aigis-$policy.db"}
services:
  - name: chat
    kind: llm
    models: [sim-llama-3-8b]
    balancer: $policy
    balancing: {scrapeInterval: 100ms}
    timeouts: {firstByte: 10m, idle: 10m}
    instances: [$(IFS=,; echo "${urls[*]}")]
YAML
  $aigis up --config "$work/aigis.yaml" --log-level Warning > "$work/aigis.log" 2>&1 & gateway=$!; pids+=($gateway)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null && break; sleep 0.1; done
  for u in "${urls[@]}"; do u=${u//\"/}; for _ in $(seq 1 100); do curl -sf "$u/health" >/dev/null && break; sleep 0.1; done; done
  result=$(python3 bench/routing-live/replay.py "http://127.0.0.1:$listen" "$work/workload.jsonl" "$scale" "$rate_scale")
  echo "{\"policy\":\"$policy\",${result:1}"
  kill "$gateway" "${sim_pids[@]}" 2>/dev/null || true
  wait "$gateway" "${sim_pids[@]}" 2>/dev/null || true
done
