#!/usr/bin/env bash
# Drives `cpn-author mcp` with the official MCP Python SDK (`mcp` from PyPI) over stdio:
# every tool, resource and prompt, a draft with scripted sampling replies, a cancelled
# verify and hostile arguments (Tests/mcp-client/mcp_client_check.py). The SDK goes into a
# virtual environment under .build/, nothing global. Usage: scripts/mcp-client-check.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/cpn-author}
venv=.build/mcp-venv
version=2.3.0
if ! "$venv/bin/python" -c "import mcp, importlib.metadata as m; assert m.version('mcp') == '$version'" 2>/dev/null; then
  echo "mcp-client-check: installing the MCP Python SDK $version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q "mcp==$version"; then
    echo "mcp-client-check: could not install mcp==$version from PyPI (pip failed above); the MCP client check needs it" >&2
    exit 1
  fi
fi
# A hang is a failure: the whole check gets 10 minutes.
exec timeout 600 "$venv/bin/python" Tests/mcp-client/mcp_client_check.py "$binary" .
