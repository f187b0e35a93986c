#!/usr/bin/env bash
# Measures what the gateway costs, side by side in one run: a fast upstream (nginx returning a fixed
# chat completion) hit directly, through Aigis, through nginx and through HAProxy as plain proxies.
# Prints one JSON line per target: target, rps, p50_ms, p99_ms, rss_mb.
#
#   bench/overhead/run.sh [DURATION_S] [CONNECTIONS] [THREADS]
#
# Needs: wrk, nginx, haproxy (apt-get install -y wrk nginx-light haproxy), the .NET SDK.
# Everything binds 127.0.0.1 and is stopped by process id at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
connections="${2:-32}"
threads="${3:-2}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
rss_mb() { # total resident memory of a process and its children, in MiB
  local total=0
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "scale=1; $total/1024" | bc
}

upstream_port=$(free_port); nginx_port=$(free_port); haproxy_port=$(free_port); aigis_port=$(free_port); admin_port=$(free_port)

# Two nginx processes: the upstream, and nginx as a proxy, so each one's memory is its own.
nginx_conf() { # name server-block
  cat > "$work/$1.conf" <<NGINX
worker_processes 1;
pid $work/$1.pid;
error_log $work/$1-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$1-body; proxy_temp_path $work/$1-proxy; fastcgi_temp_path $work/$1-fcgi; uwsgi_temp_path $work/$1-uwsgi; scgi_temp_path $work/$1-scgi;
  $2
}
NGINX
}
nginx_conf upstream "server {
    listen 127.0.0.1:$upstream_port;
    location / {
      default_type application/json;
      return 200 '{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Load balancers spread requests.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":6,\"total_tokens\":30}}';
    }
  }"
nginx_conf proxy "upstream model { server 127.0.0.1:$upstream_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
nginx -c "$work/upstream.conf" -g 'daemon off;' & pids+=($!); upstream_pid=$!
nginx -c "$work/proxy.conf" -g 'daemon off;' & pids+=($!); nginx_pid=$!

cat > "$work/haproxy.cfg" <<HAPROXY
global
  maxconn 4096
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

cat > "$work/aigis.yaml" <<AIGIS
gateway:
  listen: http://127.0.0.1:$aigis_port
  admin: http://127.0.0.1:$admin_port
store:
  path: $work/aigis.db
services:
  - name: chat
    kind: llm
    models: [bench-model]
    instances: [http://127.0.0.1:$upstream_port]
AIGIS
dotnet build src/Aigis -c Release -v quiet -nologo >/dev/null
dotnet src/Aigis/bin/Release/net10.0/aigis.dll up --config "$work/aigis.yaml" --log-level Warning > "$work/aigis.log" 2>&1 & pids+=($!); aigis_pid=$!

for port in $upstream_port $nginx_port $haproxy_port $aigis_port; do wait_port "$port"; done

# Aigis authenticates every request: use the admin key its first start printed (admin keys may call models).
key=$(awk '/^admin key:/{print $3}' "$work/aigis.log")
sed "s|^wrk.body|wrk.headers[\"Authorization\"] = \"Bearer $key\"\nwrk.body|" bench/overhead/post.lua > "$work/post-aigis.lua"

measure() { # target url pid [lua]
  local target=$1 url=$2 pid=$3 script=${4:-bench/overhead/post.lua}
  # A short warm-up (JIT, connection pools), then the measured run.
  wrk -t"$threads" -c"$connections" -d2s -s "$script" "$url" >/dev/null
  local out; out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/{e+=$NF} /Socket errors/{e+=1} END{print e+0}' <<<"$out")
  to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v+0} else {sub(/s/,"",v); print v*1000} }'; }
  printf '{"target":"%s","rps":%s,"p50_ms":%s,"p99_ms":%s,"rss_mb":%s,"errors":%s}\n' \
    "$target" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$(rss_mb "$pid")" "$errors"
}

measure direct "http://127.0.0.1:$upstream_port/v1/chat/completions" "$upstream_pid"
measure aigis "http://127.0.0.1:$aigis_port/v1/chat/completions" "$aigis_pid" "$work/post-aigis.lua"
measure nginx "http://127.0.0.1:$nginx_port/v1/chat/completions" "$nginx_pid"
measure haproxy "http://127.0.0.1:$haproxy_port/v1/chat/completions" "$haproxy_pid"
# Portkey's gateway is not measured yet: it needs its npm package installed and an OpenAI provider
# pointed at the local upstream; it joins this table in the benchmarks issue.
