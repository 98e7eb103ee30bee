#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz + libFuzzer) for a number of executions each.
#   scripts/fuzz.sh [RUNS]        (default 1000000)
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# renegotiation_records loads its certificates from the test PKI.
bash scripts/gen-test-certs.sh tests/certs/generated
# Seed corpora: well-formed blobs of both formats (see src/session.rs and src/cache.rs), and
# record sequences for the renegotiation engine (below).
mkdir -p fuzz/corpus/session_load fuzz/corpus/cache_restore fuzz/corpus/renegotiation_records
python3 - <<'PY'
import hashlib, struct
def session(version, endpoint, name, cert, value):
    body = bytes([endpoint]) + struct.pack(">HHQI", version, 0x1301, 1800000000, 0)
    body += bytes([32]) + b"\x07" * 32 + struct.pack(">H", len(name)) + name
    body += len(cert).to_bytes(3, "big") + cert + struct.pack(">I", len(value)) + value
    body += struct.pack(">IQ", 7200, 1800000000123)
    blob = b"RMTS" + struct.pack(">HI", 1, len(body)) + body
    return blob + hashlib.sha256(blob).digest()[:8]
seeds = [session(0x0304, 0, b"localhost", b"\x30\x82\x01\x02", b"value"),
         session(0x0303, 1, b"", b"", bytes(80))]
for i, s in enumerate(seeds):
    open(f"fuzz/corpus/session_load/seed{i}", "wb").write(s)
dump = b"RMTC" + struct.pack(">HI", 1, len(seeds))
for s in seeds:
    dump += bytes([4]) + b"abcd" + struct.pack(">QI", 1800000000, len(s)) + s
dump += hashlib.sha256(dump).digest()[:8]
open("fuzz/corpus/cache_restore/seed0", "wb").write(dump)

# renegotiation_records: a configuration byte, then operations (see the target's `run`): 0 sealed
# record (type, u16 length, payload), 1 raw record, 2 renegotiation start (flags), 3 / 4 deliver
# to the honest peer / to the engine under test, 5 deliver both ways until quiet. Configuration:
# bit 0 server resumption, bit 1 client under test, bits 2-3 server authmode, bits 4-5 suite
# (C02B, C02C, CCA9, C02F), bit 6 grace of 2 records, bit 7 client resumption.
# TestParts::default(): client verify data 04 * 12, server 05 * 12, session ID 03 * 32.
def ext(typ, body):
    return struct.pack(">HH", typ, len(body)) + body
def client_hello(session_id, renegotiation_info, scsv=False):
    suites = [0xC02B, 0xC02C, 0xCCA9, 0xC02F] + ([0x00FF] if scsv else [])
    body = b"\x03\x03" + b"\x08" * 32 + bytes([len(session_id)]) + session_id
    body += struct.pack(">H", 2 * len(suites)) + b"".join(struct.pack(">H", s) for s in suites) + b"\x01\x00"
    exts = ext(0xFF01, bytes([len(renegotiation_info)]) + renegotiation_info) + ext(0x0017, b"")
    exts += ext(0x000D, b"\x00\x04\x04\x03\x08\x04") + ext(0x000A, b"\x00\x04\x00\x1d\x00\x17")
    exts += ext(0x000B, b"\x01\x00")
    body += struct.pack(">H", len(exts)) + exts
    return b"\x01" + len(body).to_bytes(3, "big") + body
def server_hello(session_id, renegotiation_info, suite=0xC02B):
    body = b"\x03\x03" + b"\x09" * 32 + bytes([len(session_id)]) + session_id + struct.pack(">HB", suite, 0)
    exts = ext(0xFF01, bytes([len(renegotiation_info)]) + renegotiation_info) + ext(0x0017, b"")
    body += struct.pack(">H", len(exts)) + exts
    return b"\x02" + len(body).to_bytes(3, "big") + body
def sealed(typ, payload):
    return bytes([0, typ]) + struct.pack(">H", len(payload)) + payload
cvd, svd, sid = b"\x04" * 12, b"\x05" * 12, b"\x03" * 32
renegotiation = {
    "abbreviated": b"\x01" + b"\x02\x01" + b"\x05",
    "full": b"\x00" + b"\x02\x00" + b"\x05",
    "full-client-auth": b"\x08" + b"\x02\x00" + b"\x05",
    "abbreviated-rsa-suite": b"\x31" + b"\x02\x01\x05" + b"\x02\x00\x05",
    "chacha-twice": b"\x21" + b"\x02\x01\x05" + b"\x02\x01\x05",
    "client-hello-request": b"\x0a" + b"\x02\x02" + b"\x05",
    "client-hello-request-abbreviated": b"\x83" + b"\x02\x02" + b"\x05",
    "client-abbreviated": b"\x03" + b"\x02\x01" + b"\x05",
    "client-full-stepwise": b"\x0e" + b"\x02\x00" + b"\x03\x04\x03\x04\x03\x04",
    "sealed-client-hello-abbreviated": b"\x01" + sealed(22, client_hello(sid, cvd)) + b"\x03",
    "sealed-client-hello-full": b"\x00" + sealed(22, client_hello(b"", cvd)) + b"\x03",
    "sealed-client-hello-scsv": b"\x01" + sealed(22, client_hello(sid, cvd, scsv=True)),
    "sealed-server-hello": b"\x03" + b"\x02\x01" + sealed(22, server_hello(sid, cvd + svd)),
    "sealed-hello-request": b"\x02" + sealed(22, b"\x00\x00\x00\x00") + b"\x03",
    "sealed-alerts-data": b"\x00" + sealed(23, b"data") + sealed(21, b"\x01\x00") + sealed(21, b"\x02\x28"),
    "sealed-ccs": b"\x00" + sealed(20, b"\x01"),
    "data-around-renegotiation": b"\x00" + sealed(23, b"one") + b"\x02\x00" + sealed(23, b"two") + b"\x05" + sealed(23, b"three"),
    "grace-exceeded": b"\x42" + b"\x02\x00" + sealed(23, b"a") * 3,
    "raw-record": b"\x00" + b"\x01" + struct.pack(">H", 21) + b"\x17\x03\x03\x00\x10" + b"\x55" * 16,
}
for name, s in renegotiation.items():
    open(f"fuzz/corpus/renegotiation_records/{name}", "wb").write(s)
PY
for target in session_load cache_restore renegotiation_records; do
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -runs="$runs" -max_len=4096
done
