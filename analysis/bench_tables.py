#!/usr/bin/env python3
"""Turns Google Benchmark JSON output into the markdown tables of docs/performance.md.

    python3 analysis/bench_tables.py results/bench/classifier.json results/bench/uft.json
"""
import json
import sys

PROFILES = {0: "acl", 1: "fw", 2: "ipc"}


def load(path):
    with open(path) as f:
        data = json.load(f)
    runs = {}
    for bench in data["benchmarks"]:
        if bench.get("run_type") == "aggregate":
            continue
        family, *args = bench["name"].split("/")
        runs[(family, tuple(int(a) for a in args if a.isdigit()))] = bench
    return data["context"], runs


def ns(bench):
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[bench["time_unit"]]
    return bench["cpu_time"] * scale


def classifier_tables(runs):
    out = ["| profile | rules | classifier (ns/lookup) | linear (ns/lookup) | speed-up | bytes/rule | rules in trie / hash / interval / list |",
           "|---|---|---|---|---|---|---|"]
    for (family, args), bench in sorted(runs.items()):
        if family != "BM_ClassifierLookup":
            continue
        linear = runs.get(("BM_LinearLookup", args))
        if linear is None:
            continue
        parts = " / ".join(f"{int(bench.get(k + '_rules', 0))}" for k in ("prefix_trie", "hash", "interval_tree", "list"))
        out.append(f"| {PROFILES[args[0]]} | {args[1]} | {ns(bench):.0f} | {ns(linear):.0f} | "
                   f"{ns(linear) / ns(bench):.0f}x | {bench['bytes_per_rule']:.0f} | {parts} |")
    out += ["", "| profile | rules | add one rule (ns) | build whole group (ms) |", "|---|---|---|---|"]
    for (family, args), bench in sorted(runs.items()):
        if family != "BM_ClassifierAddOneRule":
            continue
        build = runs.get(("BM_ClassifierBuildGroup", args))
        out.append(f"| {PROFILES[args[0]]} | {args[1]} | {ns(bench):.0f} | {ns(build) / 1e6:.1f} |")
    return out


def uft_tables(runs):
    out = ["| layers (200 rules each) | UFT on (ns/packet) | UFT off (ns/packet) | on: Mpps | off: Mpps |",
           "|---|---|---|---|---|"]
    for (family, args), bench in sorted(runs.items()):
        if family != "BM_EstablishedFlows" or args[1] != 1:
            continue
        off = runs[(family, (args[0], 0))]
        out.append(f"| {args[0]} | {ns(bench):.0f} | {ns(off):.0f} | {1e3 / ns(bench):.2f} | {1e3 / ns(off):.2f} |")
    out += ["", "| active flows | ns per hit | heap bytes per flow (connection + UF + layer flow) |", "|---|---|---|"]
    for (family, args), bench in sorted(runs.items()):
        if family == "BM_LookupAtScale":
            out.append(f"| {args[0]} | {ns(bench):.0f} | {bench['bytes_per_flow']:.0f} |")
    out += ["", "| layers | new connections per second (slow path + connection + UF) |", "|---|---|"]
    for (family, args), bench in sorted(runs.items()):
        if family == "BM_NewConnections":
            out.append(f"| {args[0]} | {1e9 / ns(bench):,.0f} |")
    return out


def main():
    for path in sys.argv[1:]:
        context, runs = load(path)
        print(f"`{path}`: {context.get('num_cpus')} CPUs at {context.get('mhz_per_cpu')} MHz, "
              f"{context.get('date', '')}\n")
        families = {family for family, _ in runs}
        if "BM_ClassifierLookup" in families:
            print("\n".join(classifier_tables(runs)))
        if "BM_EstablishedFlows" in families:
            print("\n".join(uft_tables(runs)))
        print()


if __name__ == "__main__":
    main()
