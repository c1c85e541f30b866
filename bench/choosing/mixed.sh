#!/usr/bin/env bash
# The mixed job of docs/choosing.md: N GETs from `fanout serve --delay 50`, each body then hashed
# (fetch-and-hash, ~10 ms of CPU), under the four models and the hybrid.
# Usage: npm run build && bash bench/choosing/mixed.sh [inputs, default 200] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
inputs=${1:-200} runs=${2:-3}
log=$(mktemp) urls=$(mktemp)
node dist/src/cli/main.js serve --port 0 --delay 50 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log" "$urls"' EXIT
until grep -q 'listening on' "$log"; do sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$log" | head -1)
for i in $(seq 1 "$inputs"); do echo "\"${url}?id=$i\""; done >"$urls"
echo "## fetch-and-hash, $inputs inputs  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
node dist/src/cli/main.js compare fetch-and-hash --inputs "$urls" --runs "$runs" --warmup 1 --quiet \
  --strategies sequential,async,threads,processes \
  --concurrency async=64,threads=2,threads=2x16,processes=2,processes=2x16
