#!/usr/bin/env python3
"""The benchmark's chart: server CPU µs per handshake for each scenario of the main table and each
library, as grouped horizontal bars on a log axis (Mbed TLS 2.28's full handshakes cost ~25× the
others), written by hand as SVG (no plotting library needed) to bench/chart.svg.

bench.py calls `write_chart(results)` with its `results` (scenario → {"ours"/"mbedtls-2.28"/
"openssl" → {"cpu_us", "conn_s"} or None}). Run alone, it reads the main table of BENCHMARKS.md:
  python3 scripts/bench_chart.py [BENCHMARKS.md] [--out bench/chart.svg]
"""
import argparse
import math
import os
import re
from xml.sax.saxutils import escape

from benchlib import ROOT

CHART = os.path.join(ROOT, "bench", "chart.svg")
# (key in results, legend label, colour)
SERIES = [("ours", "rustls-mbedtls-compat (ours)", "#2b6cb0"),
          ("mbedtls-2.28", "Mbed TLS 2.28 (Debian)", "#c53030"),
          ("openssl", "OpenSSL s_server", "#718096")]
LABEL_W, PLOT_W, VALUE_W = 330, 470, 110
BAR_H, BAR_GAP, GROUP_GAP = 14, 3, 16
TOP, BOTTOM = 78, 44


def write_chart(results, path=CHART):
    """Writes the SVG chart of `results` to `path`; returns `path`."""
    values = [r[k]["cpu_us"] for r in results.values() for k, *_ in SERIES if r.get(k)]
    # The axis: 1-2-5 steps from below half the smallest value (every bar visibly long) to the
    # decade above the largest.
    steps = [m * 10 ** e for e in range(-1, 8) for m in (1, 2, 5)]
    lo = max(v for v in steps if v <= min(values) / 2)
    hi = 10 ** math.ceil(math.log10(max(values)))

    def x(v):
        return LABEL_W + PLOT_W * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    group_h = len(SERIES) * (BAR_H + BAR_GAP) - BAR_GAP
    height = TOP + len(results) * (group_h + GROUP_GAP) - GROUP_GAP + BOTTOM
    width = LABEL_W + PLOT_W + VALUE_W
    bottom = height - BOTTOM
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">'
           'Server CPU time per TLS handshake (µs, log scale; shorter is better)</text>']
    # Legend.
    lx = LABEL_W
    for _, label, colour in SERIES:
        out.append(f'<rect x="{lx}" y="34" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{lx + 17}" y="44">{escape(label)}</text>')
        lx += 17 + 7 * len(label) + 24
    # Grid: decades darker, the 2× and 5× steps lighter.
    for v in (v for v in steps if lo <= v <= hi):
        strong = math.log10(v).is_integer()
        out.append(f'<line x1="{x(v):.1f}" y1="{TOP - 8}" x2="{x(v):.1f}" y2="{bottom}" '
                   f'stroke="{"#a0aec0" if strong else "#e2e8f0"}" stroke-width="1"/>')
        out.append(f'<text x="{x(v):.1f}" y="{bottom + 16}" text-anchor="middle" '
                   f'fill="{"#2d3748" if strong else "#718096"}" font-size="{11 if strong else 10}">{v:,.0f}</text>')
    out.append(f'<text x="{LABEL_W + PLOT_W / 2}" y="{bottom + 34}" text-anchor="middle" fill="#2d3748">'
               'server CPU µs per handshake (/proc/PID/schedstat ÷ connections)</text>')
    # Bars.
    y = TOP
    for name, r in results.items():
        out.append(f'<text x="{LABEL_W - 10}" y="{y + group_h / 2 + 4:.1f}" text-anchor="end">{escape(name)}</text>')
        for i, (key, label, colour) in enumerate(SERIES):
            by = y + i * (BAR_H + BAR_GAP)
            cell = r.get(key)
            if cell is None:
                out.append(f'<text x="{LABEL_W + 4}" y="{by + BAR_H - 3}" fill="#718096" font-size="11" '
                           f'font-style="italic">{escape(label)}: n/a</text>')
                continue
            v = cell["cpu_us"]
            out.append(f'<rect x="{LABEL_W}" y="{by}" width="{max(x(v) - LABEL_W, 1):.1f}" height="{BAR_H}" '
                       f'fill="{colour}"><title>{escape(label)}: {v:,.0f} µs</title></rect>')
            out.append(f'<text x="{x(v) + 4:.1f}" y="{by + BAR_H - 3}" font-size="11">{v:,.0f}</text>')
        y += group_h + GROUP_GAP
    out.append(f'<line x1="{LABEL_W}" y1="{TOP - 8}" x2="{LABEL_W}" y2="{bottom}" stroke="#2d3748"/>')
    out.append("</svg>")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


def results_from_markdown(path):
    """The main table of a BENCHMARKS.md, in bench.py's `results` shape."""
    results = {}
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 9 and re.match(r"(full|resumed):", cells[0]):
                def num(c):
                    return None if c == "n/a" else float(c.replace(",", ""))
                results[cells[0]] = {
                    key: None if num(cells[1 + i]) is None else {"cpu_us": num(cells[1 + i]), "conn_s": num(cells[6 + i])}
                    for i, (key, *_) in enumerate(SERIES)
                }
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("markdown", nargs="?", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--out", default=CHART)
    opt = ap.parse_args()
    results = results_from_markdown(opt.markdown)
    if not results:
        raise SystemExit(f"no main table in {opt.markdown}")
    print(write_chart(results, opt.out))


if __name__ == "__main__":
    main()
