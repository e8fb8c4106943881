#!/bin/bash
# Measures the datacenter scenario for docs/performance.md: the VFP run against the
# BridgeNetDevice baseline (wall-time ratio), packet-hops per wall-clock second and peak
# memory, at the default size and at a large one. Usage:
#   scripts/perf-datacenter.sh [OUT_DIR] [large]   (large adds the 1,000-host run)
# Prints a Markdown table; each run's performance.json stays in OUT_DIR.
set -euo pipefail
out=${1:-results/perf}
bin=${BIN:-build/bin/datacenter}
mkdir -p "$out"

run() { # name, then scenario options
    local name=$1
    shift
    "$bin" --quiet --out "$out/$name" "$@" > "$out/$name.summary"
    python3 -c "import json,sys; p=json.load(open('$out/$name/performance.json')); \
print(f\"| $name | {p['wall_seconds']:.1f} | {p['packet_hops']} | {p['packet_hops_per_wall_second']:.0f} | {p['peak_rss_mib']:.0f} |\")"
}

echo "| run | wall s | packet-hops | packet-hops/s | peak MiB |"
echo "|---|---|---|---|---|"
run default-bridge --switch bridge
run default-vfp
if [ "${2:-}" = large ]; then
    run large-bridge --switch bridge --hosts 1000 --hosts-per-rack 20 --aggregations 10 --intermediates 25 --duration 0.5
    run large-vfp --hosts 1000 --hosts-per-rack 20 --aggregations 10 --intermediates 25 --duration 0.5
fi
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def wall(name):
    return json.load(open(os.path.join(out, name, "performance.json")))["wall_seconds"]
for size in ("default", "large"):
    if os.path.exists(os.path.join(out, f"{size}-vfp", "performance.json")):
        print(f"\n{size}: VFP / bridge wall time = {wall(size + '-vfp') / wall(size + '-bridge'):.2f}")
PY
