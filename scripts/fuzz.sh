#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz + libFuzzer) for a number of executions each.
#   scripts/fuzz.sh [RUNS] [TARGET...]        (default 1000000 runs, every target)
#   FUZZ_SEEDS_ONLY=1 scripts/fuzz.sh         (writes the seeds, fuzzes nothing)
#   FUZZ_ARGS='-s none -a' scripts/fuzz.sh     (options for `cargo fuzz run`: no sanitizer, debug assertions)
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
#
# Each target's body is src/fuzzing/<target>.rs (renegotiation_messages:
# src/renegotiation/fuzz_messages.rs); `cargo test` replays the committed corpus
# fuzz/corpus/<target>/ through the same code. Fuzzing reads that corpus and seeds made from
# the current test PKI (fuzz/target/seeds/<target>/), and writes what it finds to
# fuzz/target/corpus/<target>/ (not committed). To add to the committed corpus the finds that
# reach new code (a minimizing merge, as `cargo fuzz cmin` does, on edges only to keep it small):
#   RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/corpus/TARGET fuzz/target/corpus/TARGET -- \
#       -merge=1 -use_counters=0 -max_len=4096
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(session_load cache_restore renegotiation_records renegotiation_messages pem x509_crt x509_crl pkcs8)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# renegotiation_records/_messages load their certificates from the test PKI.
bash scripts/gen-test-certs.sh tests/certs/generated
# Seed corpora (committed, written the same each time): well-formed blobs of both formats (see
# src/session.rs and src/cache.rs), record sequences for the renegotiation engine and handshake
# messages for its parsers (below), PEM texts.
for t in session_load cache_restore renegotiation_records renegotiation_messages pem x509_crt x509_crl pkcs8; do
    mkdir -p "fuzz/corpus/$t"
done
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

# renegotiation_messages: a mode byte, then a message body (see src/renegotiation/fuzz_messages.rs).
def body(message):
    return message[4:]
point = b"\x04" + bytes(range(1, 65))
messages = {
    "client-hello": b"\x00" + body(client_hello(sid, cvd)),
    "client-hello-scsv": b"\x00" + body(client_hello(b"", b"", scsv=True)),
    "server-hello": b"\x01" + body(server_hello(sid, cvd + svd)),
    "certificate": b"\x02" + b"\x00\x00\x0e" + b"\x00\x00\x05\x30\x03\x02\x01\x01" + b"\x00\x00\x03\x30\x01\x00",
    "server-key-exchange": b"\x03" + b"\x03\x00\x17\x41" + point + b"\x04\x03\x00\x04\x30\x02\x00\x00",
    "certificate-request": b"\x04" + b"\x02\x01\x40" + b"\x00\x04\x04\x03\x08\x04" + b"\x00\x05\x00\x03\x30\x01\x00",
    "client-key-exchange": b"\x05" + b"\x41" + point,
    "certificate-verify": b"\x06" + b"\x04\x03\x00\x02\xab\xcd",
    "finished": b"\x07" + b"\x0c" * 12,
    # 8: a configuration byte, then messages (type, u16 length, body).
    "server-client-hello": b"\x08\x08" + b"\x01" + struct.pack(">H", len(body(client_hello(sid, cvd)))) + body(client_hello(sid, cvd)),
    "server-full-client-hello": b"\x08\x00" + b"\x01" + struct.pack(">H", len(body(client_hello(b"", cvd)))) + body(client_hello(b"", cvd)),
    "server-hello-requested": b"\x08\x02" + b"\x01" + struct.pack(">H", len(body(client_hello(b"", cvd)))) + body(client_hello(b"", cvd)),
    "client-hello-request": b"\x08\x01" + b"\x00\x00\x00",
    "client-hello-request-resumption": b"\x08\x09" + b"\x00\x00\x00" + b"\x00\x00\x00",
    "client-server-hello": b"\x08\x07" + b"\x02" + struct.pack(">H", len(body(server_hello(sid, cvd + svd)))) + body(server_hello(sid, cvd + svd)),
    "client-full-server-hello": b"\x08\x03" + b"\x02" + struct.pack(">H", len(body(server_hello(b"\x0a" * 32, cvd + svd)))) + body(server_hello(b"\x0a" * 32, cvd + svd))
        + b"\x0b\x00\x03\x00\x00\x00" + b"\x0e\x00\x00",
}
for name, s in messages.items():
    open(f"fuzz/corpus/renegotiation_messages/{name}", "wb").write(s)

