#!/usr/bin/env python3
"""Firmware size (`make lib PROFILE=small`): what a statically linked client and server weigh
against this library's default and small builds and against Debian's Mbed TLS 2.28 static
libraries, what the small build's bytes are made of, and what the small build costs in handshake
CPU against the default one.

The programs are compiled here, into build/size/, with the link lines README documents:
  default build:  cc -O2 ... build/lib/libmbedtls.a SYS_LIBS
  --gc-sections:  cc -Os -ffunction-sections -fdata-sections ... LIB SYS_LIBS -Wl,--gc-sections
  Debian 2.28:    the same two, against /usr/lib/x86_64-linux-gnu/libmbed{tls,x509,crypto}.a
The sizes are `size`'s text/data/bss (text includes .rodata, .eh_frame and, in a PIE, .rela.dyn).
The CPU figures are our example server built both ways (--gc-sections, same C flags) under
`openssl s_time`, alternating rounds, medians, as in the main table.

Needs `make lib` and `make lib PROFILE=small` first (make bench does both). Run alone:
  python3 scripts/bench_size.py [--seconds N] [--rounds N]
"""
import argparse
import collections
import os
import re
import statistics
import subprocess
import time

from benchlib import BUILD, ROOT, Server, cert, cpu_seconds, s_time

SYS_LIBS = ["-lpthread", "-ldl", "-lm", "-lrt", "-lutil", "-lgcc_s"]  # the Makefile's SYS_LIBS
GC_CFLAGS = ["-Os", "-ffunction-sections", "-fdata-sections"]  # the Makefile's SMALL_CFLAGS
GC_LDFLAGS = ["-Wl,--gc-sections"]  # the Makefile's SMALL_LDFLAGS
DEBIAN_LIBS = [f"/usr/lib/x86_64-linux-gnu/libmbed{x}.a" for x in ("tls", "x509", "crypto")]
DEFAULT_LIB = os.path.join(BUILD, "lib", "libmbedtls.a")
SMALL_LIB = os.path.join(BUILD, "small", "lib", "libmbedtls.a")
OUT = os.path.join(BUILD, "size")
TARGET_TEXT = 3_000_000  # the target for the small client: ≤ 3 MB of text
TARGET_SLOWDOWN = 0.10  # ... without losing more than 10 % of handshake speed

# The minimal programs (bench/min_*.c: only the calls every device client/server makes) and the
# examples (options, certificate texts, renegotiation; ssl_server also the Redis store, tickets, SNI).
PROGRAMS = [
    ("min_client", "bench/min_client.c"),
    ("min_server", "bench/min_server.c"),
    ("ssl_client", "c_examples/ssl_client.c"),
    ("ssl_server", "c_examples/ssl_server.c"),
]

# key → (label, compile flags, libraries, link flags)
BUILDS = {
    "default": ("ours, default build", ["-O2", "-Iinclude"], [DEFAULT_LIB] + SYS_LIBS, []),
    "default-gc": ("ours, default build, --gc-sections", GC_CFLAGS + ["-Iinclude"], [DEFAULT_LIB] + SYS_LIBS,
                   GC_LDFLAGS),
    "small-gc": ("ours, `PROFILE=small`, --gc-sections", GC_CFLAGS + ["-Iinclude"], [SMALL_LIB] + SYS_LIBS,
                 GC_LDFLAGS),
    "small-gc-nopie": ("ours, `PROFILE=small`, --gc-sections, -no-pie", GC_CFLAGS + ["-Iinclude"],
                       [SMALL_LIB] + SYS_LIBS, GC_LDFLAGS + ["-no-pie"]),
    "debian": ("Debian's Mbed TLS 2.28, static", ["-O2"], DEBIAN_LIBS, []),
    "debian-gc": ("Debian's Mbed TLS 2.28, static, --gc-sections", GC_CFLAGS, DEBIAN_LIBS, GC_LDFLAGS),
}

