#!/usr/bin/env bash
# What `--metrics` adds to a simulated day, by the clock: PAIRS interleaved pairs of a plain
# day and a day writing its metrics to a new file (the old one removed and the disk synced
# before each run, untimed). Prints the medians (min–max) of each and the median of the
# pairs' ratios: on a shared machine single runs spread by ±20 %, more than the overhead, so
# take many pairs. Which of a pair runs first alternates.
#
#   benches/metrics_overhead.sh target/release/archtui 10k 15
#
# DIR in the environment is where the metrics file goes (default: the system's temporary
# directory; on a tmpfs nothing reaches a disk, so the kernel's share is left out).
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

if [ $# -ne 3 ] || ! [[ $3 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 BINARY PRESET PAIRS (a whole number above 0)" >&2
  exit 2
fi
bin=$1 preset=$2 pairs=$3
dir=$(mktemp -d -p "${DIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$dir"' EXIT

# Milliseconds one day of the preset takes, with any extra arguments.
day_ms() {
  rm -f "$dir/metrics.jsonl"
  sync
  local start end
  start=$(date +%s%N)
  "$bin" --preset "$preset" --headless --duration 24h "$@" > /dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

for i in $(seq "$pairs"); do
  if ((i % 2)); then
    plain=$(day_ms)
    with=$(day_ms --metrics "$dir/metrics.jsonl")
  else
    with=$(day_ms --metrics "$dir/metrics.jsonl")
    plain=$(day_ms)
  fi
  echo "$plain $with"
done > "$dir/pairs"

# The median of a column of numbers, and its least and greatest.
summary() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s %s %s\n", m, v[1], v[NR] }'
}
read -r p p_lo p_hi < <(awk '{ print $1 / 1000 }' "$dir/pairs" | summary)
read -r w w_lo w_hi < <(awk '{ print $2 / 1000 }' "$dir/pairs" | summary)
read -r r r_lo r_hi < <(awk '{ print ($2 / $1 - 1) * 100 }' "$dir/pairs" | summary)
printf '%s, %s pairs: plain %.2f s (%.2f–%.2f), with --metrics %.2f s (%.2f–%.2f), %+.0f %%;' \
  "$preset" "$pairs" "$p" "$p_lo" "$p_hi" "$w" "$w_lo" "$w_hi" "$(awk -v a="$p" -v b="$w" 'BEGIN { print (b / a - 1) * 100 }')"
printf ' median of the pairs'"'"' ratios %+.0f %% (%+.0f … %+.0f)\n' "$r" "$r_lo" "$r_hi"
