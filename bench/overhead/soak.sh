#!/usr/bin/env bash
# Fully governed Aigis (keys, tenant limits, firewall, intrusion detection, metrics, access log) at a fixed rate,
# open loop (`aigis bench load`: no coordinated omission), with its resident memory sampled every 10 s.
# Prints the RSS series (one JSON line per sample), the load's result line, and a summary: peak RSS and how much
# RSS grew over the last half of the run (the issue's goal: under 200 MB throughout, under 5% growth over the
# last five minutes of ten).
#
#   bench/overhead/soak.sh [SECONDS=600] [RATE=5000]
#
# Installs what it needs (nginx for the fixed upstream) like run.sh; binds 127.0.0.1 only; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
rate="${2:-5000}"
workers="${WORKERS:-$(nproc)}"
targets="aigis-governed"
portkey_version=unused
source bench/overhead/lib.sh
start_governed_aigis

# The load's body and key, as run.sh sends them.
body=$(awk -F"'" '/^wrk.body/{print $2}' "$post")
printf '%s' "$body" > "$work/body.json"

dotnet "$aigis_dll" bench load --url "http://127.0.0.1:$aigis_port/v1/chat/completions" --rate "$rate" --duration "${seconds}s" \
  --body "$work/body.json" --header "Authorization: Bearer $user_key" \
  --concurrency-cap 512 --json > "$work/load.json" 2> "$work/load.err" & load_pid=$!; pids+=($load_pid)

samples=()
elapsed=0
while kill -0 "$load_pid" 2>/dev/null && [ "$elapsed" -le $((seconds + 30)) ]; do
  sleep 10
  elapsed=$((elapsed + 10))
  rss=$(rss_mb "$aigis_pid")
  samples+=("$rss")
  printf '{"t_s":%d,"rss_mb":%s}\n' "$elapsed" "$rss"
done
wait "$load_pid" || { cat "$work/load.err" >&2; exit 1; }
cat "$work/load.json"

python3 - "$work/load.json" "${samples[@]}" <<'PY'
import json, sys
load = json.load(open(sys.argv[1]))
rss = [float(x) for x in sys.argv[2:]]
half = rss[len(rss) // 2:]
growth = (half[-1] - half[0]) / half[0] * 100 if half and half[0] else 0.0
print(f"samples={len(rss)} peak_rss_mb={max(rss):.1f} last_half_growth_pct={growth:.1f} p99_ms={load['p99_ms']} errors={load['errors']}")
if load["errors"]:
    print(f"FAILED: {load['errors']} requests failed during the soak", file=sys.stderr)
    sys.exit(1)
PY
