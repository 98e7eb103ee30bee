#!/usr/bin/env bash
# Generates the chains of the verification tests into DIR (called by gen-test-certs.sh, which
# holds the lock): a root CA, an intermediate CA (pathlen 0) and certificates under them that
# exercise each verification rule: a leaf sent with and without its intermediate, an expired
# leaf, a leaf with a 1024-bit RSA key, a self-signed leaf, a leaf whose issuer is not a CA, and
# a second-level intermediate that breaks the first one's path length.
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
days=3650
o="/O=rustls-mbedtls-compat chains"

conf() { # extensions section text
    printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\n%s\n' "$1"
}
ca_ext='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign'
int_ext='basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign'
leaf_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost'

key() { # name [bits]
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2:-2048}" -out "$1.key" 2>/dev/null
}
sign() { # name subject issuer extensions [x509 args]
    local name=$1 subj=$2 issuer=$3 ext=$4; shift 4
    openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA "$issuer.crt" -CAkey "$issuer.key" -CAcreateserial \
        -sha256 -out "$name.crt" -extensions ext -extfile <(conf "$ext") "$@" 2>/dev/null
    rm -f "$name.csr"
}

key root
openssl req -new -x509 -key root.key -subj "$o/CN=Chain Root" -days $days -sha256 -out root.crt \
    -extensions ext -config <(conf "$ca_ext") 2>/dev/null
key int && sign int "$o/CN=Chain Intermediate" root "$int_ext" -days $days
key leaf && sign leaf "$o/CN=localhost" int "$leaf_ext" -days $days
key small 1024 && sign small "$o/CN=localhost" int "$leaf_ext" -days $days
key notca && sign notca "$o/CN=Not a CA" root "$leaf_ext" -days $days
key undernotca && sign undernotca "$o/CN=localhost" notca "$leaf_ext" -days $days
key int2 && sign int2 "$o/CN=Chain Intermediate 2" int "$ca_ext" -days $days
key deep && sign deep "$o/CN=localhost" int2 "$leaf_ext" -days $days
key self
openssl req -new -x509 -key self.key -subj "$o/CN=localhost" -days $days -sha256 -out self.crt \
    -extensions ext -config <(conf "$leaf_ext") 2>/dev/null
# An expired leaf: valid for one day in 2010 (`openssl ca` can back-date).
key expired
openssl req -new -key expired.key -subj "$o/CN=localhost" -out expired.csr 2>/dev/null
mkdir -p db && : > db/index.txt && echo 2000 > db/serial
openssl ca -batch -notext -config <(printf '[ca]\ndefault_ca=d\n[d]\ndatabase=db/index.txt\nnew_certs_dir=db\nserial=db/serial\npolicy=p\ndefault_md=sha256\n[p]\ncommonName=supplied\norganizationName=optional\n') \
    -cert int.crt -keyfile int.key -startdate 20100101000000Z -enddate 20100102000000Z \
    -in expired.csr -out expired.crt -extfile <(printf '%s\n' "$leaf_ext") 2>/dev/null
rm -rf expired.csr db

# What peers send: a certificate followed by its intermediates.
cat leaf.crt int.crt > leaf-int.pem
cat expired.crt int.crt > expired-int.pem
cat small.crt int.crt > small-int.pem
cat undernotca.crt notca.crt > undernotca-notca.pem
cat deep.crt int2.crt int.crt > deep-int2-int.pem
rm -f ./*.srl
