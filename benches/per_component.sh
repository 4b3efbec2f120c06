#!/usr/bin/env bash
# Instructions per component per simulated second of the generated architecture (the one
# `cargo bench --bench sim_scale` times), counted by valgrind's cachegrind: ten simulated
# minutes less a one-second run, so the set-up does not count. Flat from size to size means
# the work is linear in the components. Give two binaries to compare them side by side.
#
#   benches/per_component.sh target/release/archtui
#   benches/per_component.sh /tmp/archtui-before target/release/archtui
#
# REGIONS in the environment picks the sizes (default: 25 250 500 regions, 252, 2,502 and
# 5,002 components; each region is ten components, and DNS and the CDN two more).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BINARY [BINARY]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Instructions of one run (whole process) of binary $1 on preset file $2 for $3 seconds.
total() {
  PRESETS="$2" DURATION="$3" "$here/instructions.sh" "$1" | awk -v s="$3" 'NR == 2 { printf "%.0f", $2 * s }'
}

printf '%-10s %14s' components "$(basename "$1")"
[ $# -eq 2 ] && printf ' %14s %7s' "$(basename "$2")" ratio
printf '\n'
for regions in ${REGIONS:-25 250 500}; do
  preset="$dir/generated-$regions.toml"
  cargo run --quiet --release --example generated_preset -- "$regions" > "$preset"
  # Every table of the preset but its regions is a component.
  components=$(grep '^\[\[' "$preset" | grep -vc '^\[\[region\]\]')
  per=()
  for bin in "$@"; do
    long=$(total "$bin" "$preset" 601)
    short=$(total "$bin" "$preset" 1)
    per+=("$(awk -v l="$long" -v s="$short" -v c="$components" 'BEGIN { printf "%.0f", (l - s) / 600 / c }')")
  done
  printf '%-10s %14s' "$components" "${per[0]}"
  [ $# -eq 2 ] && awk -v a="${per[0]}" -v b="${per[1]}" 'BEGIN { printf " %14s %7.4f", b, b / a }'
  printf '\n'
done
