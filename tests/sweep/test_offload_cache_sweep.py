"""A grid of offload-cache, whose --out names one JSON file: the sweep gives each run
--out <run directory>/metrics.json, and results.csv has the program's hit_rate per row."""
import filecmp
import json
import os
import subprocess
import unittest

import support

OFFLOAD_CACHE = os.path.join(support.BIN_DIR, "offload-cache")
ARGS = {"flows": 1000, "zipf": 1, "packets": 20000}
GRID = {"table-size": [100, 1000]}


class OffloadCacheSweepTest(unittest.TestCase):
    """Two table sizes, two runs each, on --workers 2."""

    @classmethod
    def setUpClass(cls):
        cls.folder = support.temporary_folder(cls.addClassCleanup)
        cls.spec = support.write_spec(cls.folder, program="offload-cache", args=ARGS, grid=GRID)
        cls.out = os.path.join(cls.folder, "out")
        cls.result = support.sweep(cls.spec, "--out", cls.out, "--workers", 2)
        cls.rows = support.read_csv(os.path.join(cls.out, "results.csv"))

    def test_four_runs_with_a_hit_rate_each_identical_to_the_program_run_directly(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertEqual(
            [(r["table-size"], r["run"], r["status"]) for r in self.rows],
            [("100", "1", "ok"), ("100", "2", "ok"), ("1000", "1", "ok"), ("1000", "2", "ok")],
        )
        for row in self.rows:
            self.assertGreater(float(row["hit_rate"]), 0)
            self.assertEqual(row["options.run"], row["run"])
            self.assertEqual(row["options.table_size"], row["table-size"])
            direct = os.path.join(self.folder, "direct-%s.json" % row["key"])
            argv = [OFFLOAD_CACHE, "--flows", "1000", "--packets", "20000", "--zipf", "1"]
            argv += ["--table-size", row["table-size"], "--run", row["run"], "--out", direct]
            subprocess.run(argv, check=True, capture_output=True)
            swept = os.path.join(self.out, "runs", row["key"], "metrics.json")
            self.assertTrue(filecmp.cmp(swept, direct, shallow=False), row)

    def test_runs_differ_and_a_larger_table_hits_more(self):
        hit = {(r["table-size"], r["run"]): float(r["hit_rate"]) for r in self.rows}
        self.assertNotEqual(hit[("100", "1")], hit[("100", "2")])
        self.assertLess(max(hit[("100", "1")], hit[("100", "2")]), min(hit[("1000", "1")], hit[("1000", "2")]))
        aggregate = support.read_csv(os.path.join(self.out, "aggregate.csv"))
        self.assertEqual([(a["table-size"], a["runs_ok"]) for a in aggregate], [("100", "2"), ("1000", "2")])
        for row in aggregate:
            self.assertLessEqual(float(row["hit_rate.ci95_low"]), float(row["hit_rate.mean"]))

    def test_dry_run_names_the_metrics_file_as_out(self):
        dry = support.sweep(self.spec, "--out", os.path.join(self.folder, "dry"), "--dry-run")
        self.assertEqual(dry.returncode, 0, dry.stderr)
        commands = [line for line in dry.stdout.splitlines() if line.startswith(OFFLOAD_CACHE)]
        self.assertEqual(len(commands), 4)
        for command in commands:
            self.assertRegex(command, r"--run \d --out \S+/runs/[0-9a-f]+/metrics\.json$")
        with open(os.path.join(self.out, "sweep.json")) as f:
            self.assertEqual(json.load(f)["program"], "offload-cache")


if __name__ == "__main__":
    unittest.main()
