"""The cases of tests/c/cipher_cases.c and what the program must print for them, computed with
Python's `cryptography` (OpenSSL underneath): published vectors first (NIST SP 800-38A for AES
ECB/CBC/CTR, the GCM specification's test cases, RFC 8439 for ChaCha20, Poly1305 and the AEAD;
each published value is checked to appear in the expected line), then random keys, IVs, data
and piece sizes (seeded).

Prints the cases, one a line; a line `--`; one expected line per output line of the program
(`?` where `cryptography` cannot say: ChaCha20 across its 32-bit block counter, which OpenSSL
carries into the nonce and Mbed TLS wraps); a line `--`; the numbers of the cases whose output
differs between the 3.6 API and Debian's Mbed TLS 2.28 by design: CBC without a padding mode
(2.28 defaults to PKCS#7, 3.6 has no default) and GCM through cipher.h in pieces that are not
multiples of 16 bytes (2.28's GCM takes only those; 3.6's any size).
"""
import random
import sys

from cryptography.hazmat.primitives import padding, poly1305
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

random.seed(0x3606)
BAD_INPUT = -0x6100
GCM_AUTH_FAILED = -0x12
CHACHAPOLY_AUTH_FAILED = -0x56
cases, expected, differs_from_2_28 = [], [], []


def h(data):
    return " " + (data.hex() if data else "-")


def rnd(n):
    return bytes(random.getrandbits(8) for _ in range(n))


def splits(total, unit=1):
    """Random piece sizes (multiples of `unit`) covering `total`, as the C program reads them."""
    if total == 0 or random.random() < 0.2:
        return [], "-"
    pieces, left = [], total
    while left > 0 and len(pieces) < 20:
        n = min(left, unit * random.choice([0, 1, 1, 2, 3, 5, 7, 16, 17, 33, 64]))
        pieces.append(n)
        left -= n
    return pieces, ",".join(map(str, pieces)) if pieces else "-"


def ecb(key, block, decrypt=False):
    c = Cipher(algorithms.AES(key), modes.ECB())
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(block) + op.finalize()


def cbc(key, iv, data, decrypt=False):
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def ctr(key, counter, data):
    op = Cipher(algorithms.AES(key), modes.CTR(counter)).encryptor()
    return op.update(data) + op.finalize()


def gcm_seal(key, iv, aad, data, tag_len):
    op = Cipher(algorithms.AES(key), modes.GCM(iv)).encryptor()
    op.authenticate_additional_data(aad)
    ct = op.update(data) + op.finalize()
    return ct, op.tag[:tag_len]


def chacha20(key, nonce, counter, data):
    op = Cipher(algorithms.ChaCha20(key, counter.to_bytes(4, "little") + nonce), None).encryptor()
    return op.update(data) + op.finalize()


def add(case, lines, published=(), same_as_2_28=True):
    for value in published:
        assert any(value in line for line in lines), (case, value, lines)
    i = len(cases)
    cases.append(case)
    expected.extend(f"{i} {line}" if line != "?" else "?" for line in lines)
    if not same_as_2_28:
        differs_from_2_28.append(str(i))


def case_ecb(key, block, published=()):
    add(f"ecb {key.hex()} {block.hex()}", [f"ecb{h(ecb(key, block))}{h(ecb(key, block, True))}"], published)


def case_cbc(key, iv, data, published=()):
    pieces, text = splits(len(data), 16)
    ct = cbc(key, iv, data)
    chain = ct[-16:] if ct else iv
    add(f"cbc {key.hex()} {iv.hex()} {data.hex() or '-'} {text}", [f"cbc 0{h(ct)}{h(chain)} 0{h(data)}"], published)


def case_ctr(key, counter, data, published=()):
    pieces, text = splits(len(data))
    ct = ctr(key, counter, data)
    blocks = (len(data) + 15) // 16
    c0 = int.from_bytes(counter, "big")
    after = ((c0 + blocks) % 2**128).to_bytes(16, "big")
    stream = ecb(key, ((c0 + blocks - 1) % 2**128).to_bytes(16, "big")) if data else bytes(16)
    add(f"ctr {key.hex()} {counter.hex()} {data.hex() or '-'} {text}",
        [f"ctr 0{h(ct)}{h(after)} {len(data) % 16}{h(stream)}"], published)


def case_gcm(key, iv, aad, data, tag_len, published=()):
    _, aad_text = splits(len(aad))
    _, data_text = splits(len(data))
    ct, tag = gcm_seal(key, iv, aad, data, tag_len)
    add(f"gcm {key.hex()} {iv.hex()} {aad.hex() or '-'} {data.hex() or '-'} {tag_len} {aad_text} {data_text}", [
        f"gcm-seal 0{h(ct)}{h(tag)}", f"gcm-open 0{h(data)}", f"gcm-forged {GCM_AUTH_FAILED} 1",
        f"gcm-dec 0{h(data)}{h(tag)}", f"gcm-stream 0{h(ct)}{h(tag)}", f"gcm-stream-dec 0{h(data)}{h(tag)}",
    ], published)


