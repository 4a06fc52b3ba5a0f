# Sourced by the scripts/embed-*.sh scripts, after they define `render` (which prints the
# generated Swift file): `embed_write OUT "WHAT IT COMES FROM" "$@"`. With --check, fails
# when OUT differs from what `render` prints; otherwise writes OUT atomically (a temporary
# file beside it, renamed into place).
embed_write() {
  local out=$1 sources=$2 mode=${3:-}
  if [ "$mode" = "--check" ]; then
    if ! diff -q <(render) "$out" >/dev/null 2>&1; then
      echo "embed: $out is out of date with $sources; run \`make embed\`" >&2
      exit 1
    fi
    exit 0
  fi
  mkdir -p "$(dirname "$out")"
  local tmp
  tmp=$(mktemp "$out.XXXXXX")
  render > "$tmp"
  mv "$tmp" "$out"
  echo "embed: wrote $out"
}
