"""A per-request discrete-event simulation of small server networks, written with SimPy.

It is an independent check on archtui's fluid model (which steps once per simulated second
and counts requests as real numbers): here every request is an object that arrives, waits,
is served, times out and is retried one at a time. It is written from the semantics below,
not from the Rust code.

Network: users -> one pool of servers -> (optionally) one database.

* Arrivals: Poisson, rate ``rate`` per second, times a piecewise-constant multiplier during
  spike windows (drawn exactly by thinning). A share ``static_fraction`` of requests are
  static files (served by the pool alone, ``static_ms``); the rest are dynamic reads
  (``service_ms`` on the pool, then a database read when there is a database).
* The pool: ``instances`` x ``vcpus`` servers sharing one FIFO queue, exponential service.
  Each instance also has ``max_concurrency`` threads (pooled over instances, like the CPUs):
  a request must hold a thread before it may queue for a CPU, and it keeps the thread until
  its answer leaves the server, its wait for the database included.
* The user (caller) gives up ``timeout_ms`` after sending the attempt: it sees a failure at
  that moment. By default the server does not know and keeps the request waiting (for a
  thread or a CPU) until ``queue_timeout_ms`` after its arrival, then drops it; what it
  serves after the user left is wasted work. With ``deadline_propagation`` the server drops a
  request whose caller's deadline passed before its service started (and does not call the
  database for one whose deadline passed during its service).
* The database: ``vcpus`` servers, FIFO, exponential ``read_ms``. A dynamic request first
  takes one of its instance's pooled connections (``db_pool`` per instance, pooled over
  instances; it waits at most 30 s for one, HikariCP's default ``connectionTimeout``, holding
  its thread meanwhile), then pays a fixed network delay (``hop_ms`` plus any injected added
  latency) and queues at the database. The pool gives up on the query ``timeout_ms`` (of the
  database) after sending it; the database cancels a query still queued at that moment (a
  query already running runs to its end). The connection is held until the answer or the
  pool's timeout, whichever comes first.
* Retries by the users' clients: when an attempt fails (user timeout, or an error coming
  back from the server), the client retries after a backoff ``min(cap, base * 2^(i-1))``
  before retry ``i`` (full jitter: uniform in [0, that]), up to ``attempts`` attempts in all.
  A ``budget`` allows retries in any sliding one-second window to be at most that share of
  the first attempts sent in the same window. No circuit breaker.
* Network: one hop (``hop_ms``) from the user to the pool, paid once per attempt; and
  ``entry_ms`` (the user's round trip) at the entry, set to 0 when the preset makes it
  negligible.

Measured: requests (first attempts), attempts, retries, availability (answered / finished
requests), goodput, mean / p50 / p99 latency of every finished request (a failed request at
the moment the user saw its last failure, retries and backoffs included) and of the answered
ones, wasted work (pool CPU services completed after the caller had given up), CPU
utilisation, threads and connections in use (time averages), all also per simulated second.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field

import simpy

HIKARI_CONNECTION_TIMEOUT_S = 30.0


@dataclass
class PoolSpec:
    instances: int
    vcpus: int
    service_ms: float
    static_ms: float
    max_concurrency: int = 200
    queue_timeout_ms: float = 60_000.0
    timeout_ms: float = 10_000.0
    deadline_propagation: bool = False
    db_pool: int = 10


@dataclass
class DatabaseSpec:
    vcpus: int
    read_ms: float
    timeout_ms: float = 5_000.0
    hop_ms: float = 0.5
    # Injected latency: (start_s, end_s or None, extra_ms), a fixed delay on every call.
    added_latency: tuple = ()

    def extra_s(self, t: float) -> float:
        return sum(
            ms / 1e3 for (t0, t1, ms) in self.added_latency if t >= t0 and (t1 is None or t < t1)
        )


@dataclass
class RetrySpec:
    attempts: int = 1
    base_s: float = 0.0
    cap_s: float = 0.0
    jitter: bool = False
    budget: float | None = None

    def bound_s(self, retry: int) -> float:
        return min(self.cap_s, self.base_s * 2 ** (retry - 1))


NO_RETRY = RetrySpec()


@dataclass
class Scenario:
    name: str
    rate: float
    duration_s: int
    pool: PoolSpec
    db: DatabaseSpec | None = None
    retry: RetrySpec = field(default_factory=RetrySpec)
    static_fraction: float = 0.0
    # Spikes: (start_s, end_s, factor)
    spikes: tuple = ()
    hop_ms: float = 0.5
    entry_ms: float = 0.0

    def multiplier(self, t: float) -> float:
        m = 1.0
        for t0, t1, f in self.spikes:
            if t0 <= t < t1:
                m *= f
        return m


class Servers:
    """``n`` identical servers (or slots) with one FIFO queue. Waiting tickets can be
    cancelled; cancelled ones are skipped when their turn comes."""

    __slots__ = ("n", "busy", "queue")

    def __init__(self, n: int):
        self.n = n
        self.busy = 0
        self.queue: deque = deque()

    def acquire(self, ticket: list) -> bool:
        """ticket = [cancelled, callback, attempt]; True when served at once."""
        if self.busy < self.n and not self.queue:
            self.busy += 1
            return True
        self.queue.append(ticket)
        return False

    def release(self):
        q = self.queue
        while q:
            ticket = q.popleft()
            if not ticket[0]:
                ticket[0] = True  # taken: cannot be cancelled any more
                ticket[1](ticket[2])
                return
        self.busy -= 1


class Request:
    __slots__ = ("t0", "static", "attempts", "done")

    def __init__(self, t0, static):
        self.t0 = t0  # when the user sent the first attempt
        self.static = static
        self.attempts = 0
        self.done = False


class Attempt:
    __slots__ = (
        "req", "t_send", "t_arr", "user_deadline", "server_deadline", "state", "user_done",
        "ticket", "db_deadline", "cpu_start",
    )

    def __init__(self, req, t_send, t_arr, user_deadline, server_deadline):
        self.req = req
        self.t_send = t_send
        self.t_arr = t_arr
        self.user_deadline = user_deadline
        self.server_deadline = server_deadline
        self.state = "new"
        self.user_done = False
        self.ticket = None
        self.db_deadline = 0.0
        self.cpu_start = 0.0


class Bins:
    """Per-second counters and time integrals."""

    def __init__(self, n):
        self.n = n
        z = lambda: [0.0] * n  # noqa: E731
        self.first = z()
        self.retries = z()
        self.answered = z()
        self.failed = z()
        self.answered_static = z()
        self.failed_static = z()
        self.wasted = z()
        self.cpu_busy = z()  # CPU-seconds
        self.threads = z()  # thread-seconds
        self.conns = z()  # connection-seconds
        self.dropped = z()

    def count(self, arr, t, x=1.0):
        i = int(t)
        if 0 <= i < self.n:
            arr[i] += x

    def integrate(self, arr, t0, t1, level):
        if level == 0 or t1 <= t0:
            return
        i = int(t0)
        while t0 < t1 and i < self.n:
            end = min(t1, i + 1.0)
            arr[i] += level * (end - t0)
            t0 = end
            i += 1


class Des:
    def __init__(self, sc: Scenario, seed: int):
        self.sc = sc
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        p = sc.pool
        self.cpu = Servers(p.instances * p.vcpus)
        self.threads = Servers(p.instances * p.max_concurrency)
        self.conns = Servers(p.instances * p.db_pool) if sc.db else None
        self.db = Servers(sc.db.vcpus) if sc.db else None
        self.bins = Bins(sc.duration_s)
        self.lat_all: list = []
        self.lat_ok: list = []
        self.lat_all_t: list = []  # finish times, for batch statistics
        self.lat_ok_t: list = []
        self.n_first = 0
        self.n_attempts = 0
        self.n_retries = 0
        self.n_answered = 0
        self.n_failed = 0
        self.n_wasted = 0
        self.n_dropped = 0
        self.thread_level = 0
        self.thread_t = 0.0
        self.conn_level = 0
        self.conn_t = 0.0
        self.firsts_window: deque = deque()
        self.retries_window: deque = deque()
        self.hop = sc.hop_ms / 1e3 + sc.entry_ms / 1e3
        self.timeout = p.timeout_ms / 1e3
        self.queue_timeout = p.queue_timeout_ms / 1e3
        self.svc_static = p.static_ms / 1e3
        self.svc_dynamic = p.service_ms / 1e3

    # ---- plumbing ----------------------------------------------------------------------
    def at(self, delay, fn, arg):
        ev = self.env.timeout(delay)
        ev.callbacks.append(lambda _e: fn(arg))

    def thread_change(self, delta):
        now = self.env.now
        self.bins.integrate(self.bins.threads, self.thread_t, now, self.thread_level)
        self.thread_level += delta
        self.thread_t = now

    def release_conn(self):
        self.conn_change(-1)
        self.conns.release()

    def conn_change(self, delta):
        now = self.env.now
        self.bins.integrate(self.bins.conns, self.conn_t, now, self.conn_level)
        self.conn_level += delta
        self.conn_t = now

    # ---- arrivals ----------------------------------------------------------------------
    def source(self):
        sc = self.sc
        m_max = max([1.0] + [f for (_, _, f) in sc.spikes])
        lam_max = sc.rate * m_max
        rng = self.rng
        env = self.env
        while True:
            yield env.timeout(rng.expovariate(lam_max))
            now = env.now
            if now >= sc.duration_s:
                return
            if m_max > 1.0 and rng.random() * m_max >= sc.multiplier(now):
                continue
            req = Request(now - self.hop, rng.random() < sc.static_fraction)
            self.n_first += 1
            self.bins.count(self.bins.first, now)
            if sc.retry.budget is not None:
                self.firsts_window.append(now)
            self.arrive(req)

    def arrive(self, req):
        """An attempt of ``req`` reaches the pool now."""
        now = self.env.now
        req.attempts += 1
        self.n_attempts += 1
        t_send = now - self.hop
        user_deadline = t_send + self.timeout
        if self.sc.pool.deadline_propagation:
            server_deadline = user_deadline
        else:
            server_deadline = now + self.queue_timeout
        a = Attempt(req, t_send, now, user_deadline, server_deadline)
        self.at(min(user_deadline, server_deadline) - now, self.deadline_check, a)
        a.state = "thread_wait"
        ticket = [False, self.got_thread, a]
        a.ticket = ticket
        if self.threads.acquire(ticket):
            ticket[0] = True
            self.got_thread(a)

    # ---- the pool ----------------------------------------------------------------------
    def got_thread(self, a):
        self.thread_change(+1)
        a.state = "cpu_wait"
        ticket = [False, self.cpu_start, a]
        a.ticket = ticket
        if self.cpu.acquire(ticket):
            ticket[0] = True
            self.cpu_start(a)

    def cpu_start(self, a):
        a.state = "cpu"
        a.cpu_start = self.env.now
        mean = self.svc_static if a.req.static else self.svc_dynamic
        self.at(self.rng.expovariate(1.0 / mean), self.cpu_done, a)

    def cpu_done(self, a):
        now = self.env.now
        self.bins.integrate(self.bins.cpu_busy, a.cpu_start, now, 1)
        self.cpu.release()
        if a.user_done and now > a.user_deadline:
            # Served after the caller had given up: work done for nobody.
            self.n_wasted += 1
            self.bins.count(self.bins.wasted, now)
        if a.req.static or self.db is None:
            return self.finish(a)
        if self.sc.pool.deadline_propagation and now >= a.user_deadline:
            return self.end_attempt(a, ok=False)  # the caller left: no database call
        a.state = "conn_wait"
        ticket = [False, self.got_conn, a]
        a.ticket = ticket
        if self.conns.acquire(ticket):
            ticket[0] = True
            self.got_conn(a)
        else:
            self.at(HIKARI_CONNECTION_TIMEOUT_S, self.conn_timeout, a)

    def conn_timeout(self, a):
        if a.state == "conn_wait" and not a.ticket[0]:
            a.ticket[0] = True  # leaves the connection queue
            self.end_attempt(a, ok=False)

    # ---- the database ------------------------------------------------------------------
    def got_conn(self, a):
        now = self.env.now
        self.conn_change(+1)
        a.state = "db_travel"
        db = self.sc.db
        a.db_deadline = now + db.timeout_ms / 1e3
        self.at(db.timeout_ms / 1e3, self.db_timeout, a)
        self.at(db.hop_ms / 1e3 + db.extra_s(now), self.db_arrive, a)

    def db_arrive(self, a):
        if a.state != "db_travel":
            return  # the pool gave up during the trip; the query never runs
        a.state = "db_wait"
        ticket = [False, self.db_start, a]
        a.ticket = ticket
        if self.db.acquire(ticket):
            ticket[0] = True
            self.db_start(a)

    def db_start(self, a):
        a.state = "db"
        self.at(self.rng.expovariate(1e3 / self.sc.db.read_ms), self.db_done, a)

    def db_done(self, a):
        self.db.release()
        if a.state == "db":
            self.release_conn()
            self.finish(a)
        # else the pool gave up on it already: the database worked for nobody

    def db_timeout(self, a):
        if a.state == "db_wait":
            a.ticket[0] = True  # the database cancels the queued query
        elif a.state not in ("db_travel", "db"):
            return  # answered already
        # A running query runs on ("db" state keeps the database busy until db_done).
        was_running = a.state == "db"
        a.state = "db_failed_running" if was_running else "db_failed"
        self.release_conn()
        self.end_attempt(a, ok=False)

    # ---- outcomes ----------------------------------------------------------------------
    def finish(self, a):
        self.end_attempt(a, ok=True)

    def end_attempt(self, a, ok):
        """The attempt's answer (or error) leaves the pool: its thread is free."""
        if a.state not in ("db_failed_running",):
            a.state = "done"
        self.thread_change(-1)
        self.threads.release()
        if not a.user_done:
            a.user_done = True
            if ok:
                self.request_answered(a.req)
            else:
                self.attempt_failed(a.req)

    def deadline_check(self, a):
        now = self.env.now
        if not a.user_done and now >= a.user_deadline - 1e-12:
            a.user_done = True
            self.attempt_failed(a.req)
        waiting = a.state in ("thread_wait", "cpu_wait")
        if waiting and now >= a.server_deadline - 1e-12:
            self.drop(a)
            return
        if waiting:
            nxt = a.server_deadline
            if not a.user_done:
                nxt = min(nxt, a.user_deadline)
            self.at(nxt - now, self.deadline_check, a)
        elif not a.user_done and a.user_deadline > now:
            self.at(a.user_deadline - now, self.deadline_check, a)

    def drop(self, a):
        """The server gives up on a request still waiting for a thread or a CPU."""
        a.ticket[0] = True
        self.n_dropped += 1
        self.bins.count(self.bins.dropped, self.env.now)
        held_thread = a.state == "cpu_wait"
        a.state = "dropped"
        if held_thread:
            self.thread_change(-1)
            self.threads.release()
        if not a.user_done:
            a.user_done = True
            self.attempt_failed(a.req)

    def request_answered(self, req):
        now = self.env.now
        req.done = True
        self.n_answered += 1
        lat = now - req.t0
        self.lat_all.append(lat)
        self.lat_ok.append(lat)
        self.lat_all_t.append(now)
        self.lat_ok_t.append(now)
        self.bins.count(self.bins.answered, now)
        if req.static:
            self.bins.count(self.bins.answered_static, now)

    def attempt_failed(self, req):
        """The user sees an attempt fail now: retry, or give up."""
        now = self.env.now
        r = self.sc.retry
        if req.attempts < r.attempts and self.budget_allows(now):
            bound = r.bound_s(req.attempts)
            backoff = bound * self.rng.random() if r.jitter else bound
            self.n_retries += 1
            self.bins.count(self.bins.retries, now + backoff)
            if r.budget is not None:
                self.retries_window.append(now)
            self.at(backoff + self.hop, self.arrive, req)
            return
        req.done = True
        self.n_failed += 1
        self.lat_all.append(now - req.t0)
        self.lat_all_t.append(now)
        self.bins.count(self.bins.failed, now)
        if req.static:
            self.bins.count(self.bins.failed_static, now)

    def budget_allows(self, now):
        share = self.sc.retry.budget
        if share is None:
            return True
        for w in (self.firsts_window, self.retries_window):
            while w and w[0] <= now - 1.0:
                w.popleft()
        return len(self.retries_window) + 1 <= share * len(self.firsts_window)

    # ---- run ---------------------------------------------------------------------------
    def run(self):
        self.env.process(self.source())
        self.env.run(until=self.sc.duration_s)
        # close the time integrals
        self.thread_change(0)
        if self.conns is not None:
            self.conn_change(0)
        return self