def case_chacha20(key, nonce, counter, data, published=()):
    _, text = splits(len(data))
    wraps = counter + (len(data) + 63) // 64 > 2**32
    ct = h(chacha20(key, nonce, counter, data)) if not wraps else None
    lines = [f"chacha20 0{ct}", f"chacha20-crypt 0{ct}"] if ct else ["?", "?"]
    add(f"chacha20 {key.hex()} {nonce.hex()} {counter} {data.hex() or '-'} {text}", lines, published)


def case_poly1305(key, data, published=()):
    _, text = splits(len(data))
    mac = poly1305.Poly1305.generate_tag(key, data)
    add(f"poly1305 {key.hex()} {data.hex() or '-'} {text}", [f"poly1305 0{h(mac)}", f"poly1305-mac 0{h(mac)}"],
        published)


def case_chachapoly(key, nonce, aad, data, published=()):
    _, aad_text = splits(len(aad))
    _, data_text = splits(len(data))
    sealed = ChaCha20Poly1305(key).encrypt(nonce, data, aad)
    ct, tag = sealed[:-16], sealed[-16:]
    add(f"chachapoly {key.hex()} {nonce.hex()} {aad.hex() or '-'} {data.hex() or '-'} {aad_text} {data_text}", [
        f"cp-seal 0{h(ct)}{h(tag)}", f"cp-open 0{h(data)}", f"cp-forged {CHACHAPOLY_AUTH_FAILED} 1",
        f"cp-stream 0{h(ct)}{h(tag)}", f"cp-stream-dec 0{h(data)}{h(tag)}",
    ], published)


def case_cipher(name, pad, key, iv, aad, data, tag_len=16):
    mode = name.split("-")[-1] if name.startswith("AES") else name
    # ECB's update takes exactly one block: one 16-byte message in one piece.
    pieces, text = splits(len(data)) if mode != "ECB" else ([], "-")
    tag_part, tag_ret, one_shot = "", "", None
    ret = 0
    if mode == "ECB":
        ct = b"".join(ecb(key, data[i:i + 16]) for i in range(0, len(data), 16))
        one_shot = f"cipher-crypt 0{h(ct)}"
    elif mode == "CBC":
        padded = data
        if pad == "pkcs7":
            p = padding.PKCS7(128).padder()
            padded = p.update(data) + p.finalize()
        elif pad == "-":
            # 3.6: no padding mode until one is set: whole blocks come out, finish refuses.
            ret, padded = BAD_INPUT, data[:len(data) - len(data) % 16]
        ct = cbc(key, iv, padded)
        one_shot = f"cipher-crypt {ret}{h(ct if ret == 0 else b'')}"
    elif mode == "CTR":
        ct = ctr(key, iv, data)
        one_shot = f"cipher-crypt 0{h(ct)}"
    elif mode == "GCM":
        ct, tag = gcm_seal(key, iv, aad, data, tag_len)
        tag_part, tag_ret = f" 0{h(tag)}", " 0"
    elif mode == "CHACHA20":
        ct = chacha20(key, iv, 0, data)
        one_shot = f"cipher-crypt 0{h(ct)}"
    else:
        sealed = ChaCha20Poly1305(key).encrypt(iv, data, aad)
        ct, tag = sealed[:-16], sealed[-16:]
        tag_part, tag_ret = f" 0{h(tag)}", " 0"
    if ret == 0:
        dec = f"cipher-dec 0{h(data)}{tag_ret}"
    else:
        # Decrypting what was produced (whole blocks) gives them back, then finish refuses.
        dec = f"cipher-dec {ret}{h(data[:len(ct)])}"
    lines = [f"cipher-enc {ret}{h(ct)}{tag_part}", dec]
    if one_shot is None:
        lines += [f"cipher-aead 0{h(ct + tag)}", f"cipher-aead-dec 0{h(data)}"]
    else:
        lines.append(one_shot)
    add(f"cipher {name} {pad} {key.hex()} {iv.hex() or '-'} {aad.hex() or '-'} {data.hex() or '-'} {tag_len} {text}",
        lines, same_as_2_28=not (pad == "-" and mode == "CBC") and not (mode == "GCM" and any(p % 16 for p in pieces)))


# Published vectors.
SP800_38A_PLAIN = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                                "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
SP800_38A = [  # key, ECB (F.1), CBC (F.2), CTR (F.5)
    ("2b7e151628aed2a6abf7158809cf4f3c", "3ad77bb40d7a3660a89ecaf32466ef97", "7649abac8119b246cee98e9b12e9197d",
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab"
     "1e031dda2fbe03d1792170a0f3009cee"),
    ("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", "bd334f1d6e45f25ff712a214571fa5cc",
     "4f021db243bc633d7178183a9fa071e8", "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94"),
    ("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "f3eed1bdb5d2a03c064b5a7e3db181f8",
     "f58c4c04d6e5f1ba779eabfb5f7bfbd6", "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"),
]
for key, ecb_ct, cbc_ct, ctr_ct in SP800_38A:
    key = bytes.fromhex(key)
    case_ecb(key, SP800_38A_PLAIN[:16], [ecb_ct])
    case_cbc(key, bytes(range(16)), SP800_38A_PLAIN, [cbc_ct])
    case_ctr(key, bytes(range(0xf0, 0x100)), SP800_38A_PLAIN, [ctr_ct])
