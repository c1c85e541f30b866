#!/usr/bin/env bash
# Every measurement behind docs/choosing.md, with the machine's load before each (the figures are only
# as quiet as the machine). Usage: npm run build && bash bench/choosing/all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "node $(node --version), $(nproc) cores, $(python3 --version 2>&1)"
# The seed's CPU job as inputs for `fanout advise`: its 20 numbers, and the same scaled by 4.
seed=$(mktemp) scaled=$(mktemp)
trap 'rm -f "$seed" "$scaled"' EXIT
seq 5000000 5000019 >"$seed"
seq 20000000 20000019 >"$scaled"
for step in "node bench/choosing/startup.mjs 15" "node --expose-gc bench/choosing/memory.mjs 4" \
  "node bench/choosing/messages.mjs" "node bench/choosing/crash.mjs" "node bench/choosing/cpu.mjs 1" \
  "node bench/choosing/cpu.mjs 4" "node bench/choosing/io.mjs 10" "python3 bench/choosing/cpu.py" \
  "node dist/src/cli/main.js advise bench/choosing/sum-squares.mjs --inputs $seed" \
  "node dist/src/cli/main.js advise bench/choosing/sum-squares.mjs --inputs $scaled --quiet"; do
  echo "## $step  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  $step
done
bash bench/choosing/mixed.sh
