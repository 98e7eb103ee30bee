#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz + libFuzzer) for a number of executions each.
#   scripts/fuzz.sh [RUNS]        (default 1000000)
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# A seed corpus: well-formed blobs of both formats (see src/session.rs and src/cache.rs).
mkdir -p fuzz/corpus/session_load fuzz/corpus/cache_restore
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
PY
for target in session_load cache_restore; do
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -runs="$runs" -max_len=4096
done
