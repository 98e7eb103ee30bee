#!/usr/bin/env bash
# Generates the test PKI into DIR (default: tests/certs/generated): a test CA, a second
# ("wrong") CA, RSA-2048 and P-256 server certificates for localhost / 127.0.0.1, a client
# certificate, an expired server certificate, encrypted copies of the keys, and (in chains/) the
# chains of the verification tests (gen-verify-chains.sh).
# Idempotent: does nothing when DIR/.complete exists. Safe to start many times at once (test
# threads and test binaries do): the first holds a lock on DIR/.lock while it generates, the others
# wait for it and then find DIR/.complete. A run that was interrupted starts over.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-"$(dirname "$0")/../tests/certs/generated"}
mkdir -p "$dir"
cd "$dir"
[ -f .complete ] && exit 0
exec 9>.lock
flock 9
[ -f .complete ] && exit 0
find . -mindepth 1 ! -name .lock -delete

days=3650
subj_ca="/O=rustls-mbedtls-compat test/CN=Test CA"
subj_wrong="/O=Someone else/CN=Wrong CA"

ext_server() {
    cat <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EOF
}
ext_client() {
    cat <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
EOF
}
ext_ca() {
    cat <<EOF
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
EOF
}

make_ca() { # name subject
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
    openssl req -new -x509 -key "$1.key" -subj "$2" -days $days -out "$1.crt" \
        -extensions v3_ca -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n[v3_ca]\n'; ext_ca) 2>/dev/null
}

make_leaf() { # name keyalg subject extfn ca [extra x509 args]
    local name=$1 alg=$2 subj=$3 ext=$4 ca=$5; shift 5
    case $alg in
        rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null ;;
        p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" 2>/dev/null ;;
    esac
    openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
        -out "$name.crt" -extfile <($ext) "$@" 2>/dev/null
    rm -f "$name.csr"
}

make_ca ca "$subj_ca"
make_ca wrong-ca "$subj_wrong"
make_leaf server-rsa rsa "/O=rustls-mbedtls-compat test/CN=localhost" ext_server ca -days $days
make_leaf server-ec p256 "/O=rustls-mbedtls-compat test/CN=localhost" ext_server ca -days $days
make_leaf client rsa "/O=rustls-mbedtls-compat test/CN=Test Client" ext_client ca -days $days
make_leaf server-wrong rsa "/O=Someone else/CN=localhost" ext_server wrong-ca -days $days
# An expired certificate: valid for one day in 2010 (`openssl ca` can back-date, `x509 -req` cannot).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out expired.key 2>/dev/null
openssl req -new -key expired.key -subj "/O=rustls-mbedtls-compat test/CN=localhost" -out expired.csr 2>/dev/null
mkdir -p ca-db && : > ca-db/index.txt && echo 1000 > ca-db/serial
openssl ca -batch -notext -config <(printf '[ca]\ndefault_ca=d\n[d]\ndatabase=ca-db/index.txt\nnew_certs_dir=ca-db\nserial=ca-db/serial\npolicy=p\ndefault_md=sha256\n[p]\ncommonName=supplied\norganizationName=optional\n') \
    -cert ca.crt -keyfile ca.key -startdate 20100101000000Z -enddate 20100102000000Z \
    -in expired.csr -out expired.crt -extfile <(ext_server) 2>/dev/null
rm -rf expired.csr ca-db

# Chains and alternative encodings.
cat server-rsa.crt ca.crt > server-rsa-chain.crt
cat server-ec.crt ca.crt > server-ec-chain.crt
openssl x509 -in ca.crt -outform DER -out ca.der
openssl x509 -in server-rsa.crt -outform DER -out server-rsa.der
openssl pkey -in server-rsa.key -outform DER -out server-rsa.key.der
openssl pkey -in server-ec.key -outform DER -out server-ec.key.der
# Traditional (PKCS#1 / SEC1) encodings.
openssl rsa -in server-rsa.key -traditional -out server-rsa.pkcs1.key 2>/dev/null
openssl ec -in server-ec.key -out server-ec.sec1.key 2>/dev/null
# Encrypted keys, password "secret": PKCS#8 PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256).
openssl pkcs8 -topk8 -in server-rsa.key -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout pass:secret -out server-rsa.enc.key
openssl pkcs8 -topk8 -in server-ec.key -v2 aes-128-cbc -v2prf hmacWithSHA256 \
    -passout pass:secret -out server-ec.enc.key
bash "$here/gen-verify-chains.sh" chains
touch .complete
