"""One slow instance behind a load balancer: archtui against a request-by-request simulation.

    python3 validation/slow_instance.py          # every scenario, ~1 min; writes slow_instance.md

The simulation here is written from the semantics, not from archtui's code:

- Poisson arrivals at a constant rate; `instances` instances of `vcpus` servers each, every one
  with its own FIFO queue; exponential service of `service_ms`, `factor` times longer on the
  slow instance.
- Round robin sends each request to the next instance in service, in turn (a strict cycle, not
  a random split). Least outstanding requests sends it to the instance with the fewest
  requests on its hands (queued or in service), ties broken at random.
- The user gives up `timeout_ms` after sending: a failure then. The server does not know: it
  keeps the request queued until `queue_timeout_ms`, then drops it, or serves it for nobody.
- The load balancer checks every instance every 30 s (a fixed phase per seed). A check queues
  behind the requests like one of them and takes no time once it has a server; it fails if it
  has not started within 5 s. Two failures in a row take an instance out of service, five
  passes in a row bring it back (ELB's defaults).

archtui runs `validation/presets/f-slow-*.toml` with `--inject 0=degrade-instance:pool:<f>x`.
"""

from __future__ import annotations

import heapq
import json
import os
import random
import subprocess
import sys
from collections import deque

HERE = os.path.dirname(os.path.abspath(__file__))
ARCHTUI = os.environ.get("ARCHTUI", os.path.join(HERE, "..", "target", "release", "archtui"))

INSTANCES, VCPUS, SERVICE_S = 4, 2, 0.050
TIMEOUT_S, QUEUE_TIMEOUT_S = 10.0, 60.0
FIXED_S = 0.0025  # archtui's hops and balancer with this preset, measured without faults
CHECK_EVERY_S, CHECK_TIMEOUT_S, UNHEALTHY, HEALTHY = 30.0, 5.0, 2, 5
DURATION_S, RATE = 1800, 96.0

# Round robin twice: against one balancer node's strict cycle, and against a random split
# (the limit of many balancer nodes, each cycling on its own), which archtui assumes.
SCENARIOS = {
    "f1": ("rr", 1.5), "f1r": ("random", 1.5), "f2": ("lor", 1.5),
    "f3": ("rr", 3.0), "f3r": ("random", 3.0), "f4": ("lor", 3.0),
    "f5": ("rr", 6.0), "f5r": ("random", 6.0), "f6": ("lor", 6.0),
}
NAMES = {"rr": "round robin, DES strict cycle", "random": "round robin, DES random split",
         "lor": "least outstanding"}
SEEDS = (61, 62, 63)


class Instance:
    def __init__(self, speed_factor):
        self.factor = speed_factor
        self.busy = 0
        self.queue: deque = deque()  # entries: [t_arrival, kind, alive]; kind "req" or "check"
        self.in_service = True
        self.streak = 0

    def load(self):
        return self.busy + sum(1 for e in self.queue if e[2])


def simulate(balancing: str, factor: float, seed: int):
    rng = random.Random(seed)
    pool = [Instance(factor)] + [Instance(1.0) for _ in range(INSTANCES - 1)]
    events: list = []
    seq = 0

    def push(t, kind, data):
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, data))

    latencies, failed, outs = [], 0, 0
    turn = 0
    routed = [0, 0]
    phase = rng.uniform(0, CHECK_EVERY_S)
    push(rng.expovariate(RATE), "arrive", None)
    push(phase, "check", None)

    def start(i, inst, now):
        """Starts queued work on free servers; drops requests that waited the queue timeout."""
        while inst.busy < VCPUS and inst.queue:
            t0, kind, alive = entry = inst.queue.popleft()
            if not alive:
                continue
            if kind == "check":
                entry[2] = False
                record_check(inst, now - t0 <= CHECK_TIMEOUT_S)
                continue
            if now - t0 >= QUEUE_TIMEOUT_S:
                continue  # dropped; its user failed at TIMEOUT_S
            inst.busy += 1
            push(now + rng.expovariate(1.0 / (SERVICE_S * inst.factor)), "done", (i, t0))

    def record_check(inst, passed):
        nonlocal outs
        if passed != inst.in_service:
            inst.streak += 1
        else:
            inst.streak = 0
        if inst.streak >= (UNHEALTHY if inst.in_service else HEALTHY):
            inst.in_service = passed
            inst.streak = 0
            outs += not passed

    while events:
        now, _, kind, data = heapq.heappop(events)
        if now >= DURATION_S and kind == "arrive":
            continue
        if kind == "arrive":
            push(now + rng.expovariate(RATE), "arrive", None)
            live = [i for i, x in enumerate(pool) if x.in_service] or list(range(INSTANCES))
            if balancing == "rr":
                turn += 1
                i = live[turn % len(live)]
            elif balancing == "random":
                i = rng.choice(live)
            else:
                loads = [pool[j].load() for j in live]
                least = min(loads)
                i = rng.choice([j for j, n in zip(live, loads) if n == least])
            inst = pool[i]
            routed[i == 0] += 1
            inst.queue.append([now, "req", True])
            start(i, inst, now)
            # The user gives up at TIMEOUT_S: counted when the request ends (served late or
            # dropped), since its outcome is known then.
        elif kind == "done":
            i, t0 = data
            inst = pool[i]
            inst.busy -= 1
            response = now - t0 + FIXED_S
            if response > TIMEOUT_S:
                failed += 1
                latencies.append(TIMEOUT_S)
            else:
                latencies.append(response)
            start(i, inst, now)
        elif kind == "check":
            if now < DURATION_S:
                push(now + CHECK_EVERY_S, "check", None)
            inst = pool[0]  # the healthy ones always pass
            entry = [now, "check", True]
            inst.queue.append(entry)
            push(now + CHECK_TIMEOUT_S, "check_timeout", entry)
            start(0, inst, now)
        elif kind == "check_timeout":
            if data[2]:
                data[2] = False
                record_check(pool[0], False)
        if now > DURATION_S + QUEUE_TIMEOUT_S + 60:
            break
    # Requests still queued at the end were dropped or would be late: failures for the users.
    for inst in pool:
        for t0, k, alive in inst.queue:
            if alive and k == "req":
                failed += 1
                latencies.append(TIMEOUT_S)
    latencies.sort()
    n = len(latencies)
    return {
        "mean_ms": 1e3 * sum(latencies) / n,
        "p99_ms": 1e3 * latencies[int(0.99 * n)],
        "failed": failed / n,
        "outs": outs,
        "slow_share": routed[1] / sum(routed),
    }


