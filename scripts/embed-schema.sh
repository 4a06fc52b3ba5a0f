#!/usr/bin/env bash
# Embeds specs/cpn-net.schema.json into Sources/CPNLoad/NetSchema.swift so that
# `cpn-author schema` works from any copy of the binary.
# With --check, fails if the embedded copy differs from the spec.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=specs/cpn-net.schema.json
out=Sources/CPNLoad/NetSchema.swift
render() {
  cat <<'HEAD'
/// The JSON Schema of the net format, embedded so that `cpn-author schema`
/// works from any copy of the binary. Generated from
/// `specs/cpn-net.schema.json` by `make embed`; `make test` checks they agree.
public enum NetSchema {
    public static let json = #"""
HEAD
  cat "$spec"
  printf '"""#\n}\n'
}
. scripts/embed-lib.sh
embed_write "$out" "$spec" "$@"
