# Shared by run.sh and soak.sh: installs, ports, the fixed upstream, and Aigis started bare or fully governed.
# Expects: targets, workers, portkey_version set by the caller. Gives: work (a temp dir) and pids (an array);
# every pid in it is stopped and the temp dir removed when the script exits, however it exits.

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- what the run needs -------------------------------------------------------------------------------------
missing=()
for tool in wrk nginx haproxy; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk nginx-light haproxy >/dev/null
fi
portkey_dir="${HOME}/.cache/aigis-bench/portkey-${portkey_version}"
if [[ " $targets " == *" portkey "* ]]; then
  if ! command -v node >/dev/null 2>&1; then
    echo "installing nodejs and npm (apt)" >&2
    apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if [ ! -f "$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
    echo "installing @portkey-ai/gateway@$portkey_version (npm)" >&2
    mkdir -p "$portkey_dir"
    (cd "$portkey_dir" && npm install --silent --no-audit --no-fund "@portkey-ai/gateway@$portkey_version" >/dev/null)
  fi
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
rss_mb() { # resident memory of a process and its children, in MiB
  local total=0
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  awk -v kb="$total" 'BEGIN{printf "%.1f", kb/1024}'
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# --- the upstream: nginx answering a fixed chat completion ---------------------------------------------------
upstream_port=$(free_port)
nginx_conf() { # name workers server-block
  cat > "$work/$1.conf" <<NGINX
worker_processes $2;
pid $work/$1.pid;
error_log $work/$1-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$1-body; proxy_temp_path $work/$1-proxy; fastcgi_temp_path $work/$1-fcgi; uwsgi_temp_path $work/$1-uwsgi; scgi_temp_path $work/$1-scgi;
  $3
}
NGINX
}
nginx_conf upstream "$workers" "server {
    listen 127.0.0.1:$upstream_port;
    keepalive_requests 1000000;
    location / {
      default_type application/json;
      return 200 '{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Load balancers spread requests.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":6,\"total_tokens\":30}}';
    }
  }"
nginx -c "$work/upstream.conf" -g 'daemon off;' & pids+=($!); upstream_pid=$!
wait_port "$upstream_port"

post="bench/overhead/post.lua"

# --- Aigis -------------------------------------------------------------------------------------------------
aigis_dll=src/Aigis/bin/Release/net10.0/aigis.dll
needs_aigis=0
[[ " $targets " == *" aigis-"* ]] && needs_aigis=1
if [ "$needs_aigis" = 1 ]; then
  dotnet build src/Aigis -c Release -v quiet -nologo >/dev/null
fi

start_aigis() { # name config-extra -> sets aigis_pid aigis_port admin_port
  aigis_port=$(free_port); admin_port=$(free_port)
  mkdir -p "$work/$1"
  cat > "$work/$1/aigis.yaml" <<AIGIS
gateway:
  listen: http://127.0.0.1:$aigis_port
  admin: http://127.0.0.1:$admin_port
$2
store:
  path: $work/$1/aigis.db
services:
  - name: chat
    kind: llm
    models: [bench-model]
    instances: [http://127.0.0.1:$upstream_port]
AIGIS
  (cd "$work/$1" && DOTNET_PROCESSOR_COUNT="$workers" DOTNET_gcServer=0 exec dotnet "$OLDPWD/$aigis_dll" up --config aigis.yaml --log-level Warning > aigis.log 2>&1) & pids+=($!); aigis_pid=$!
  wait_port "$aigis_port"
}

start_governed_aigis() { # -> aigis_pid aigis_port admin_port, and $work/post-governed.lua sending a user key
  # Every stage on: keys and a tenant with rate limits, the firewall (allow list), intrusion detection
  # (block mode, the shipped rules), metrics, and the access log written to a file.
  start_aigis governed "  auth: required
telemetry:
  accessLog: $work/governed/access.log
security:
  mode: block
  firewall:
    allow: [127.0.0.0/8, \"::1\"]"
  # The key is printed just after the listeners open: wait for its line.
  admin_key=""
  for _ in $(seq 1 300); do
    admin_key=$(awk '/^admin key:/{print $3}' "$work/governed/aigis.log")
    [ -n "$admin_key" ] && break
    sleep 0.1
  done
  AIGIS_ADMIN_URL="http://127.0.0.1:$admin_port" AIGIS_ADMIN_KEY="$admin_key" \
    dotnet "$aigis_dll" tenants create bench --models '*' --rpm 100000000 --tpm 10000000000 --key-rpm 100000000 >/dev/null
  user_key=$(AIGIS_ADMIN_URL="http://127.0.0.1:$admin_port" AIGIS_ADMIN_KEY="$admin_key" \
    dotnet "$aigis_dll" keys create --name bench --tenant bench | awk '/aigis_/{for(i=1;i<=NF;i++) if ($i ~ /^aigis_/) {print $i; exit}}')
  [ -n "$user_key" ] || { echo "could not create a user key" >&2; exit 1; }
  sed "s|^wrk.body|wrk.headers[\"Authorization\"] = \"Bearer $user_key\"\nwrk.body|" "$post" > "$work/post-governed.lua"
}
