#!/bin/bash
# What retries and their budget do for a client, with real processes: two aigis-sim replicas (the first answers
# ERROR_RATE of model requests with 503, seeded), aigis in front (round-robin; ejection and breaker turned off so
# retries alone are measured), N non-streaming requests at concurrency 8. Prints the status codes the clients saw.
#   bench/resilience/retries.sh ATTEMPTS N [ERROR_RATE]     e.g. retries.sh 1 1000 0.1; retries.sh 3 1000 0.1
# Build first: dotnet build Aigis.slnx. Uses ports 19300-19309 on 127.0.0.1.
set -u
ATTEMPTS=$1; N=$2; RATE=${3:-0.1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

dotnet "$ROOT/src/Aigis.Sim/bin/Debug/net10.0/aigis-sim.dll" --port 19301 --time-scale 50 --seed 1 \
  --fault-error-rate "$RATE" --fault-error-status 503 > "$DIR/sim1.log" 2>&1 & PIDS+=($!)
dotnet "$ROOT/src/Aigis.Sim/bin/Debug/net10.0/aigis-sim.dll" --port 19302 --time-scale 50 --seed 2 > "$DIR/sim2.log" 2>&1 & PIDS+=($!)
cat > "$DIR/aigis.yaml" <<YAML
gateway: {listen: http://127.0.0.1:19300, admin: http://127.0.0.1:19309, auth: disabled}
store: {path: $DIR/aigis.db}
services:
  - name: chat
    kind: llm
    models: [sim-llama-3-8b]
    retries: {attempts: $ATTEMPTS}
    outlierDetection: {consecutive5xx: 1000}
    circuitBreaker: {minimumThroughput: 100000}
    instances: ["http://127.0.0.1:19301", "http://127.0.0.1:19302"]
YAML
dotnet "$ROOT/src/Aigis/bin/Debug/net10.0/aigis.dll" up --config "$DIR/aigis.yaml" > "$DIR/aigis.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 150); do
  curl -sf -o /dev/null http://127.0.0.1:19309/readyz && curl -sf -o /dev/null http://127.0.0.1:19301/health \
    && curl -sf -o /dev/null http://127.0.0.1:19302/health && break
  sleep 0.2
done
seq 1 "$N" | xargs -P 8 -I{} curl -s -o /dev/null -m 30 -w "%{http_code}\n" -H 'content-type: application/json' \
  -d '{"model":"sim-llama-3-8b","max_tokens":8,"messages":[{"role":"user","content":"hello {}"}]}' \
  http://127.0.0.1:19300/v1/chat/completions > "$DIR/codes.txt"
echo "attempts=$ATTEMPTS requests=$N error_rate=$RATE"
sort "$DIR/codes.txt" | uniq -c
curl -s http://127.0.0.1:19301/metrics | grep -E '^aigis_sim:faults_injected_total\{kind="error"\}'
