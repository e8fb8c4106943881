"""Shared pieces of the vfp-sweep tests: the command, a tiny spec, reading results.

CTest sets VFP_SWEEP (build/bin/vfp-sweep), VFP_SWEEP_BIN_DIR (build/bin) and
PYTHONPATH (sweep/, for the unit tests' imports).
"""
import csv
import json
import os
import subprocess
import tempfile

SWEEP = os.environ["VFP_SWEEP"]
BIN_DIR = os.environ["VFP_SWEEP_BIN_DIR"]
DATACENTER = os.path.join(BIN_DIR, "datacenter")

# About 0.1 s a run: two hosts, four VMs of one tenant, short flows only.
TINY_ARGS = {
    "hosts": 2,
    "vms-per-host": 2,
    "tenants": 1,
    "duration": 0.05,
    "long-flows": 0,
    "udp-flows": 0,
    "quiet": True,
}
TINY_GRID = {"cps": [50, 100], "ns3::VfpHostCpu::Cores": [1, 2]}


def write_spec(folder, name="spec.json", **fields):
    spec = {"program": "datacenter", "args": TINY_ARGS, "grid": TINY_GRID, "runs": 2}
    spec.update(fields)
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def sweep(*args, env=None):
    """Runs vfp-sweep; returns the CompletedProcess (text)."""
    return subprocess.run(
        [SWEEP] + [str(a) for a in args], capture_output=True, text=True, timeout=300, env=env
    )


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def run_dirs(out_dir):
    runs = os.path.join(out_dir, "runs")
    return sorted(d for d in os.listdir(runs) if not d.startswith(".")) if os.path.isdir(runs) else []


def record(out_dir, key):
    with open(os.path.join(out_dir, "runs", key, "run.json")) as f:
        return json.load(f)


def temporary_folder(add_cleanup):
    """A fresh folder removed by add_cleanup (a test's addCleanup or addClassCleanup)."""
    folder = tempfile.TemporaryDirectory(prefix="vfp-sweep-test-")
    add_cleanup(folder.cleanup)
    return folder.name
