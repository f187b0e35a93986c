#!/usr/bin/env bash
# Issue 6's chaos benchmark, the long version of tests/Aigis.Tests/Chaos: aigis runs a `runtime: process` service
# of 4 aigis-sim replicas (time-scaled) under constant open-loop load from `aigis bench load`. After a fault-free
# baseline, for CHAOS seconds: one replica is killed (SIGKILL) every 10 s in the order 0,3,1,2 (the process deployer
# restarts it), slot 1 answers 10% of requests with 500 and slot 2 adds 2 s of latency (re-applied through
# /admin/faults whenever those slots restart). Then every replica is killed at once and requests are timed while
# none runs, and the fleet's own recovery is awaited and loaded again. Prints one JSON line per phase and a summary.
#
#   bench/chaos/run.sh [CHAOS_SECONDS=120] [RATE=40] [BASELINE_SECONDS=20] [TIME_SCALE=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
chaos="${1:-120}"
rate="${2:-40}"
baseline="${3:-20}"
scale="${4:-20}"
work="$(mktemp -d)"
gateway=""
load=""
cleanup() {
  [ -n "$load" ] && kill "$load" 2>/dev/null || true
  if [ -n "$gateway" ]; then kill -TERM "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/Aigis -c Release -v quiet -nologo >/dev/null
aigis="dotnet src/Aigis/bin/Release/net10.0/aigis.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
listen=$(free_port); admin=$(free_port)
cat > "$work/aigis.yaml" <<YAML
gateway: {listen: "http://127.0.0.1:$listen", admin: "http://127.0.0.1:$admin", auth: disabled, shutdownTimeout: 5s}
store: {path: "$work/aigis.db"}
services:
  - name: chat
    kind: llm
    models: [sim-llama-3-8b]
    balancer: least-requests
    timeouts: {connect: 1s, firstByte: 1s, idle: 15s}
    outlierDetection: {consecutive5xx: 3}
    runtime: process
    process:
      command: aigis-sim
      args: [--port, "{port}", --profile, llm, --model, sim-llama-3-8b, --seed, "{replica}", --time-scale, "$scale"]
      replicas: 4
YAML
$aigis up --config "$work/aigis.yaml" --log-level Warning > "$work/aigis.log" 2>&1 & gateway=$!
for _ in $(seq 1 600); do grep -q "aigis admin listening on" "$work/aigis.log" && break; sleep 0.1; done
grep -q "aigis admin listening on" "$work/aigis.log" || { cat "$work/aigis.log" >&2; exit 1; }

url="http://127.0.0.1:$listen/v1/chat/completions"
body='{"model":"sim-llama-3-8b","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":16}'
sims() { python3 bench/chaos/sims.py "$gateway"; }
bench_load() { $aigis bench load --url "$url" --model sim-llama-3-8b --rate "$rate" --duration "$1" --timeout 20s --json 2>/dev/null; }
phase() { echo "{\"phase\":\"$1\",${2:1}"; }

bench_load 3s >/dev/null
base=$(bench_load "${baseline}s"); phase baseline "$base"

# Chaos: the load runs in the background while kills and faults happen on their own clocks.
bench_load "${chaos}s" > "$work/chaos.json" & load=$!
declare -A applied=()
kill_order=(0 3 1 2); kills=0; started=$(date +%s.%N); next_kill=5
while kill -0 "$load" 2>/dev/null; do
  now=$(python3 -c "print($(date +%s.%N)-$started)")
  while read -r slot pid port; do
    case "$slot" in
      1) faults='{"error_rate":0.1,"error_status":503}' ;;
      2) faults='{"latency_ms":2000}' ;;
      *) continue ;;
    esac
    if [ "${applied[$slot]:-}" != "$pid" ] && curl -sf -m 2 -X POST -H 'content-type: application/json' -d "$faults" "http://127.0.0.1:$port/admin/faults" >/dev/null; then
      applied[$slot]=$pid
    fi
  done < <(sims)
  if python3 -c "import sys; sys.exit(0 if $now >= $next_kill and $now < $chaos - 1 else 1)"; then
    slot=${kill_order[$((kills % 4))]}
    victim=$(sims | awk -v s="$slot" '$1 == s {print $2}' | head -1)
    [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null && echo "{\"event\":\"kill\",\"at_s\":${now%.*},\"slot\":$slot,\"pid\":$victim}"
    kills=$((kills + 1)); next_kill=$((next_kill + 10))
  fi
  sleep 0.5
done
wait "$load" || true; load=""
chaos_json=$(cat "$work/chaos.json"); phase chaos "$chaos_json"
sims | while read -r slot pid port; do curl -sf -m 2 -X DELETE "http://127.0.0.1:$port/admin/faults" >/dev/null || true; done

# Every replica down: kill them all, wait for the gateway's first 503, then time requests for 300 ms.
sims | awk '{print $2}' | xargs -r kill -KILL
down_started=$(date +%s.%N)
python3 - "$url" "$body" <<'PY'
import json, sys, time, urllib.request, urllib.error
url, body = sys.argv[1], sys.argv[2].encode()
def ask():
    started = time.monotonic()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status = response.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError:
        status = 0
    return status, (time.monotonic() - started) * 1000
answers, measuring, deadline = [], None, time.monotonic() + 5
while time.monotonic() < deadline and len(answers) < 500:
    status, ms = ask()
    if measuring is None:
        if status != 503:
            time.sleep(0.005)
            continue
        measuring = time.monotonic()
    answers.append((status, ms))
    if time.monotonic() - measuring > 0.3:
        break
    time.sleep(0.01)
print(json.dumps({"phase": "all_down", "answers": len(answers), "status_503": sum(1 for s, _ in answers if s == 503),
                  "max_ms": round(max((ms for _, ms in answers), default=0), 1)}))
PY

# Recovery, on the fleet's own: every slot back and the gateway serving.
for _ in $(seq 1 600); do
  [ "$(sims | wc -l)" -ge 4 ] && curl -sf -m 2 -H 'content-type: application/json' -d "$body" "$url" >/dev/null && break
  sleep 0.1
done
recovered=$(python3 -c "print(round($(date +%s.%N) - $down_started, 1))")
echo "{\"event\":\"recovered\",\"after_s\":$recovered,\"replicas\":$(sims | wc -l)}"
rec=$(bench_load 10s); phase recovery "$rec"

python3 - "$base" "$chaos_json" <<'PY'
import json, sys
base, chaos = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({
    "summary": "chaos vs baseline",
    "non_streaming_success": round(1 - chaos["errors"] / chaos["requests"], 5),
    "p99_ratio": round(chaos["p99_ms"] / base["p99_ms"], 2) if base["p99_ms"] else None,
    "target": {"success": 0.999, "p99_ratio": 2.0},
}))
PY