# (label, server options, s_time flags): the two handshakes the small build must not slow down.
CPU_SCENARIOS = [
    ("full: TLS 1.2 ECDHE-ECDSA P-256", ["max_version=tls12", "cache=0", "tickets=0"],
     ["-new", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
    ("resumed: TLS 1.2 session-ID cache", ["max_version=tls12", "tickets=0"],
     ["-reuse", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
]


def build(program, source, key):
    """Compiles one program against one build; returns the binary's path."""
    _, cflags, libs, ldflags = BUILDS[key]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"{program}-{key}")
    argv = ["cc"] + cflags + ["-Wall", "-Wextra", "-Werror", "-o", path, source] + libs + ldflags
    subprocess.run(argv, cwd=ROOT, check=True)
    return path


def size(path):
    """`size`'s text, data and bss of a binary."""
    out = subprocess.run(["size", path], capture_output=True, text=True, check=True).stdout
    text, data, bss = out.splitlines()[1].split()[:3]
    return {"text": int(text), "data": int(data), "bss": int(bss)}


def sections(path):
    """The allocated sections `size` counts as text (read-only: code, constants, unwind tables,
    relocations), with their sizes."""
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    result = {}
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)", out, re.M):
        name, sz, flags = m.group(1), int(m.group(2), 16), m.group(3)
        if "A" in flags and "W" not in flags:
            result[name] = sz
    return result


def archive_members(lib):
    """Symbol name → the archive member defining it (C objects of aws-lc are `<hash>-<file>.o`,
    Rust code is in `*.rcgu.o`)."""
    out = subprocess.run(["nm", "-A", "--defined-only", lib], capture_output=True, text=True).stdout
    members = {}
    for m in re.finditer(r"^[^\n]*?:([^:\n]+):[0-9a-f]*\s+\S\s+(\S+)$", out, re.M):
        members.setdefault(m.group(2), m.group(1))
    return members


def crate_of(demangled):
    """The crate a demangled Rust symbol belongs to (`<a::B as c::D>::f` → a)."""
    name = demangled.lstrip("<&*([").replace("mut ", "").replace("dyn ", "").replace("const ", "")
    head = name.split("::", 1)[0]
    return head if re.fullmatch(r"[a-z_][a-z0-9_]*", head) else "other Rust"


# What aws-lc code is for, by symbol name (the first matching pattern).
AWS_LC_PARTS = [
    ("post-quantum (ML-KEM, ML-DSA, Kyber)", r"mlkem|ml_kem|mldsa|ml_dsa|kyber|dilithium|keccak|shake"),
    ("Curve25519 / Ed25519", r"25519|x25519|ed25519"),
    ("P-256/P-384/P-521 (EC)", r"p256|p384|p521|nistp|ecp_|ec_|ecdsa|ecdh|EC_"),
    ("RSA and big numbers", r"rsa|RSA|bn_|BN_|mont|rsaz"),
    ("AES, GCM, ChaCha20-Poly1305", r"aes|AES|gcm|GCM|ghash|gmult|chacha|poly1305|ChaCha|Poly1305"),
    ("SHA-1/SHA-2/MD5, HMAC, HKDF", r"sha|SHA|md5|MD5|hmac|HMAC|hkdf|HKDF"),
    ("ASN.1, OIDs, X.509, PEM, EVP", r"asn1|ASN1|OBJ_|kObject|x509|X509|pem|PEM|EVP|evp|d2i|i2d|CBS|CBB|cbs|cbb"),
    ("randomness, CPU features, FIPS self-tests", r"rand|RAND|ctr_drbg|jent|cpuid|OPENSSL_ia32|boringssl_self_test|fips|FIPS"),
]


def weigh(binary, lib):
    """Bytes of code and constants (nm symbols of .text/.rodata, aliases counted once) of a
    binary by origin: Rust crate, aws-lc part, the program and C runtime."""
    members = archive_members(lib)
    out = subprocess.run(["nm", "--size-sort", "-S", "--defined-only", binary], capture_output=True, text=True,
                         check=True).stdout
    demangled = subprocess.run(["nm", "--size-sort", "-S", "--defined-only", "-C", binary], capture_output=True,
                               text=True, check=True).stdout
    groups, aws_lc, seen = collections.Counter(), collections.Counter(), set()
    for raw, nice in zip(out.splitlines(), demangled.splitlines()):
        addr, sz, kind, name = raw.split(maxsplit=3)
        if kind not in "tTrRwWvV" or (addr, sz) in seen:
            continue
        seen.add((addr, sz))
        sz = int(sz, 16)
        member = members.get(name)
        nice_name = nice.split(maxsplit=3)[3]
        if "aws_lc_" in name or (member and not member.endswith(".rcgu.o")):
            part = next((label for label, pat in AWS_LC_PARTS if re.search(pat, name)), "other aws-lc")
            aws_lc[part] += sz
            groups["aws-lc (C and assembly)"] += sz
        elif member or "::" in nice_name or name.startswith("_ZN") or name.startswith("_R"):
            # Unmangled names of Rust objects: our C exports, or the runtime's (rust_eh_personality).
            crate = "mbedtls" if re.match(r"(mbedtls|psa)_", name) else crate_of(nice_name) if "::" in nice_name \
                else "other Rust"
            groups["this library (crate mbedtls)" if crate == "mbedtls" else f"Rust: {crate}"] += sz
        else:
            groups["the program, C runtime, other"] += sz
    return groups, aws_lc


def cpu_run(binary, scenario, seconds):
    label, args, flags = scenario
    server = Server("ours", cert("server-ec.crt"), cert("server-ec.key"), args, binary=binary)
    try:
        before = cpu_seconds(server.proc.pid)
        n, _, out = s_time(server.port, flags, seconds, None)
        if "-reuse" in flags:
            marks = "".join(l for l in out.splitlines() if l and set(l) <= set("r*"))
            if not marks or marks.count("r") < 0.95 * len(marks):
                raise RuntimeError(f"{binary} did not resume under s_time -reuse")
        time.sleep(0.2)
        after = cpu_seconds(server.proc.pid)
    finally:
        server.stop()
    return (after - before) * 1e6 / max(n, 1)


def cpu(servers, seconds, rounds):
    """Server CPU µs per handshake of each build of the example server: a discarded warm-up run,
    then `rounds` runs in alternating order; medians."""
    results = {}
    for scenario in CPU_SCENARIOS:
        for binary in servers.values():
            cpu_run(binary, scenario, 1)
        per = {k: [] for k in servers}
        for r in range(rounds):
            for key in servers if r % 2 == 0 else list(reversed(list(servers))):
                per[key].append(cpu_run(servers[key], scenario, seconds))
        results[scenario[0]] = {k: statistics.median(v) for k, v in per.items()}
        print("size: cpu", scenario[0], {k: round(v) for k, v in results[scenario[0]].items()}, flush=True)
    return results


def run(seconds=4, rounds=3):
    """Every measurement of this section (see the module's documentation)."""
    for lib in (DEFAULT_LIB, SMALL_LIB):
        if not os.path.exists(lib):
            raise RuntimeError(f"{lib} is missing: make lib; make lib PROFILE=small")
    sizes, binaries = {}, {}
    for program, source in PROGRAMS:
        for key in BUILDS:
            binaries[program, key] = build(program, source, key)
            sizes[program, key] = size(binaries[program, key])
        print("size:", program, {k: sizes[program, k]["text"] for k in BUILDS}, flush=True)
    small_client = binaries["min_client", "small-gc"]
    groups, aws_lc = weigh(small_client, SMALL_LIB)
    return {
        "sizes": sizes,
        "sections": sections(small_client),
        "groups": groups,
        "aws_lc": aws_lc,
        "cpu": cpu({k: binaries["ssl_server", k] for k in ("default-gc", "small-gc")}, seconds, rounds),
    }


def section(results):
    """The BENCHMARKS.md lines of the firmware-size section."""
    def kb(v):
        return f"{v / 1000:,.0f} kB"

    sizes = results["sizes"]
    lines = ["## Firmware size (`make lib PROFILE=small`)\n",
             "Statically linked programs, `size` in bytes (text counts code, constants, unwind tables and, "
             "in a PIE, dynamic relocations). `min_client`/`min_server` (`bench/min_*.c`) make only the calls "
             "every device makes; the examples add options, certificate texts, renegotiation and (ssl_server) "
             "tickets, SNI and the Redis store. The small build is cargo profile `small` (opt-level \"s\", fat "
             "LTO, one codegen unit, panics unwind); every `--gc-sections` program is compiled with "
             "`-Os -ffunction-sections -fdata-sections` (scripts/bench_size.py, programs in build/size/).\n",
             "| program | build | text | data | bss | text / Debian's (--gc-sections) |",
             "|---|---|---:|---:|---:|---:|"]
    for program, _ in PROGRAMS:
        ref = sizes[program, "debian-gc"]["text"]
        for key, (label, *_rest) in BUILDS.items():
            s = sizes[program, key]
            lines.append(f"| {program} | {label} | {s['text']:,} | {s['data']:,} | {s['bss']:,} | "
                         f"{s['text'] / ref:.0f}× |")
    lines.append("")
    secs = results["sections"]
    top = sorted(secs.items(), key=lambda kv: -kv[1])[:6]
    lines.append("The small `min_client`'s read-only sections: " + ", ".join(f"`{n}` {kb(v)}" for n, v in top) + ".\n")
    total = sum(results["groups"].values())
    lines.append(f"What its code and constants (`nm` symbols of .text/.rodata, {kb(total)}) come from:\n")
    lines.append("| origin | bytes | share |")
    lines.append("|---|---:|---:|")
    for name, v in results["groups"].most_common(12):
        lines.append(f"| {name} | {v:,} | {v / total * 100:.1f} % |")
    lines.append("")
    lines.append("aws-lc's part, by what the code is for (symbol names): " + "; ".join(
        f"{name} {kb(v)}" for name, v in results["aws_lc"].most_common()) + ".\n")
    lines.append("Server CPU per handshake of the example server (`ssl_server.c`, --gc-sections) against each build "
                 "(`openssl s_time`, alternating rounds, medians):\n")
    lines.append("| handshake | default build µs | small build µs | small / default |")
    lines.append("|---|---:|---:|---:|")
    slow = {}
    for name, r in results["cpu"].items():
        slow[name] = r["small-gc"] / r["default-gc"] - 1
        lines.append(f"| {name} | {r['default-gc']:,.0f} | {r['small-gc']:,.0f} | {r['small-gc'] / r['default-gc']:.2f} |")
    lines.append("")
    text = sizes["min_client", "small-gc"]["text"]
    example = sizes["ssl_client", "small-gc"]["text"]
    worst = max(slow.values())
    lines.append(f"- Small client ≤ 3 MB of text: {'met' if text <= TARGET_TEXT else 'NOT met'} "
                 f"(min_client {text:,} bytes, ssl_client {example:,}; default build with --gc-sections "
                 f"{sizes['min_client', 'default-gc']['text']:,}, without {sizes['min_client', 'default']['text']:,}).")
    lines.append(f"- Small build ≤ 10 % slower per handshake: {'met' if worst <= TARGET_SLOWDOWN else 'NOT met'} ("
                 + ", ".join(f"{n} {v * 100:+.0f} %" for n, v in slow.items()) + ").")
    lines.append("")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    opt = ap.parse_args()
    print("\n".join(section(run(opt.seconds, opt.rounds))))


if __name__ == "__main__":
    main()
