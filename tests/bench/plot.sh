#!/usr/bin/env bash
# Plots latency against catalog size from meshdex-bench JSON reports (one per
# size, e.g. 10k / 100k / 1M products) with gnuplot (Debian: gnuplot-nox,
# `make bench-deps`). Null figures are left out of their line.
#
#   tests/bench/plot.sh OUT.png REPORT.json...
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 OUT.png REPORT.json..." >&2
  exit 2
fi
out=$1
shift
command -v gnuplot >/dev/null || { echo "$0: gnuplot not installed (make bench-deps)" >&2; exit 1; }

data=$(mktemp)
trap 'rm -f "$data"' EXIT
columns="health_p50_us get_p50_us search_p50_us search_p99_us xapian_raw_p50_us postgres_search_p50_us suggest_p50_us lineage_depth5_p50_us postgres_lineage_depth5_p50_us lineage_hub_depth5_p99_us postgres_lineage_hub_depth5_p99_us"
/usr/bin/python3 - "$columns" "$@" >"$data" <<'PY'
import json, sys
columns = sys.argv[1].split()
rows = []
for path in sys.argv[2:]:
    with open(path) as f:
        report = json.load(f)
    results = report["results"]
    rows.append([report["products"]] + [
        "NaN" if results.get(c) is None else results[c] / 1000.0 for c in columns])
print("# products " + " ".join(columns))
for row in sorted(rows):
    print(" ".join(str(v) for v in row))
PY

gnuplot <<GP
set terminal pngcairo size 1100,700 noenhanced
set output "$out"
set title "meshdex-bench: latency vs catalog size"
set logscale xy
set xlabel "products (events alike)"
set ylabel "latency (ms)"
set key outside right
set grid
set datafile missing "NaN"
# One colour per figure (gnuplot's default cycle has eight).
colours = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf #000000"
do for [i=1:words(colours)] { set linetype i linecolor rgb word(colours, i) linewidth 2 }
cols = "$columns"
plot for [i=1:words(cols)] "$data" using 1:(column(i+1)) with linespoints title word(cols, i)
GP
echo "wrote $out"
