#!/usr/bin/env bash
# The dashboard's CPU time on `1m` in a 160×48 terminal (tmux), 20 s at 1× and 20 s at 60×:
# the ticks of 10 ms its threads spent, read from /proc before and after, and their context
# switches. 1 % of a core is 20 ticks in 20 s.
#
#   benches/dashboard_cpu.sh target/release/archtui
set -euo pipefail

if ! command -v tmux >/dev/null; then
  echo "tmux is missing: install it (e.g. apt-get install tmux)" >&2
  exit 2
fi
if [ $# -ne 1 ]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
bin=$(realpath "$1")
session=archtui-cpu-$$
tmux new-session -d -s "$session" -x 160 -y 48 "$bin --preset 1m"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
sleep 3
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
# tmux's shell runs a lone command in its own place; anything else would measure the shell.
if [ "$(cat /proc/"$pid"/comm)" != "$(basename "$bin" | cut -c1-15)" ]; then
  echo "$0: the pane runs $(cat /proc/"$pid"/comm), not $bin" >&2
  exit 1
fi

# CPU ticks (user + system) and context switches of every thread of the process.
ticks() { cat /proc/"$pid"/task/*/stat | awk '{ s += $14 + $15 } END { print s }'; }
switches() { cat /proc/"$pid"/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
measure() {
  local t0 c0
  t0=$(ticks); c0=$(switches)
  sleep 20
  echo "$1: $(( $(ticks) - t0 )) ticks, $(( $(switches) - c0 )) context switches in 20 s"
}

measure "1x"
# 1× → 2× → 5× → 10× → 60×
for _ in 1 2 3 4; do tmux send-keys -t "$session" '+'; sleep 0.3; done
sleep 2
tmux capture-pane -p -t "$session" | head -1 | grep -q '60×' || { echo "$0: the dashboard is not at 60×" >&2; exit 1; }
measure "60x"
tmux send-keys -t "$session" q
