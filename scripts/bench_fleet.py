"""The fleet store's part of the benchmark (`compat_redis.h`): a resumed TLS 1.2 handshake
through Redis against the built-in cache, the fleet's ticket keys against local ones, and what a
Redis outage costs (Redis stopped, or a "Redis" that accepts and never answers). Every cell is our
example server under `openssl s_time -reuse` with a real `redis-server` of its own on 127.0.0.1.

The figures: the server's CPU per handshake, Redis's CPU per handshake (the fleet pays it too),
the mean time per connection of the sequential client (latency, client included), and the share
of connections resumed.
"""
import socket
import statistics
import subprocess
import time

from benchlib import Server, cert, cpu_seconds, free_port, s_time, wait_listening

TLS12 = ["-reuse", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]
IO_TIMEOUT_MS = 100


class Redis:
    """A `redis-server` of the benchmark: 127.0.0.1, a free port, persistence off."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(self.port, self.proc)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Silent:
    """A "Redis" that completes TCP handshakes (the kernel's backlog) and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"

    def stop(self):
        self.sock.close()


def refused_url():
    """A URL where nothing listens (Redis stopped)."""
    return f"redis://127.0.0.1:{free_port()}/0"


# (label, server options, Redis: "real", "stopped", "silent" or None)
CELLS = [
    ("TLS 1.2 session ID, built-in cache", ["max_version=tls12", "tickets=0"], None),
    ("TLS 1.2 session ID, Redis cache", ["max_version=tls12", "tickets=0"], "real"),
    ("TLS 1.2 tickets, local keys", ["max_version=tls12", "cache=0"], None),
    ("TLS 1.2 tickets, the fleet's keys in Redis", ["max_version=tls12", "cache=0"], "real"),
    ("no cache, no tickets (every handshake full)", ["max_version=tls12", "cache=0", "tickets=0"], None),
    ("outage: Redis stopped (connection refused)", ["max_version=tls12", "tickets=0"], "stopped"),
    (f"outage: Redis never answers ({IO_TIMEOUT_MS} ms I/O timeout)", ["max_version=tls12", "tickets=0"], "silent"),
]


def run_cell(cell, seconds):
    label, args, kind = cell
    redis = Redis() if kind == "real" else Silent() if kind == "silent" else None
    url = refused_url() if kind == "stopped" else redis.url if redis else None
    extra = [f"redis={url}", f"redis_timeout_ms={IO_TIMEOUT_MS}"] if url else []
    server = Server("ours", cert("server-ec.crt"), cert("server-ec.key"), args + extra)
    try:
        real_redis = kind == "real"
        before = cpu_seconds(server.proc.pid), real_redis and cpu_seconds(redis.proc.pid)
        n, real, out = s_time(server.port, TLS12, seconds, None)
        time.sleep(0.2)
        after = cpu_seconds(server.proc.pid), real_redis and cpu_seconds(redis.proc.pid)
    finally:
        server.stop()
        if redis:
            redis.stop()
    marks = "".join(line for line in out.splitlines() if line and set(line) <= set("r*"))
    return {
        "cpu_us": (after[0] - before[0]) * 1e6 / max(n, 1),
        "redis_us": (after[1] - before[1]) * 1e6 / max(n, 1) if real_redis else None,
        "ms": real * 1e3 / max(n, 1),
        "resumed": marks.count("r") / max(len(marks), 1),
    }


def run(seconds, rounds):
    """Every cell, a discarded warm-up run then `rounds` runs in alternating order; medians."""
    for cell in CELLS:
        run_cell(cell, 1)
    per = {cell[0]: [] for cell in CELLS}
    for r in range(rounds):
        for cell in CELLS if r % 2 == 0 else list(reversed(CELLS)):
            per[cell[0]].append(run_cell(cell, seconds))
    results = {}
    for label, runs in per.items():
        results[label] = {k: None if runs[0][k] is None else statistics.median(x[k] for x in runs) for k in runs[0]}
        print("fleet:", label, {k: v and round(v, 3) for k, v in results[label].items()}, flush=True)
    return results


def section(results):
    """The BENCHMARKS.md lines of the fleet store."""
    def num(v, digits=0):
        return "n/a" if v is None else f"{v:,.{digits}f}"
    lines = ["## Fleet store (Redis)\n",
             "Our example server (`ssl_server.c`, one process) resumed by `openssl s_time -reuse` (TLS 1.2 "
             "ECDHE-ECDSA-AES128-GCM), with a `redis-server` of its own on loopback where a cell uses Redis "
             f"(`redis=URL`, `redis_timeout_ms={IO_TIMEOUT_MS}`). Redis's own CPU per handshake is what the fleet's "
             "store pays besides the server. Time per connection is the sequential client's wall time per "
             "connection (client CPU included).\n",
             "| cell | server µs CPU/hs | Redis µs CPU/hs | ms per connection | resumed |",
             "|---|---:|---:|---:|---:|"]
    for label, r in results.items():
        lines.append(f"| {label} | {num(r['cpu_us'])} | {num(r['redis_us'])} | {num(r['ms'], 2)} | "
                     f"{r['resumed'] * 100:.0f} % |")
    builtin = results[CELLS[0][0]]
    redis = results[CELLS[1][0]]
    full = results[CELLS[4][0]]
    stopped = results[CELLS[5][0]]
    silent = results[CELLS[6][0]]
    lines.append("")
    lines.append(f"- A resumption through Redis costs the server {redis['cpu_us'] / builtin['cpu_us']:.2f}× the "
                 f"built-in cache's CPU ({num(redis['cpu_us'])} vs {num(builtin['cpu_us'])} µs) and the client "
                 f"{redis['ms'] - builtin['ms']:+.2f} ms per connection; Redis spends {num(redis['redis_us'])} µs.")
    lines.append(f"- A Redis outage costs full handshakes, not failures: with Redis stopped the server spends "
                 f"{num(stopped['cpu_us'])} µs per handshake ({stopped['cpu_us'] / full['cpu_us']:.2f}× a server "
                 f"without any cache, {stopped['resumed'] * 100:.0f} % resumed); with a Redis that never answers, "
                 f"{num(silent['cpu_us'])} µs and {num(silent['ms'], 2)} ms per connection (the back-off keeps the "
                 f"{IO_TIMEOUT_MS} ms waits to one per back-off period, up to 5 s).")
    lines.append("")
    return lines
