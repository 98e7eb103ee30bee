#!/usr/bin/env python3
"""The benchmark: the same C server program built against Debian's Mbed TLS 2.28 and against
this library, plus `openssl s_server`, driven by real clients in alternating rounds, with the
server's CPU time per handshake as the main figure. Writes BENCHMARKS.md.

Run through `make bench` (which builds first). Options: --seconds N per run (default 4),
--rounds N (default 3), --out FILE (default BENCHMARKS.md).
"""
import argparse
import datetime
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import bench_fleet
from benchlib import BUILD, ROOT, Server, cert, cpu_seconds, free_port, s_time, user_seconds


def persistent_loop(port, seconds, extra):
    """Our persistent client, one new process per connection, resuming from its session file."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.bin")
        argv = [os.path.join(BUILD, "persistent_client"), f"server_port={port}", f"session_file={path}",
                f"ca_file={cert('ca.crt')}"] + extra
        subprocess.run(argv, capture_output=True, timeout=30)  # the full handshake that saves it
        n, resumed, start = 0, 0, time.time()
        while time.time() - start < seconds:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
            n += 1
            resumed += "resumed: yes" in out
        return n, time.time() - start, resumed


# (name, certificate, our/2.28 server options, openssl server options, client, client flags)
SCENARIOS = [
    ("full: TLS 1.2 ECDHE-ECDSA P-256", "ec", ["max_version=tls12", "cache=0", "tickets=0"], ["-tls1_2", "-no_ticket"],
     "s_time", ["-new", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], None),
    ("full: TLS 1.2 ECDHE-RSA 2048", "rsa", ["max_version=tls12", "cache=0", "tickets=0"], ["-tls1_2", "-no_ticket"],
     "s_time", ["-new", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"], None),
    ("full: TLS 1.3 X25519", "ec", ["min_version=tls13", "cache=0", "tickets=0"], ["-tls1_3", "-no_ticket"],
     "s_time", ["-new", "-tls1_3"], "X25519"),
    ("full: TLS 1.3 P-256", "ec", ["min_version=tls13", "cache=0", "tickets=0"], ["-tls1_3", "-no_ticket"],
     "s_time", ["-new", "-tls1_3"], "P-256"),
    ("resumed: TLS 1.2 session-ID cache", "ec", ["max_version=tls12", "tickets=0"], ["-tls1_2", "-no_ticket"],
     "s_time", ["-reuse", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], None),
    ("resumed: TLS 1.2 tickets", "ec", ["max_version=tls12", "cache=0"], ["-tls1_2"],
     "s_time", ["-reuse", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], None),
    ("resumed: TLS 1.3 tickets", "ec", ["min_version=tls13", "cache=0"], ["-tls1_3", "-www"],
     "s_time", ["-reuse", "-tls1_3", "-www", "/"], None),
    ("resumed: TLS 1.2 session file (persistent_client)", "ec", ["max_version=tls12", "tickets=0"],
     ["-tls1_2", "-no_ticket", "-www"], "persistent", ["max_version=tls12", "tickets=0"], None),
]


def openssl_env(group, tmp):
    if group is None:
        return None
    conf = os.path.join(tmp, f"groups-{group}.cnf")
    with open(conf, "w") as f:
        f.write("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n"
                f"[sys]\nGroups = {group}\n")
    env = dict(os.environ)
    env["OPENSSL_CONF"] = conf
    return env


def run_one(kind, scenario, seconds, tmp):
    name, key, srv_args, ossl_args, client, cflags, group = scenario
    crt, k = (cert("server-ec.crt"), cert("server-ec.key")) if key == "ec" else (cert("server-rsa.crt"), cert("server-rsa.key"))
    if kind == "mbedtls-2.28" and ("tls13" in " ".join(srv_args) or "-tls1_3" in cflags):
        return None  # Mbed TLS 2.28 has no TLS 1.3
    args = ossl_args if kind == "openssl" else srv_args
    env = openssl_env(group, tmp)
    server = Server(kind, crt, k, args, env)
    try:
        before, user_before = cpu_seconds(server.proc.pid), user_seconds(server.proc.pid)
        if client == "s_time":
            n, real, out = s_time(server.port, cflags, seconds, env)
            if "-reuse" in cflags:
                # s_time prints one character per connection: 'r' when the session was reused.
                marks = "".join(l for l in out.splitlines() if l and set(l) <= set("r*"))
                if not marks or marks.count("r") < 0.95 * len(marks):
                    raise RuntimeError(f"{kind} did not resume under s_time -reuse ({marks.count('r')} of {len(marks)})")
        else:
            n, real, reused = persistent_loop(server.port, seconds, cflags)
            if reused < n:
                raise RuntimeError(f"{kind}: only {reused} of {n} persistent_client runs resumed")
        time.sleep(0.2)
        after, user_after = cpu_seconds(server.proc.pid), user_seconds(server.proc.pid)
    finally:
        server.stop()
    cpu_us = (after - before) * 1e6 / max(n, 1)
    return {"conn_s": n / real, "cpu_us": cpu_us, "user_us": (user_after - user_before) * 1e6 / max(n, 1), "n": n}


def idle_memory(kind, n=1000):
    binary = os.path.join(BUILD, "bench", "idle_server" if kind == "ours" else "idle_server-2.28")
    port = free_port()
    proc = subprocess.Popen([binary, cert("server-ec.crt"), cert("server-ec.key"), str(port), str(n)],
                            stdout=subprocess.PIPE, text=True)
    proc.stdout.readline()  # "listening"
    script = (
        "import socket, ssl, sys\n"
        "c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE\n"
        "c.maximum_version = ssl.TLSVersion.TLSv1_2\n"
        f"conns = [c.wrap_socket(socket.create_connection(('127.0.0.1', {port}))) for _ in range({n})]\n"
        "sys.stdout.write('ok\\n'); sys.stdout.flush(); sys.stdin.read()\n"
    )
    client = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    client.stdin.close()
    client.wait(timeout=60)
    proc.wait(timeout=60)
    m = re.search(r"per_connection_bytes (-?\d+)", line)
    return int(m.group(1)) if m else None


def startup(kind, runs=20):
    """CPU (user + system) of one client process from start to exit: the example client built
    against each library seeds its random generator, loads the CA, makes one full TLS 1.2
    handshake with `openssl s_server -www` and reads the page. What a device that wakes up,
    connects once and sleeps again pays per wake-up. Median of `runs` processes, in ms."""
    binary = os.path.join(BUILD, "ssl_client" if kind == "ours" else "mbedtls-2.28/ssl_client")
    server = Server("openssl", cert("server-ec.crt"), cert("server-ec.key"), ["-tls1_2", "-www"])
    try:
        argv = [binary, f"server_port={server.port}", "server_name=localhost", f"ca_file={cert('ca.crt')}"]
        costs = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if out.returncode != 0:
                raise RuntimeError(f"{kind} ssl_client failed: {out.stdout[-300:]}")
            costs.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3)
        return statistics.median(costs)
    finally:
        server.stop()


def micro():
    out = subprocess.run(["cargo", "bench", "--bench", "micro", "-q"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^micro (\S+) ([\d.]+)$", out, re.M)}


def fmt(v, unit=""):
    return "n/a" if v is None else f"{v:,.0f}{unit}"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    opt = ap.parse_args()
    kinds = ["ours", "mbedtls-2.28", "openssl"]
    results = {}
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in SCENARIOS:
            per = {k: [] for k in kinds}
            for kind in kinds:  # warm-up runs (discarded): caches, CPU frequency, first-use costs
                run_one(kind, scenario, 1, tmp)
            for r in range(opt.rounds):
                order = kinds if r % 2 == 0 else list(reversed(kinds))  # alternate A/B order
                for kind in order:
                    res = run_one(kind, scenario, opt.seconds, tmp)
                    if res is not None:
                        per[kind].append(res)
            results[scenario[0]] = {
                k: None if not v else {
                    "conn_s": statistics.median(x["conn_s"] for x in v),
                    "cpu_us": statistics.median(x["cpu_us"] for x in v),
                    "user_us": statistics.median(x["user_us"] for x in v),
                } for k, v in per.items()
            }
            print(scenario[0], {k: (v and round(v["cpu_us"])) for k, v in results[scenario[0]].items()}, flush=True)
    fleet = bench_fleet.run(opt.seconds, opt.rounds)
    memory = {k: idle_memory(k) for k in ["ours", "mbedtls-2.28"]}
    start = {k: startup(k) for k in ["ours", "mbedtls-2.28"]}
    m = micro()
    elapsed = time.time() - started

    lines = []
    lines.append("# Benchmarks\n")
    lines.append(f"Generated by `make bench` (scripts/bench.py) on {datetime.date.today().isoformat()} in "
                 f"{elapsed / 60:.1f} minutes; {opt.rounds} alternating rounds of {opt.seconds} s per cell after a discarded warm-up run, medians.\n")
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
    ossl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    mbed = subprocess.run(["sh", "-c", "dpkg-query -W -f='${Version}' libmbedtls-dev"], capture_output=True, text=True).stdout.strip()
    lines.append(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.platform()}. Peers: {ossl}; Debian Mbed TLS {mbed}; "
                 "this library built in release mode (rustls 0.24.0-dev.1, aws-lc-rs).\n")
    lines.append("The servers are the same C program (`c_examples/ssl_server.c`) built against each library, and "
                 "`openssl s_server`; the client is `openssl s_time` (or our `persistent_client`, one process per "
                 "connection). **Server CPU per handshake** (CPU time of the single-threaded server process from "
                 "`/proc/PID/schedstat`, in ns, divided by the connections) is the figure that compares servers: on a 2-core "
                 "machine the client saturates first, so connections per second mostly measure the client.\n")
    lines.append("| scenario | ours µs CPU/hs | Mbed TLS 2.28 µs | OpenSSL µs | ours / Mbed TLS | ours / OpenSSL | ours conn/s | Mbed TLS conn/s | OpenSSL conn/s |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        o, mb, op = (r[k]["cpu_us"] if r[k] else None for k in kinds)
        oc, mc, pc = (r[k]["conn_s"] if r[k] else None for k in kinds)
        lines.append(f"| {name} | {fmt(o)} | {fmt(mb)} | {fmt(op)} | {ratio(o, mb)} | {ratio(o, op)} | {fmt(oc)} | {fmt(mc)} | {fmt(pc)} |")
    lines.append("")
    lines.extend(bench_fleet.section(fleet))
    lines.append("## Memory\n")
    lines.append(f"Resident memory per established idle TLS 1.2 connection (1000 connections held open by "
                 f"`bench/idle_server.c`, RSS delta / 1000): ours {fmt(memory['ours'], ' bytes')}, "
                 f"Mbed TLS 2.28 {fmt(memory['mbedtls-2.28'], ' bytes')} (ratio {ratio(memory['ours'], memory['mbedtls-2.28'])}). "
                 f"Saved session size: {fmt(m.get('session_size'), ' bytes')} (TLS 1.2 server session without certificate).\n")
    lines.append("## Start-up\n")
    lines.append(f"CPU of one client process from start to exit (`ssl_client`: seed the random generator, load the CA, "
                 f"one full TLS 1.2 handshake with `openssl s_server -www`, read the page), median of 20 processes: "
                 f"ours {start['ours']:.1f} ms, Mbed TLS 2.28 {start['mbedtls-2.28']:.1f} ms "
                 f"(ratio {ratio(start['ours'], start['mbedtls-2.28'])}). A device that wakes, connects once and "
                 f"sleeps pays this per wake-up.\n")
    lines.append("## Micro-benchmarks (ns per operation, `cargo bench --bench micro`)\n")
    lines.append("| operation | 50 entries | 10^4 entries | 10^6 entries |")
    lines.append("|---|---:|---:|---:|")
    for op, label in [("cache_get", "our cache get"), ("cache_set", "our cache set"),
                      ("list_get", "Mbed TLS-shaped list get"), ("list_set", "Mbed TLS-shaped list set")]:
        lines.append(f"| {label} | {fmt(m.get(op + '_50'))} | {fmt(m.get(op + '_10000'))} | {fmt(m.get(op + '_1000000'))} |")
    lines.append("")
    lines.append(f"Session save {fmt(m.get('session_save'))} ns, load {fmt(m.get('session_load'))} ns; "
                 f"ticket write {fmt(m.get('ticket_write'))} ns, parse {fmt(m.get('ticket_parse'))} ns.\n")

    def t(name, kind):
        r = results.get(name, {}).get(kind)
        return r["cpu_us"] if r else None
    full = [n for n in results if n.startswith("full")]
    resumed = [n for n in results if n.startswith("resumed")]
    lines.append("## Targets\n")
    for label, names, factor in [("full handshake", full, 5), ("resumed handshake", resumed, 2)]:
        for n in names:
            o, mb, op = t(n, "ours"), t(n, "mbedtls-2.28"), t(n, "openssl")
            goal_mb = "n/a (no TLS 1.3 in 2.28)" if mb is None else (
                f"{'met' if o <= mb / factor else 'NOT met'} ({ratio(o, mb)} of Mbed TLS; target ≤ {1 / factor:.2f})")
            goal_op = f"{'met' if op and o <= op else 'NOT met'} ({ratio(o, op)} of OpenSSL; target ≤ 1.00)"
            lines.append(f"- Server CPU per {label}, {n}: vs Mbed TLS {goal_mb}; vs OpenSSL {goal_op}.")
    # The performance issue's targets (resumed TLS 1.2 against both peers, user CPU, full handshakes).
    def user(name):
        r = results.get(name, {}).get("ours")
        return r["user_us"] if r else None
    rid, full12 = "resumed: TLS 1.2 session-ID cache", "full: TLS 1.2 ECDHE-ECDSA P-256"
    o, mb, op = t(rid, "ours"), t(rid, "mbedtls-2.28"), t(rid, "openssl")
    lines.append(f"- Resumed TLS 1.2 (session-ID cache) server CPU ≤ 0.6 of Mbed TLS's and of OpenSSL's: "
                 f"{'met' if o and mb and op and o <= 0.6 * mb and o <= 0.6 * op else 'NOT met'} "
                 f"({ratio(o, mb)} of Mbed TLS, {ratio(o, op)} of OpenSSL).")
    u = user(rid)
    lines.append(f"- User CPU per resumed TLS 1.2 handshake ≤ 20 µs: {'met' if u is not None and u <= 20 else 'NOT met'} "
                 f"({fmt(u)} µs of {fmt(o)} µs; the rest is the kernel: accept, receives, sends, close).")
    f12 = t(full12, "ours")
    lines.append(f"- Full TLS 1.2 ECDHE-ECDSA P-256 ≤ 150 µs server CPU: {'met' if f12 and f12 <= 150 else 'NOT met'} "
                 f"({fmt(f12)} µs, of which user {fmt(user(full12))} µs).")
    for n in [n for n in full if "TLS 1.3" in n]:
        o13, op13 = t(n, "ours"), t(n, "openssl")
        lines.append(f"- {n} ≤ 0.35 of OpenSSL's: {'met' if o13 and op13 and o13 <= 0.35 * op13 else 'NOT met'} ({ratio(o13, op13)}).")
    flat = m.get("cache_get_1000000", 0) / max(m.get("cache_get_50", 1), 1)
    lines.append(f"- Cache get flat from 50 to 10^6 entries: get {fmt(m.get('cache_get_50'))} → "
                 f"{fmt(m.get('cache_get_1000000'))} ns (×{flat:.1f}, memory-cache misses; no walk) while the list "
                 f"grows ×{m.get('list_get_1000000', 0) / max(m.get('list_get_50', 1), 1):,.0f}.")
    lines.append(f"- Session save + load under 2 µs each: {'met' if m.get('session_save', 9e9) < 2000 and m.get('session_load', 9e9) < 2000 else 'NOT met'} "
                 f"({fmt(m.get('session_save'))} / {fmt(m.get('session_load'))} ns).")
    mo, mm = memory["ours"], memory["mbedtls-2.28"]
    lines.append(f"- Memory per idle connection ≤ Mbed TLS 2.28's: {'met' if mo is not None and mm is not None and mo <= mm else 'NOT met'} "
                 f"({fmt(mo)} vs {fmt(mm)} bytes).")
    # Firmware size, system calls per handshake and the chart of the main table (their own modules).
    import bench_chart, bench_size, bench_syscalls
    lines.append("")
    lines.extend(bench_size.section(bench_size.run(opt.seconds, opt.rounds)))
    lines.extend(bench_syscalls.section(bench_syscalls.run()))
    bench_chart.write_chart(results)
    lines.append("The main table as a chart: [bench/chart.svg](bench/chart.svg).\n")
    with open(opt.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
