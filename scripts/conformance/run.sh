#!/usr/bin/env bash
# Runs the official MCP conformance runner against the demo, for the 2026-07-28 revision and for
# 2025-11-25. Scenarios that call the runner's own fixture tools, prompts and resources (which a
# gateway of business systems does not have) are listed, with the reason, in the expected-failures
# file of each revision next to this script; any other failure fails the run.
#
#   bash scripts/conformance/run.sh [output-dir]
#
# The runner needs Node 22 or later; it is installed with the npm registry's `node` package into a
# temporary directory, so the machine's Node stays as it is.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONFORMANCE_VERSION=0.2.0-alpha.12
INSPECTOR_VERSION=2.12.0
NODE_FOR_RUNNER=22
out=${1:-$(mktemp -d)}
mkdir -p "$out"
tools=$(mktemp -d)
demo_pid=
cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$tools"
}
trap cleanup EXIT

echo "Installing the conformance runner ${CONFORMANCE_VERSION} and Node ${NODE_FOR_RUNNER} for it..." >&2
npm install --prefix "$tools" --no-save --no-audit --no-fund --silent \
  "@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}" "node@${NODE_FOR_RUNNER}" \
  "@modelcontextprotocol/inspector@${INSPECTOR_VERSION}"
runner=("$tools/node_modules/.bin/node" "$tools/node_modules/@modelcontextprotocol/conformance/dist/index.js")

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
echo "Starting the demo on 127.0.0.1:${port} without authentication (the runner sends no credentials)..." >&2
PORT=$port pnpm --silent switchboard demo --no-auth >"$out/demo.log" 2>&1 &
demo_pid=$!
for _ in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$demo_pid" 2>/dev/null; then cat "$out/demo.log" >&2; echo "the demo exited" >&2; exit 1; fi
  sleep 0.5
done

status=0
for revision in 2026-07-28 2025-11-25; do
  echo "== MCP ${revision}" >&2
  "${runner[@]}" server --url "http://127.0.0.1:${port}/mcp" --requirements "$revision" \
    --expected-failures "scripts/conformance/expected-failures-${revision}.yml" \
    -o "$out/${revision}" || status=1
done
# The MCP Inspector's CLI, a client nobody here wrote, in both protocol eras.
for era in modern legacy; do
  echo "== MCP Inspector CLI, --protocol-era ${era}" >&2
  listed=$(HOME="$tools" "$tools/node_modules/.bin/mcp-inspector" --cli "http://127.0.0.1:${port}/mcp" \
    --protocol-era "$era" --method tools/list --format json -q) || { status=1; continue; }
  called=$(HOME="$tools" "$tools/node_modules/.bin/mcp-inspector" --cli "http://127.0.0.1:${port}/mcp" \
    --protocol-era "$era" --method tools/call --tool-name odoo__find_customers \
    --tool-arg domain=helix-robotics.com --format json -q) || { status=1; continue; }
  if grep -q '"customer360__get_customer"' <<<"$listed" && grep -q '"structuredContent"' <<<"$called" \
    && ! grep -q '"isError":true' <<<"$called"; then
    echo "listed the catalogue and called odoo__find_customers" >&2
  else
    echo "unexpected answer: ${listed:0:300} ${called:0:300}" >&2
    status=1
  fi
done
echo "Results: $out" >&2
exit "$status"
