#!/usr/bin/env bash
# Instructions per simulated second of each preset, counted by valgrind's cachegrind: exact
# and the same from run to run, where a timing on a shared machine moves by 15–25 %. Give two
# binaries to compare them side by side (the second column's ratio to the first).
#
#   benches/instructions.sh target/release/archtui
#   benches/instructions.sh /tmp/archtui-before target/release/archtui
#
# PRESETS and DURATION (simulated seconds) in the environment change what is run (default:
# every preset, one simulated hour). The count covers the whole process, set-up included, which is under 1 % of
# an hour of any preset; the `--metrics` writer's thread is counted too when METRICS=1.
set -euo pipefail

if ! command -v valgrind >/dev/null; then
  echo "valgrind is missing: install it (e.g. apt-get install valgrind)" >&2
  exit 2
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BINARY [BINARY]" >&2
  exit 2
fi

presets=${PRESETS:-"100 1k 10k 100k 1m 10m"}
seconds=${DURATION:-3600}
extra=()
if [ "${METRICS:-0}" = 1 ]; then
  extra=(--metrics /dev/null)
fi

# glibc's memset and memcpy switch to `rep stosb`/`rep movsb` above a few kilobytes, and
# valgrind counts every iteration of those as an instruction. Whether a fill of the per-second
# bookkeeping becomes a call to memset depends on how the compiler splits the crate into
# codegen units, so an unrelated change once moved the count by up to 8 % with no change in
# time. The tunables keep glibc on its vector loops, which count as they run.
export GLIBC_TUNABLES=glibc.cpu.x86_rep_stosb_threshold=1000000000:glibc.cpu.x86_rep_movsb_threshold=1000000000

count() {
  local report n
  report=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$1" --preset "$2" --headless --duration "${seconds}s" "${extra[@]}" 2>&1 >/dev/null) || {
    echo "$0: $1 --preset $2 failed under valgrind:" >&2
    echo "$report" | tail -5 >&2
    exit 1
  }
  n=$(echo "$report" | awk '/I *refs:/ { gsub(",", "", $4); print $4 }')
  if [ -z "$n" ]; then
    echo "$0: valgrind gave no instruction count for $1 --preset $2" >&2
    exit 1
  fi
  echo "$n"
}

printf '%-6s %14s' preset "$(basename "$1")"
[ $# -eq 2 ] && printf ' %14s %7s' "$(basename "$2")" ratio
printf '\n'
for preset in $presets; do
  a=$(count "$1" "$preset")
  if [ $# -eq 2 ]; then
    b=$(count "$2" "$preset")
    awk -v p="$preset" -v a="$a" -v b="$b" -v s="$seconds" \
      'BEGIN { printf "%-6s %14.0f %14.0f %7.4f\n", p, a / s, b / s, b / a }'
  else
    awk -v p="$preset" -v a="$a" -v s="$seconds" 'BEGIN { printf "%-6s %14.0f\n", p, a / s }'
  fi
done