def percentile(xs, q):
    """The q-quantile (0..1), nearest rank."""
    if not xs:
        return None
    s = sorted(xs)
    k = max(1, math.ceil(q * len(s))) - 1
    return s[k]


def summary(d: Des, t0: float = 0.0, t1: float | None = None) -> dict:
    """Run figures over finish times in [t0, t1)."""
    sc = d.sc
    t1 = sc.duration_s if t1 is None else t1
    lo, hi = int(t0), int(t1)
    b = d.bins
    span = hi - lo
    s = lambda arr: sum(arr[lo:hi])  # noqa: E731
    answered, failed = s(b.answered), s(b.failed)
    finished = answered + failed
    lat_all = [x for x, t in zip(d.lat_all, d.lat_all_t) if t0 <= t < t1]
    lat_ok = [x for x, t in zip(d.lat_ok, d.lat_ok_t) if t0 <= t < t1]
    servers = sc.pool.instances * sc.pool.vcpus
    static_done = s(b.answered_static) + s(b.failed_static)
    dyn_answered = answered - s(b.answered_static)
    dyn_done = finished - static_done
    return {
        "requests": s(b.first),
        "retries": s(b.retries),
        "attempts": s(b.first) + s(b.retries),
        "answered": answered,
        "failed": failed,
        "availability": answered / finished if finished else None,
        "availability_static": s(b.answered_static) / static_done if static_done else None,
        "availability_dynamic": dyn_answered / dyn_done if dyn_done else None,
        "error_rate": failed / finished if finished else None,
        "goodput_rps": answered / span,
        "wasted_rps": s(b.wasted) / span,
        "dropped_rps": s(b.dropped) / span,
        "utilization": s(b.cpu_busy) / (servers * span),
        "threads_in_use": s(b.threads) / span,
        "connections_in_use": s(b.conns) / span,
        "mean_ms": 1e3 * sum(lat_all) / len(lat_all) if lat_all else None,
        "p50_ms": 1e3 * percentile(lat_all, 0.50) if lat_all else None,
        "p99_ms": 1e3 * percentile(lat_all, 0.99) if lat_all else None,
        "ok_mean_ms": 1e3 * sum(lat_ok) / len(lat_ok) if lat_ok else None,
        "ok_p50_ms": 1e3 * percentile(lat_ok, 0.50) if lat_ok else None,
        "ok_p99_ms": 1e3 * percentile(lat_ok, 0.99) if lat_ok else None,
    }


def simulate(sc: Scenario, seed: int) -> Des:
    return Des(sc, seed).run()


if __name__ == "__main__":
    # python3 validation/des.py [scenario key from compare.py, e.g. b2] [seed]
    import json
    import sys
    import time

    sys.dont_write_bytecode = True
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
    from compare import SCENARIOS

    key = sys.argv[1] if len(sys.argv) > 1 else "a1"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    t = time.time()
    d = simulate(SCENARIOS[key]["des"], seed)
    out = summary(d)
    out["attempts_simulated"] = d.n_attempts
    out["wall_s"] = round(time.time() - t, 1)
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()},
                     indent=1))
