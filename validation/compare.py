"""Runs archtui (its release binary) and the SimPy DES on the same networks and prints a Markdown
table comparing them; also writes it to validation/results.md.

    python3 validation/compare.py              # everything (about a minute on 2 cores)
    python3 validation/compare.py --only a1 b2 # some scenarios

archtui's binary defaults to target/release/archtui (set ARCHTUI to change it). Every run is
deterministic: archtui with --seed 1, the DES with fixed seeds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the repository

import des  # noqa: E402
from des import DatabaseSpec, PoolSpec, RetrySpec, Scenario  # noqa: E402

ARCHTUI = os.environ.get(
    "ARCHTUI",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "archtui"),
)
PRESETS = os.path.join(HERE, "presets")

# The users' retry policies, as src/retry_policy.rs defines them.
AGGRESSIVE = RetrySpec(attempts=5, base_s=0.0, cap_s=0.0, jitter=False, budget=None)
BUDGET = RetrySpec(attempts=3, base_s=1.0, cap_s=20.0, jitter=True, budget=0.1)

# The pool of scenarios a and b: 4 instances x 2 vCPUs, 50 ms exponential service, 160 rps.
MMC = dict(instances=4, vcpus=2, service_ms=50, static_ms=5, max_concurrency=200,
           timeout_ms=10_000, queue_timeout_ms=60_000)
# Scenario c: few threads in front of a database.
HELD = dict(instances=4, vcpus=2, service_ms=20, static_ms=2, max_concurrency=20,
            timeout_ms=10_000, queue_timeout_ms=60_000)
HELD_DB = dict(vcpus=4, read_ms=10, timeout_ms=5000, hop_ms=0.5,
               added_latency=((300, 600, 3000.0),))
# Scenario d: 2 instances x 2 vCPUs, 50 ms: 80 rps; 56 rps is rho 0.7.
SMALL = dict(instances=2, vcpus=2, service_ms=50, static_ms=5, max_concurrency=200,
             timeout_ms=10_000, queue_timeout_ms=60_000)

# Scenario e: 1k's web tier, 2 instances x 4 vCPUs serving 60 % static files (5 ms) and 40 %
# dynamic pages (100 ms): a mean of 43 ms, 186 rps at rho 1.
MIXED = dict(instances=2, vcpus=4, service_ms=100, static_ms=5, max_concurrency=200,
             timeout_ms=10_000, queue_timeout_ms=60_000)

SPIKE = (300, 420)  # d: 2x from 5 min to 7 min

SCENARIOS = {
    "a1": dict(
        title="a1 M/M/8, rho 0.7",
        preset="a1-mmc-rho07.toml", duration=1800, inject=[],
        des=Scenario("a1", rate=112, duration_s=1800, pool=PoolSpec(**MMC)),
        seeds=[11], kind="mmc", rho=0.7,
    ),
    "a2": dict(
        title="a2 M/M/8, rho 0.9",
        preset="a2-mmc-rho09.toml", duration=1800, inject=[],
        des=Scenario("a2", rate=144, duration_s=1800, pool=PoolSpec(**MMC)),
        seeds=[12, 13], kind="mmc", rho=0.9,
    ),
    **{
        f"e{r}": dict(
            title=f"e{r} 1k web, 5/100 ms mix, rho 0.{r}",
            preset=f"e-mixed-rho0{r}.toml", duration=3600, inject=[],
            des=Scenario(f"e{r}", rate=round(rho * 8 / 0.043, 1), duration_s=3600,
                         static_fraction=0.6, pool=PoolSpec(**MIXED)),
            seeds=[51 + i for i in range(3)], kind="mgc", rho=rho,
        )
        for r, rho in (("80", 0.8), ("90", 0.9), ("95", 0.95))
    },
    "b1": dict(
        title="b1 rho 1.2, timeout 10 s, queue 60 s",
        preset="b1-overload.toml", duration=1200, inject=[],
        des=Scenario("b1", rate=192, duration_s=1200, pool=PoolSpec(**MMC)),
        seeds=[21, 22], kind="overload",
    ),
    "b2": dict(
        title="b2 rho 1.2, deadline propagation",
        preset="b2-overload-propagation.toml", duration=1200, inject=[],
        des=Scenario("b2", rate=192, duration_s=1200,
                     pool=PoolSpec(**MMC, deadline_propagation=True)),
        seeds=[23, 24], kind="overload",
    ),
    "c1": dict(
        title="c1 20 threads/instance, db_pool 20, +3 s on the DB for 5 min",
        preset="c1-held-threads.toml", duration=900, inject=["5m=add-latency:db:3000:5m"],
        des=Scenario("c1", rate=100, duration_s=900, static_fraction=0.5,
                     pool=PoolSpec(**HELD, db_pool=20), db=DatabaseSpec(**HELD_DB)),
        seeds=[31, 32, 33], kind="held",
    ),
    "c1b": dict(
        title="c1b as c1 with db_pool 40 (cannot bind)",
        preset="c1b-held-threads-db-pool-40.toml", duration=900,
        inject=["5m=add-latency:db:3000:5m"],
        des=Scenario("c1b", rate=100, duration_s=900, static_fraction=0.5,
                     pool=PoolSpec(**HELD, db_pool=40), db=DatabaseSpec(**HELD_DB)),
        seeds=[37, 38], kind="held",
    ),
    "c2": dict(
        title="c2 same, db_pool 10 (default)",
        preset="c2-held-threads-db-pool-10.toml", duration=900,
        inject=["5m=add-latency:db:3000:5m"],
        des=Scenario("c2", rate=100, duration_s=900, static_fraction=0.5,
                     pool=PoolSpec(**HELD, db_pool=10), db=DatabaseSpec(**HELD_DB)),
        seeds=[34, 35, 36], kind="held",
    ),
    "d1": dict(
        title="d1 rho 0.7, 2x spike for 2 min, aggressive retries",
        preset="d-retry-aggressive.toml", duration=1620, inject=["5m=spike:2x:2m"],
        des=Scenario("d1", rate=56, duration_s=1620, pool=PoolSpec(**SMALL),
                     retry=AGGRESSIVE, spikes=((SPIKE[0], SPIKE[1], 2.0),)),
        seeds=[41], kind="retry",
    ),
    "d3": dict(
        title="d3 rho 0.7, 10x spike for 2 min, no retries",
        preset="d-spike-no-retry.toml", duration=1620, inject=["5m=spike:10x:2m"],
        des=Scenario("d3", rate=56, duration_s=1620, pool=PoolSpec(**SMALL),
                     spikes=((SPIKE[0], SPIKE[1], 10.0),)),
        seeds=[45, 46], kind="retry",
    ),
    "d2": dict(
        title="d2 rho 0.7, 2x spike for 2 min, budget retries",
        preset="d-retry-budget.toml", duration=1620, inject=["5m=spike:2x:2m"],
        des=Scenario("d2", rate=56, duration_s=1620, pool=PoolSpec(**SMALL),
                     retry=BUDGET, spikes=((SPIKE[0], SPIKE[1], 2.0),)),
        seeds=[43, 44], kind="retry",
    ),
}


# ---- archtui -------------------------------------------------------------------------------
def run_archtui(sc: dict):
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        metrics = f.name
    cmd = ["nice", "-n", "10", ARCHTUI, "--preset", os.path.join(PRESETS, sc["preset"]),
           "--headless", "--duration", str(sc["duration"]), "--seed", "1", "--json",
           "--metrics", metrics]
    for inj in sc["inject"]:
        cmd += ["--inject", inj]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    summary = json.loads(out)
    with open(metrics) as f:
        lines = [json.loads(line) for line in f]
    os.unlink(metrics)
    return summary, lines


class Series:
    """Per-second figures of one run, from either tool, on one footing."""

    def __init__(self, served, failed, wasted, first, retries, threads, conns, util):
        self.served, self.failed, self.wasted = served, failed, wasted
        self.first, self.retries = first, retries
        self.threads, self.conns, self.util = threads, conns, util

    @classmethod
    def of_archtui(cls, lines):
        g = lambda k: [line[k] for line in lines]  # noqa: E731
        first = [x["rps_offered"] - x["rps_retries"] for x in lines]
        return cls(g("rps_served"), g("rps_failed"), g("rps_wasted"), first, g("rps_retries"),
                   [x["threads_in_use"].get("pool", 0.0) for x in lines],
                   [x["connections_in_use"].get("pool", 0.0) for x in lines],
                   [min(x["utilization"].get("pool", 0.0), 1e9) for x in lines])

    @classmethod
    def of_des(cls, d: des.Des):
        b = d.bins
        servers = d.sc.pool.instances * d.sc.pool.vcpus
        return cls(b.answered, b.failed, b.wasted, b.first, b.retries, b.threads, b.conns,
                   [x / servers for x in b.cpu_busy])

    def window(self, t0, t1):
        sl = slice(t0, t1)
        n = t1 - t0
        served, failed = sum(self.served[sl]), sum(self.failed[sl])
        done = served + failed
        return {
            "availability": served / done if done else None,
            "error_rate": failed / done if done else None,
            "goodput_rps": served / n,
            "failed_rps": failed / n,
            "wasted_rps": sum(self.wasted[sl]) / n,
            "retries_rps": sum(self.retries[sl]) / n,
            "threads_in_use": sum(self.threads[sl]) / n,
            "connections_in_use": sum(self.conns[sl]) / n,
            "utilization": sum(self.util[sl]) / n,
        }

    def first_failing_second(self, t0, threshold=0.5):
        for t in range(t0, len(self.served)):
            done = self.served[t] + self.failed[t]
            if done > 0 and self.failed[t] / done > threshold:
                return t
        return None

    def recovered_at(self, t0, window=10, threshold=0.01):
        """First second >= t0 after which every `window`-second block has an error rate under
        `threshold` until the end of the run; None if it never settles."""
        n = len(self.served)
        last_bad = None
        for t in range(t0, n - window + 1):
            s, f = sum(self.served[t:t + window]), sum(self.failed[t:t + window])
            if s + f > 0 and f / (s + f) >= threshold:
                last_bad = t
        if last_bad is None:
            return t0
        return last_bad + window if last_bad + window < n - window else None


# ---- DES -----------------------------------------------------------------------------------
def _des_job(args):
    key, seed = args
    try:
        os.nice(10)
    except OSError:
        pass
    t = time.time()
    d = des.simulate(SCENARIOS[key]["des"], seed)
    sc = SCENARIOS[key]
    res = {"series": Series.of_des(d).__dict__, "summary": des.summary(d),
           "wall_s": time.time() - t, "attempts": d.n_attempts,
           "classes": {"answered_static": d.bins.answered_static,
                       "failed_static": d.bins.failed_static}}
    if sc["kind"] in ("mmc", "mgc"):
        res["batches"] = batches(d, 12)
    if sc["kind"] == "overload":
        res["steady"] = des.summary(d, 300, sc["duration"])
    return key, seed, res


def batches(d: des.Des, n: int):
    """Mean and p99 of latency in n consecutive batches (by finish time), the first skipped
    as warm-up, for a batch-means confidence interval."""
    T = d.sc.duration_s
    out = []
    for i in range(1, n):
        t0, t1 = T * i / n, T * (i + 1) / n
        xs = [x for x, t in zip(d.lat_all, d.lat_all_t) if t0 <= t < t1]
        out.append((1e3 * sum(xs) / len(xs), 1e3 * des.percentile(xs, 0.99),
                    1e3 * des.percentile(xs, 0.5)))
    return out


def ci95(xs):
    """Mean and half-width of a 95 % t confidence interval."""
    n = len(xs)
    m = sum(xs) / n
    if n < 2:
        return m, float("nan")
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))
    t = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 10: 2.26, 11: 2.23}.get(n, 2.0)
    return m, t * sd / math.sqrt(n)


# ---- analytic references ---------------------------------------------------------------------
def erlang_c(c, a):
    s = sum(a ** k / math.factorial(k) for k in range(c))
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (s + top)


def mmc_response(c, lam, s, fixed):
    """Exact mean, p50 and p99 of the M/M/c FIFO response time (plus a fixed delay), ms."""
    mu = 1 / s
    C = erlang_c(c, lam * s)
    th = c * mu - lam

    def tail(t):
        return (1 - C) * math.exp(-mu * t) + C * (
            th * math.exp(-mu * t) - mu * math.exp(-th * t)) / (th - mu)

    def q(p):
        lo, hi = 0.0, 100 * s
        for _ in range(200):
            m = (lo + hi) / 2
            lo, hi = (m, hi) if tail(m) > 1 - p else (lo, m)
        return lo

    return {"mean_ms": 1e3 * (s + C / th + fixed), "p50_ms": 1e3 * (q(0.5) + fixed),
            "p99_ms": 1e3 * (q(0.99) + fixed)}


def mmc_deadline_goodput(c, lam, s, patience, t_end=2700.0, warm=300.0, seed=7):
    """Independent check of the overloaded M/M/c with deadline propagation: a
    Kiefer-Wolfowitz recursion (FIFO start times from the servers' next-free times); a request
    whose start would come after its deadline leaves; one served past it is late.
    Returns (served/s, share served late, answered in time/s)."""
    import heapq
    rng = random.Random(seed)
    free = [0.0] * c
    t = 0.0
    served = late = 0
    while t < t_end:
        t += rng.expovariate(lam)
        start = max(t, free[0])
        if start - t >= patience:
            continue
        x = rng.expovariate(1 / s)
        heapq.heapreplace(free, start + x)
        if t > warm:
            served += 1
            late += start + x - t > patience
    span = t_end - warm
    return served / span, late / served, (served - late) / span


# ---- the table -----------------------------------------------------------------------------
def fmt(x, unit=""):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if unit == "%":
        return f"{100 * x:.2f} %"
    if abs(x) >= 1000:
        return f"{x:,.0f}{unit}"
    if abs(x) >= 100:
        return f"{x:.1f}{unit}"
    return f"{x:.3g}{unit}" if abs(x) < 10 else f"{x:.2f}{unit}"


def rel(a, d):
    if a is None or d is None or isinstance(a, str) or isinstance(d, str):
        return "—"
    if abs(d) < 1e-9:
        return "exact" if abs(a) < 1e-9 else f"n/a (Δ {a - d:+.3g})"
    return f"{100 * (a - d) / abs(d):+.1f} %"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, scenario, metric, archtui, des_value, unit="", spread=None, note=""):
        sp = ""
        if spread is not None and not (isinstance(spread, float) and math.isnan(spread)):
            sp = spread if isinstance(spread, str) else f"± {fmt(spread, unit if unit != '%' else '')}" \
                if unit != "%" else f"± {100 * spread:.2f} pp"
        self.rows.append((scenario, metric, fmt(archtui, unit), fmt(des_value, unit),
                          rel(archtui, des_value), sp, note))

    def markdown(self):
        head = ("scenario", "metric", "archtui", "DES", "rel. error", "DES spread", "note")
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in self.rows:
            out.append("| " + " | ".join(r) + " |")
        return "\n".join(out)


def spread_of(values):
    """Mean and '[min, max]' over DES seeds."""
    vs = [v for v in values if v is not None]
    if not vs:
        return None, None
    m = sum(vs) / len(vs)
    return m, vs


def add_seeds(tab, scen, metric, archtui, values, unit="", note=""):
    m, vs = spread_of(values)
    sp = None
    if vs and len(vs) > 1:
        lo, hi = min(vs), max(vs)
        if unit == "%":
            sp = f"[{100 * lo:.2f}, {100 * hi:.2f}] %"
        else:
            sp = f"[{fmt(lo)}, {fmt(hi)}]"
    tab.add(scen, metric, archtui, m, unit, sp, note)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = ap.parse_args()
    try:
        os.nice(10)  # share the machine with builds
    except OSError:
        pass
    keys = [k for k in SCENARIOS if not args.only or k in args.only]
    # archtui's runs take milliseconds; the DES runs in two worker processes.
    t_start = time.time()

    arch = {k: run_archtui(SCENARIOS[k]) for k in keys}
    jobs = [(k, s) for k in keys for s in SCENARIOS[k]["seeds"]]
    # Longest first, so the two workers finish together.
    cost = {"d3": 6, "d1": 9, "e95": 6, "e90": 6, "e80": 6, "b1": 5, "b2": 4, "a2": 4, "a1": 3}
    jobs.sort(key=lambda j: -cost.get(j[0], 1))
    runs: dict = {k: [] for k in keys}
    with Pool(2) as pool:
        for k, seed, res in pool.imap_unordered(_des_job, jobs):
            runs[k].append(res)
            print(f"  DES {k} seed {seed}: {res['attempts']:,} attempts in {res['wall_s']:.1f} s",
                  file=sys.stderr)

    tab = Table()
    notes = []
    for k in keys:
        sc = SCENARIOS[k]
        summ, lines = arch[k]
        A = Series.of_archtui(lines)
        D = [Series(**r["series"]) for r in runs[k]]
        T = sc["duration"]
        name = sc["title"]
        if sc["kind"] == "mgc":
            bt = [b for r in runs[k] for b in r["batches"]]
            s = {m: sum(r["summary"][m] for r in runs[k]) / len(runs[k])
                 for m in ("mean_ms", "p50_ms", "p99_ms")}
            lat = summ["latency_ms"]
            for key, label, col in (("mean", "mean_ms", 0), ("p50", "p50_ms", 2),
                                    ("p99", "p99_ms", 1)):
                _, ci = ci95([b[col] for b in bt])
                tab.add(name, f"{key} latency (ms)", lat[key], s[label], "", ci,
                        "M/G/c: Allen–Cunneen" if key == "mean" else "")
        elif sc["kind"] == "mmc":
            bt = [b for r in runs[k] for b in r["batches"]]
            p = sc["des"].pool
            ref = mmc_response(p.instances * p.vcpus, sc["des"].rate, p.service_ms / 1e3,
                               sc["des"].hop_ms / 1e3)
            # Seeds run equally long: average their figures.
            s = {m: sum(r["summary"][m] for r in runs[k]) / len(runs[k])
                 for m in ("mean_ms", "p50_ms", "p99_ms", "availability")}
            _, ci_mean = ci95([b[0] for b in bt])
            _, ci_p99 = ci95([b[1] for b in bt])
            _, ci_p50 = ci95([b[2] for b in bt])
            lat = summ["latency_ms"]
            vs = lambda a, key: (f"Erlang C exact {ref[key]:.2f}; archtui "  # noqa: E731
                                 f"{rel(a, ref[key])}, DES {rel(s[key], ref[key])} vs exact")
            tab.add(name, "mean latency (ms)", lat["mean"], s["mean_ms"], "", ci_mean,
                    vs(lat["mean"], "mean_ms"))
            tab.add(name, "p50 latency (ms)", lat["p50"], s["p50_ms"], "", ci_p50,
                    vs(lat["p50"], "p50_ms"))
            tab.add(name, "p99 latency (ms)", lat["p99"], s["p99_ms"], "", ci_p99,
                    vs(lat["p99"], "p99_ms"))
            aw, dws = A.window(60, T), [d.window(60, T) for d in D]
            avg = lambda m: sum(w[m] for w in dws) / len(dws)  # noqa: E731
            tab.add(name, "CPU utilisation", aw["utilization"], avg("utilization"), "%")
            tab.add(name, "threads in use", aw["threads_in_use"], avg("threads_in_use"), "",
                    None, "Little: λ × mean response")
            tab.add(name, "availability", summ["availability"], s["availability"], "%")
        elif sc["kind"] == "overload":
            ds = [r["summary"] for r in runs[k]]
            avail = [x["availability"] for x in ds]
            add_seeds(tab, name, "availability, whole 20 min", summ["availability"], avail, "%")
            goodput = summ["requests"]["served"] / T
            add_seeds(tab, name, "goodput (rps), whole run", goodput,
                      [x["goodput_rps"] for x in ds])
            aw = A.window(0, T)
            add_seeds(tab, name, "wasted work (rps), whole run", aw["wasted_rps"],
                      [x["wasted_rps"] for x in ds])
            add_seeds(tab, name, "p99 of all requests (ms)", summ["latency_ms"]["p99"],
                      [x["p99_ms"] for x in ds])
            add_seeds(tab, name, "mean of all requests (ms)", summ["latency_ms"]["mean"],
                      [x["mean_ms"] for x in ds])
            add_seeds(tab, name, "mean of answered requests (ms)",
                      summ["latency_ok_ms"]["mean"], [x["ok_mean_ms"] for x in ds])
            aw = A.window(300, T)
            dws = [d.window(300, T) for d in D]
            for m, label, unit in (("goodput_rps", "goodput (rps), 5–20 min", ""),
                                   ("wasted_rps", "wasted work (rps), 5–20 min", ""),
                                   ("failed_rps", "failed (rps), 5–20 min", ""),
                                   ("threads_in_use", "threads in use, 5–20 min", ""),
                                   ("utilization", "CPU utilisation, 5–20 min", "%")):
                note = ""
                if m == "utilization":
                    note = "archtui: offered/capacity; DES: busy share"
                add_seeds(tab, name, label, aw[m], [d[m] for d in dws], unit, note)
            first_a = A.first_failing_second(0)
            first_d = [d.first_failing_second(0) for d in D]
            add_seeds(tab, name, "first second with > 50 % errors", first_a, first_d)
            if k == "b2":
                p = sc["des"].pool
                srv, late, good = mmc_deadline_goodput(p.instances * p.vcpus, sc["des"].rate,
                                                       p.service_ms / 1e3, p.timeout_ms / 1e3
                                                       - sc["des"].hop_ms / 1e3)
                notes.append(
                    f"b2 cross-check without SimPy (Kiefer–Wolfowitz recursion of the FIFO "
                    f"M/M/8 with deterministic patience 10 s): served {srv:.1f} rps, "
                    f"{100 * late:.1f} % of them late, goodput {good:.1f} rps.")
                shares = []
                for c in (1, 8, 32):
                    _, late_c, _ = mmc_deadline_goodput(c, 1.2 * c / 0.05, 0.05, 10.0,
                                                        t_end=1000.0, warm=200.0)
                    shares.append(f"c = {c}: {100 * late_c:.0f} %")
                notes.append(
                    "Share of served requests that finish after their deadline in an M/M/c "
                    "at rho 1.2 with deadline propagation (same recursion, 50 ms service): "
                    + ", ".join(shares) + "; archtui's station takes it from the M/M/c+D "
                    "steady state (src/sim/queueing.rs), which depends on c the same way.")
        elif sc["kind"] == "held":
            for (t0, t1, label) in ((0, 300, "before"), (300, 600, "during +3 s"),
                                    (600, 900, "after")):
                aw = A.window(t0, t1)
                dws = [d.window(t0, t1) for d in D]
                add_seeds(tab, name, f"availability, all, {label}", aw["availability"],
                          [x["availability"] for x in dws], "%")
                if t0 == 300:
                    st = []
                    dy = []
                    for r in runs[k]:
                        st.append(window_class(r, t0, t1, static=True))
                        dy.append(window_class(r, t0, t1, static=False))
                    lo, hi = bounds_static(aw["availability"], 0.5)
                    add_seeds(tab, name, f"availability, static, {label}",
                              f"n/a (in [{100 * lo:.1f}, {100 * hi:.1f}] %)", st, "%",
                              "archtui reports no per-class figures")
                    add_seeds(tab, name, f"availability, dynamic, {label}", "n/a", dy, "%")
                    add_seeds(tab, name, f"threads in use, {label}", aw["threads_in_use"],
                              [x["threads_in_use"] for x in dws], "", "limit 80")
                    add_seeds(tab, name, f"connections in use, {label}",
                              aw["connections_in_use"], [x["connections_in_use"] for x in dws],
                              "", f"limit {4 * sc['des'].pool.db_pool}")
                    add_seeds(tab, name, f"wasted work (rps), {label}", aw["wasted_rps"],
                              [x["wasted_rps"] for x in dws])
                    add_seeds(tab, name, f"goodput (rps), {label}", aw["goodput_rps"],
                              [x["goodput_rps"] for x in dws])
            add_seeds(tab, name, "first second with > 50 % errors", A.first_failing_second(300),
                      [d.first_failing_second(300) for d in D])
            add_seeds(tab, name, "recovered (error < 1 %) at second", A.recovered_at(600),
                      [d.recovered_at(600) for d in D])
            add_seeds(tab, name, "threads in use, before", A.window(0, 300)["threads_in_use"],
                      [d.window(0, 300)["threads_in_use"] for d in D])
        elif sc["kind"] == "retry":
            end = SPIKE[1]
            for (t0, t1, label) in ((0, 300, "before"), (300, 420, "during spike"),
                                    (end, end + 60, "first minute after"),
                                    (end, end + 300, "0–5 min after"),
                                    (end + 900, end + 1200, "15–20 min after")):
                aw = A.window(t0, t1)
                dws = [d.window(t0, t1) for d in D]
                add_seeds(tab, name, f"error rate, {label}", aw["error_rate"],
                          [x["error_rate"] for x in dws], "%")
                add_seeds(tab, name, f"retries (rps), {label}", aw["retries_rps"],
                          [x["retries_rps"] for x in dws])
                if t0 >= end + 900:
                    add_seeds(tab, name, f"goodput (rps), {label}", aw["goodput_rps"],
                              [x["goodput_rps"] for x in dws])
            ra = A.recovered_at(end)
            rd = [d.recovered_at(end) for d in D]
            verdict = lambda r: "metastable" if r is None else f"recovered +{r - end} s"  # noqa
            tab.add(name, "verdict", verdict(ra), ", ".join(verdict(r) for r in rd), "", None,
                    "recovered: error < 1 % in every 10 s from then on")
    if not args.only or "rtt" in args.only:
        notes.append(entry_rtt_check())
    md = tab.markdown()
    wall = time.time() - t_start
    text = (f"Generated by `python3 validation/compare.py` ({wall:.0f} s wall). archtui: "
            f"`{ARCHTUI}`, seed 1. DES spread: 95 % batch-means CI (a), else [min, max] over "
            f"seeds.\n\n{md}\n")
    if notes:
        text += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    print(text)
    if not args.only:
        with open(args.out, "w") as f:
            f.write(text)
        # Keep the copy in README.md (between its markers) in step with results.md.
        readme = os.path.join(HERE, "README.md")
        if os.path.exists(readme):
            doc = open(readme).read()
            a, b = "<!-- results -->", "<!-- /results -->"
            if a in doc and b in doc:
                doc = doc[:doc.index(a) + len(a)] + "\n" + text + doc[doc.index(b):]
                with open(readme, "w") as f:
                    f.write(doc)


def entry_rtt_check():
    """archtui-only: where a preset without DNS charges the users' round trip. The c1 preset
    (no injection, 2 minutes) with user_rtt_ms 0.001 and 20: by the README every request pays
    the round trip at the region's entry (+20 ms on the mean)."""
    src = open(os.path.join(PRESETS, "c1-held-threads.toml")).read()
    means = {}
    for rtt in ("0.001", "20"):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(src.replace("user_rtt_ms = 0.001", f"user_rtt_ms = {rtt}"))
            path = f.name
        out = subprocess.run(["nice", "-n", "10", ARCHTUI, "--preset", path, "--headless",
                              "--duration", "120", "--seed", "1", "--json"], check=True,
                             capture_output=True, text=True).stdout
        os.unlink(path)
        means[rtt] = json.loads(out)["latency_ms"]["mean"]
    delta = means["20"] - means["0.001"]
    head = (f"Entry round trip (archtui only, c1 preset without DNS, no fault): mean latency "
            f"{means['0.001']:.2f} ms with user_rtt_ms = 0.001 and {means['20']:.2f} ms with "
            f"20: {delta:+.2f} ms")
    if abs(delta - 20.0) < 0.5:
        return head + ", as the README says (every request pays it at the entry)."
    return (head + " where the README's semantics give +20 ms for every request. Only the "
            "dynamic half pays it, at the database (`base_latency` in src/sim/mod.rs charged it "
            "to the components after the entry, i.e. after the pool when there is no DNS).")


def window_class(r, t0, t1, static):
    """Availability of one class in a window, from a DES run's per-second class counts."""
    c = r["classes"]
    a = sum(c["answered_static"][t0:t1])
    f = sum(c["failed_static"][t0:t1])
    if not static:
        a = sum(r["series"]["served"][t0:t1]) - a
        f = sum(r["series"]["failed"][t0:t1]) - f
    return a / (a + f) if a + f else None


def bounds_static(avail_all, static_share):
    """What the availability of all requests says about that of static ones."""
    lo = max(0.0, (avail_all - (1 - static_share)) / static_share)
    hi = min(1.0, avail_all / static_share)
    return lo, hi


if __name__ == "__main__":
    main()
