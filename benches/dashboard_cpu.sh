#!/usr/bin/env bash
# The dashboard's CPU time on `1m` in a 160×48 terminal (tmux), 20 s at 1× and 20 s at 60×:
# the process's user and system time from /proc before and after, in clock ticks, with its
# context switches. At 100 ticks a second, 1 % of a core is 20 ticks in 20 s. The user's own
# config file is kept out of it (it may start at another speed).
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
config=$(mktemp -d)
session=archtui-cpu-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$config"' EXIT
tmux new-session -d -s "$session" -x 160 -y 48 \
  "exec env XDG_CONFIG_HOME=$(printf %q "$config") $(printf %q "$bin") --preset 1m"
sleep 3
if ! pid=$(tmux list-panes -t "$session" -F '#{pane_pid}' 2>/dev/null); then
  echo "$0: the dashboard did not start" >&2
  exit 1
fi
# tmux's shell hands the pane to the command; anything else would measure the shell.
if [ "$(cat /proc/"$pid"/comm)" != "$(basename "$bin" | cut -c1-15)" ]; then
  echo "$0: the pane runs $(cat /proc/"$pid"/comm), not $bin" >&2
  exit 1
fi

status_bar() { tmux capture-pane -p -t "$session" -S 0 -E 0; }
# User and system time of the whole process (threads that ended included), and its switches.
ticks() { awk '{ print $14 + $15 }' /proc/"$pid"/stat; }
switches() { awk '/ctxt_switches/ { s += $2 } END { print s }' /proc/"$pid"/status; }
measure() {
  case "$(status_bar)" in
    *"$1"*) ;;
    *) echo "$0: the dashboard is not at $1: $(status_bar)" >&2; exit 1 ;;
  esac
  local t0 c0 t1 c1
  t0=$(ticks); c0=$(switches)
  sleep 20
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$0: the dashboard ended during the measurement" >&2
    exit 1
  fi
  t1=$(ticks); c1=$(switches)
  echo "$1: $((t1 - t0)) ticks of 1/$(getconf CLK_TCK) s, $((c1 - c0)) context switches in 20 s"
}

measure "1×"
# 1× → 2× → 5× → 10× → 60×
for _ in 1 2 3 4; do tmux send-keys -t "$session" '+'; sleep 0.3; done
sleep 2
measure "60×"
tmux send-keys -t "$session" q