def run_archtui(balancing: str, factor: float):
    kind = "lor" if balancing == "lor" else "rr"
    preset = os.path.join(HERE, "presets", f"f-slow-{kind}.toml")
    cmd = [ARCHTUI, "--preset", preset, "--headless", "--duration", str(DURATION_S), "--seed", "1",
           "--json", "--inject", f"0=degrade-instance:pool:{factor}x"]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    requests = out["requests"]
    outs = sum(1 for e in out["events"] if e["kind"] == "health_check_fail")
    return {
        "mean_ms": out["latency_ms"]["mean"],
        "p99_ms": out["latency_ms"]["p99"],
        "failed": requests["failed"] / max(1, requests["offered"]),
        "outs": outs,
        "slow_share": slow_share(out, balancing, factor),
    }


def slow_share(out, balancing, factor):
    """The slow instance's share of the requests as archtui models it (see src/sim/sick.rs):
    1/n under round robin while in service, by speed under least outstanding requests."""
    if balancing == "lor":
        return (1 / factor) / (INSTANCES - 1 + 1 / factor)
    # Out of service between a health check's failure and its return: read off the events.
    outs = [e["t"] for e in out["events"] if e["kind"] == "health_check_fail"]
    backs = [e["t"] for e in out["events"] if e["kind"] == "recovered"
             and "back in service" in e["message"]]
    away = sum(b - a for a, b in zip(outs, backs + [DURATION_S] * len(outs)))
    return (1 - away / DURATION_S) / INSTANCES


def main():
    rows = ["| scenario | metric | archtui | DES (mean of 3 seeds) | DES range | error |",
            "|---|---|---|---|---|---|"]
    for key, (balancing, factor) in SCENARIOS.items():
        a = run_archtui(balancing, factor)
        runs = [simulate(balancing, factor, s) for s in SEEDS]
        name = f"{key} {NAMES[balancing]}, ×{factor:g}"
        for metric, unit in (("mean_ms", "ms"), ("p99_ms", "ms"), ("failed", "%"),
                             ("outs", ""), ("slow_share", "%")):
            vals = [r[metric] for r in runs]
            d = sum(vals) / len(vals)
            scale = 100.0 if unit == "%" else 1.0
            f = (lambda x: f"{x * scale:.2f} %") if unit == "%" else (lambda x: f"{x:,.0f}")
            if unit == "%":
                err = f"{100 * (a[metric] - d):+.2f} pp"
            elif d > 0:
                err = f"{100 * (a[metric] - d) / d:+.1f} %"
            else:
                err = "exact" if a[metric] == d else f"{a[metric] - d:+g}"
            label = {"mean_ms": "mean latency (ms)", "p99_ms": "p99 latency (ms)",
                     "failed": "failed", "outs": "times taken out of service",
                     "slow_share": "requests sent to the slow instance"}[metric]
            rows.append(f"| {name} | {label} | {f(a[metric])} | {f(d)} | "
                        f"[{f(min(vals))}, {f(max(vals))}] | {err} |")
        print(f"  {key} done", file=sys.stderr)
    table = "\n".join(rows)
    print(table)
    with open(os.path.join(HERE, "slow_instance.md"), "w") as out:
        out.write("# One slow instance: archtui against the request-by-request simulation\n\n")
        out.write("Written by `python3 validation/slow_instance.py`. Four instances of two vCPUs, "
                  "50 ms exponential service, 96 requests/s (ρ 0.6), one instance slowed from "
                  "the start; 30 simulated minutes.\n\n")
        out.write(table + "\n")


if __name__ == "__main__":
    main()
