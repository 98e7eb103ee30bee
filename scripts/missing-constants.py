#!/usr/bin/env python3
"""Lists the integer constants (#defines) of Mbed TLS 3.6.6's public headers, preprocessed with a
configuration of our feature macros, that our include/ tree lacks: one row per constant in the
format of src/tables/constants.txt, grouped under "== - <header>" heads, with the value 3.6.6's
compiler computes. A tool for extending the table (the rows' texts are to be reviewed); the test
that the values stay equal is tests/upstream.rs.

    scripts/missing-constants.py [HEADER ...]     (default: every header; needs scripts/fetch-mbedtls.sh)
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_PREFIXES = ("MBEDTLS_ERR_",)  # error codes live in src/tables/errors.txt


def not_defined():
    """The names (a trailing `*`: a prefix) tests/upstream.rs's NOT_DEFINED leaves out on purpose."""
    text = open(f"{ROOT}/tests/upstream.rs").read()
    block = text.split("const NOT_DEFINED")[1].split("\n];")[0]
    return tuple(re.findall(r'^    \(\s*"((?:MBEDTLS|PSA)_\w+\*?)"', block, re.M))


def cc_macros(args, source):
    out = subprocess.run(["cc", "-E", "-dM", *args, source], check=True, capture_output=True, text=True).stdout
    macros = {}
    for line in out.splitlines():
        m = re.match(r"#define ((?:MBEDTLS|PSA)_\w+)(\(| |$)(.*)", line)
        if m and m.group(2) != "(":
            macros[m.group(1)] = m.group(3).strip()
    return macros


def main():
    upstream = subprocess.run(["bash", f"{ROOT}/scripts/fetch-mbedtls.sh"], check=True, capture_output=True, text=True).stdout.strip()
    inc = f"{upstream}/include"
    build_info = open(f"{ROOT}/include/mbedtls/build_info.h").read()
    # The feature macros and the capabilities (modules used without their C API, listed in a
    # comment): the configuration 3.6.6's derivation is compared with.
    features = re.findall(r"^#define (MBEDTLS_\w+) +/\*", build_info, re.M)
    features += re.findall(r"^ \*   (MBEDTLS_\w+_C) ", build_info, re.M)
    tmp = tempfile.mkdtemp()
    with open(f"{tmp}/config.h", "w") as f:
        f.write("".join(f"#define {n}\n" for n in features))
    up_args = [f"-I{inc}", f"-I{tmp}", '-DMBEDTLS_CONFIG_FILE="config.h"']
    # The default configuration files define the feature macros of a full build, not constants.
    defaults = ("mbedtls/mbedtls_config.h", "psa/crypto_config.h")
    headers = sys.argv[1:] or sorted(
        f"{d}/{h}" for d in ("mbedtls", "psa") for h in os.listdir(f"{inc}/{d}") if f"{d}/{h}" not in defaults)
    with open(f"{tmp}/ours.c", "w") as f:
        f.write("".join(f'#include "{d}/{h}"\n' for d in ("mbedtls", "psa") for h in sorted(os.listdir(f"{ROOT}/include/{d}"))))
    ours = cc_macros([f"-I{ROOT}/include"], f"{tmp}/ours.c")
    skipped = not_defined()
    prefixes = SKIP_PREFIXES + tuple(n[:-1] for n in skipped if n.endswith("*"))
    for header in headers:
        text = open(f"{inc}/{header}").read()
        names = sorted(set(re.findall(r"^\s*#\s*define\s+((?:MBEDTLS|PSA)_\w+)[ \t]", text, re.M)))
        with open(f"{tmp}/one.c", "w") as f:
            f.write(f'#include "{header}"\n')
        try:
            theirs = cc_macros(up_args, f"{tmp}/one.c")
        except subprocess.CalledProcessError:
            continue  # not a standalone header in this configuration
        wanted = [n for n in names if n in theirs and n not in ours and not n.startswith(prefixes) and n not in skipped
                  and not n.endswith("_H") and theirs[n] and not re.search(r'[{"]|__attribute__', theirs[n])]
        if not wanted:
            continue
        # Let the compiler compute each value; drop what is not an integer constant expression.
        def program(names):
            body = "".join(
                f'    if (({n}) * 1 < 0) printf("{n} %lld\\n", (long long) ({n})); '
                f'else printf("{n} %llu\\n", (unsigned long long) ({n}));\n' for n in names)
            return f'#include <stdio.h>\n#include "{header}"\nint main(void) {{\n{body}    return 0;\n}}\n'

        def compiles(names):
            with open(f"{tmp}/values.c", "w") as f:
                f.write(program(names))
            return subprocess.run(["cc", "-w", *up_args, "-o", f"{tmp}/values", f"{tmp}/values.c"],
                                  capture_output=True).returncode == 0

        if not compiles(wanted):
            wanted = [n for n in wanted if compiles([n])]
            compiles(wanted)
        values = {}
        if wanted:
            run = subprocess.run([f"{tmp}/values"], check=True, capture_output=True, text=True).stdout
            values = dict(line.split() for line in run.splitlines())
        if not values:
            continue
        print(f"== - {header.removeprefix('mbedtls/')}")
        width = max(len(n) for n in values)
        for n in sorted(values):
            literal = theirs[n]
            value = literal if re.fullmatch(r"-?(0x[0-9A-Fa-f]+|[0-9]+)[uUlL]*", literal) else values[n]
            print(f"{n:<{width}} int {value} TODO")
        print()


if __name__ == "__main__":
    main()
