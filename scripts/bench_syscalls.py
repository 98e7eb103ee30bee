#!/usr/bin/env python3
"""System calls per handshake on the server: our example server (`build/ssl_server`) and the same
program built against Debian's Mbed TLS 2.28 (`build/mbedtls-2.28/ssl_server`), full and resumed
(session-ID cache) TLS 1.2 handshakes from `openssl s_time`.

`strace -f -c -p PID` is attached to the listening server (its start-up is not counted) for the
run of `s_time`, then stopped by SIGINT (it detaches and writes its summary). strace slows the
server down: only the counts are reported, never times.

Needs `make all` (make bench builds first). Run alone: python3 scripts/bench_syscalls.py [--seconds N]
"""
import argparse
import os
import signal
import subprocess
import tempfile

from benchlib import Server, cert, s_time

STRACE = "/usr/bin/strace"
READS = {"read", "readv", "recvfrom", "recvmsg"}
WRITES = {"write", "writev", "sendto", "sendmsg"}
KINDS = {"ours": "ours", "mbedtls-2.28": "Mbed TLS 2.28"}
# (label, server options, s_time flags)
SCENARIOS = [
    ("full: TLS 1.2 ECDHE-ECDSA P-256", ["max_version=tls12", "cache=0", "tickets=0"],
     ["-new", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
    ("resumed: TLS 1.2 session-ID cache", ["max_version=tls12", "tickets=0"],
     ["-reuse", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
]


def parse_summary(text):
    """syscall → calls, from `strace -c`'s table (`% time seconds usecs/call calls [errors] syscall`)."""
    calls = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total" and parts[3].isdigit():
            calls[parts[-1]] = int(parts[3])
    return calls


def count(kind, scenario, seconds):
    """Syscalls of one server over one s_time run: {syscall: calls}, and the connections made."""
    _, args, flags = scenario
    server = Server(kind, cert("server-ec.crt"), cert("server-ec.key"), args)
    with tempfile.TemporaryDirectory() as tmp:
        summary = os.path.join(tmp, "strace.txt")
        tracer = subprocess.Popen([STRACE, "-f", "-c", "-o", summary, "-p", str(server.proc.pid)],
                                  stderr=subprocess.PIPE, text=True)
        try:
            line = tracer.stderr.readline()  # "strace: Process N attached"
            if "attached" not in line:
                raise RuntimeError(f"strace did not attach: {line}")
            n, _, _ = s_time(server.port, flags, seconds, None)
        finally:
            tracer.send_signal(signal.SIGINT)
            tracer.wait(timeout=30)
            server.stop()
        with open(summary) as f:
            return parse_summary(f.read()), n


def run(seconds=3):
    """{scenario: {kind: {"reads", "writes", "total" (per handshake), "n", "calls"}}}."""
    results = {}
    for scenario in SCENARIOS:
        results[scenario[0]] = {}
        for kind in KINDS:
            calls, n = count(kind, scenario, seconds)
            per = {
                "reads": sum(v for k, v in calls.items() if k in READS) / n,
                "writes": sum(v for k, v in calls.items() if k in WRITES) / n,
                "total": sum(calls.values()) / n,
                "n": n,
                "calls": {k: v / n for k, v in sorted(calls.items(), key=lambda kv: -kv[1])},
            }
            results[scenario[0]][kind] = per
            print("syscalls:", scenario[0], kind, {k: per[k] if k == "n" else round(per[k], 1)
                                                   for k in ("reads", "writes", "total", "n")}, flush=True)
    return results


def section(results):
    """The BENCHMARKS.md lines of the syscall counts."""
    lines = ["## System calls per handshake\n",
             "The example server (`ssl_server.c`) built against this library and against Debian's Mbed TLS 2.28, "
             "`strace -f -c` attached while `openssl s_time` connects (TLS 1.2 ECDHE-ECDSA-AES128-GCM); counts "
             "divided by the connections. Reads are read/recv*, writes write/send*. strace slows the server: "
             "counts only, no times (scripts/bench_syscalls.py).\n",
             "| handshake | connections (ours / Mbed TLS) | ours reads | ours writes | ours total | "
             "Mbed TLS reads | Mbed TLS writes | Mbed TLS total |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        o, m = r["ours"], r["mbedtls-2.28"]
        lines.append(f"| {name} | {o['n']} / {m['n']} | {o['reads']:.1f} | {o['writes']:.1f} | {o['total']:.1f} | "
                     f"{m['reads']:.1f} | {m['writes']:.1f} | {m['total']:.1f} |")
    lines.append("")
    for name, r in results.items():
        for kind, label in KINDS.items():
            top = ", ".join(f"{k} {v:.1f}" for k, v in list(r[kind]["calls"].items())[:8])
            lines.append(f"- {name}, {label}: {top}.")
    lines.append("")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=3)
    opt = ap.parse_args()
    print("\n".join(section(run(opt.seconds))))


if __name__ == "__main__":
    main()