# pem: a byte choosing the label mbedtls_pem_read_buffer looks for (0 CERTIFICATE, 1 X509 CRL,
# 2 PRIVATE KEY, ...), then the text.
texts = {
    "two-blocks": b"\x00junk\n-----BEGIN CERTIFICATE-----\nZm9vYmFy\n-----END CERTIFICATE-----\ncomment\n"
        b"-----BEGIN PRIVATE KEY-----\r\nZm9v\r\nYmE=\r\n-----END PRIVATE KEY-----\r\n\x00",
    "legacy-headers": b"\x04-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,\n"
        b" 00112233445566778899AABBCCDDEEFF\n\nZm9vYmFy\n-----END RSA PRIVATE KEY-----\n",
    "crl-list": b"\x01-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n-----BEGIN X509 CRL-----\nMAE=\n-----END X509 CRL-----\n",
    "unterminated": b"\x00-----BEGIN CERTIFICATE-----\nZm9v\n-----BEGIN CERTIFICATE-----\n",
    "spaces": b"\x00-----BEGIN CERTIFICATE----- \r\nZm9v \r\nYmFy\n-----END CERTIFICATE----- \r\n",
    "bad-base64": b"\x00-----BEGIN CERTIFICATE-----\nZm9v!\n-----END CERTIFICATE-----\n",
    "empty-body": b"\x02-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
}
for name, s in texts.items():
    open(f"fuzz/corpus/pem/{name}", "wb").write(s)
PY

# Seeds from the current test PKI (not committed: the PKI is generated anew with new keys; the
# committed corpus holds a snapshot): certificates and CRLs in DER, PEM texts, private keys in
# every form, encrypted ones with few PBKDF2 iterations (the pkcs8 target caps them, see
# src/fuzzing/pkcs8.rs).
pki=tests/certs/generated
seeds=fuzz/target/seeds
rm -rf "$seeds"
for t in "${targets[@]}" x509_crt x509_crl pkcs8 pem; do mkdir -p "$seeds/$t"; done
for f in "$pki"/*.crt "$pki"/chains/*.crt; do
    openssl x509 -in "$f" -outform DER -out "$seeds/x509_crt/$(basename "$(dirname "$f")")-$(basename "$f" .crt).der"
done
for f in "$pki"/crl-*.pem; do
    openssl crl -in "$f" -outform DER -out "$seeds/x509_crl/$(basename "$f" .pem).der"
done
cp "$pki"/crls.pem "$seeds/x509_crl/"
# pkcs8: the first byte chooses the password (0 none, 1 "secret").
key_seed() { { printf "\\$(printf %o "$1")"; cat "$2"; } > "$seeds/pkcs8/$3"; }
for f in "$pki"/*.key "$pki"/*.key.der; do key_seed 0 "$f" "$(basename "$f")"; done
for key in server-ec server-rsa; do
    for v2 in aes-128-cbc aes-192-cbc aes-256-cbc; do
        for prf in hmacWithSHA1 hmacWithSHA256 hmacWithSHA384 hmacWithSHA512; do
            for form in PEM DER; do
                out=$(mktemp)
                openssl pkcs8 -topk8 -in "$pki/$key.key" -v2 "$v2" -v2prf "$prf" -iter 2 \
                    -passout pass:secret -outform "$form" -out "$out"
                key_seed 1 "$out" "$key-$v2-$prf.$form"
                rm -f "$out"
            done
        done
    done
    openssl pkey -in "$pki/$key.key" -pubout -out "$seeds/pkcs8/$key.pub"
done
for f in "$pki"/ca.crt "$pki"/server-ec-chain.crt "$pki"/crls.pem "$pki"/server-ec.key "$pki"/server-ec.enc.key; do
    { printf '\0'; cat "$f"; } > "$seeds/pem/$(basename "$f")"
done
[ -z "${FUZZ_SEEDS_ONLY:-}" ] || exit 0
for target in "${targets[@]}"; do
    mkdir -p "fuzz/target/corpus/$target"
    RUSTC_BOOTSTRAP=1 cargo fuzz run ${FUZZ_ARGS:-} "$target" "fuzz/target/corpus/$target" "fuzz/corpus/$target" \
        "$seeds/$target" -- -runs="$runs" -max_len=4096
done