GCM_KEY, GCM_IV = bytes.fromhex("feffe9928665731c6d6a8f9467308308"), bytes.fromhex("cafebabefacedbaddecaf888")
GCM_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
GCM_PLAIN = bytes.fromhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
                          "49a6b525b16aedf5aa0de657ba637b39")
case_gcm(bytes(16), bytes(12), b"", b"", 16, ["58e2fccefa7e3061367f1d57a4e7455a"])  # test case 1
case_gcm(bytes(16), bytes(12), b"", bytes(16), 16, ["0388dace60b6a392f328c2b971b2fe78 ab6e47d42cec13bdf53a67b21257bddf"])
case_gcm(GCM_KEY, GCM_IV, GCM_AAD, GCM_PLAIN, 16, ["5bc94fbc3221a5db94fae95ae7121a47"])  # test case 4
case_gcm(GCM_KEY, GCM_IV[:8], GCM_AAD, GCM_PLAIN, 16, ["3612d2e79e3b0785561be14aaca2fccb"])  # 5: 8-byte IV
case_gcm(GCM_KEY, bytes.fromhex("9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2"
                                "429a6b525416aedbf5a0de6a57a637b39b"), GCM_AAD, GCM_PLAIN, 16,
         ["619cc5aefffe0bfa462af43c1699d050"])  # 6: 60-byte IV
case_gcm(GCM_KEY * 2, GCM_IV, GCM_AAD, GCM_PLAIN, 16, ["76fc6ece0f4e1768cddf8853bb2d551b"])  # 16: AES-256
RFC_KEY = bytes(range(32))
SUNSCREEN = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
             b"sunscreen would be it.")
case_chacha20(RFC_KEY, bytes.fromhex("000000000000004a00000000"), 1, SUNSCREEN,
              ["6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"])
case_poly1305(bytes.fromhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
              b"Cryptographic Forum Research Group", ["a8061dc1305136c6c22b8baf0c0127a9"])
case_chachapoly(bytes(range(0x80, 0xa0)), bytes.fromhex("070000004041424344454647"),
                bytes.fromhex("50515253c0c1c2c3c4c5c6c7"), SUNSCREEN,
                ["d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6", "1ae10b594f09e26a7e902ecbd0600691"])

# Random cases.
sizes = [0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 255, 1000]
for n in sizes:
    for key_len in (16, 24, 32):
        key = rnd(key_len)
        case_ecb(key, rnd(16))
        case_cbc(key, rnd(16), rnd(n - n % 16))
        counter = rnd(16) if n != 100 else bytes([0xff] * 15 + [0xfe])  # carries across all 128 bits
        case_ctr(key, counter, rnd(n))
        case_gcm(key, rnd(random.choice([8, 12, 12, 16, 60, 128])), rnd(random.choice([0, 1, 13, 16, 40])), rnd(n),
                 random.choice([4, 8, 12, 13, 16]))
    case_chacha20(rnd(32), rnd(12), random.choice([0, 1, 7, 1 << 20]), rnd(n))
    case_poly1305(rnd(32), rnd(n))
    case_chachapoly(rnd(32), rnd(12), rnd(random.choice([0, 1, 12, 16, 33])), rnd(n))
    for bits in (128, 192, 256):
        key = rnd(bits // 8)
        for mode, iv_len in (("ECB", 0), ("CBC", 16), ("CTR", 16), ("GCM", 12)):
            name = f"AES-{bits}-{mode}"
            if mode == "ECB":
                case_cipher(name, "-", key, b"", b"", rnd(16))
            elif mode == "CBC":
                case_cipher(name, "pkcs7", key, rnd(16), b"", rnd(n))
                case_cipher(name, "none", key, rnd(16), b"", rnd(n - n % 16))
            else:
                case_cipher(name, "-", key, rnd(iv_len), rnd(random.choice([0, 5, 16])), rnd(n),
                            random.choice([4, 12, 16]) if mode == "GCM" else 16)
    case_cipher("CHACHA20", "-", rnd(32), rnd(12), b"", rnd(n))
    case_cipher("CHACHA20-POLY1305", "-", rnd(32), rnd(12), rnd(random.choice([0, 7, 16])), rnd(n))
# ChaCha20 across the 32-bit block counter (compared with Mbed TLS 2.28 only) and CBC without a
# padding mode (3.6 only).
case_chacha20(rnd(32), rnd(12), 2**32 - 1, rnd(130))
case_chacha20(rnd(32), rnd(12), 2**32 - 2, rnd(64 * 3))
for n in (16, 20, 32):
    case_cipher("AES-128-CBC", "-", rnd(16), rnd(16), b"", rnd(n))

sys.stdout.write("\n".join(cases) + "\n--\n" + "\n".join(expected) + "\n--\n" + " ".join(differs_from_2_28) + "\n")
