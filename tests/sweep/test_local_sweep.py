"""A tiny grid on an embedded cluster of two workers: results, resume, new points, failures."""
import filecmp
import json
import os
import shutil
import subprocess
import unittest

import support


class LocalSweepTest(unittest.TestCase):
    """Two parameters by two values, two runs each, on --workers 2."""

    @classmethod
    def setUpClass(cls):
        cls.folder = support.temporary_folder(cls.addClassCleanup)
        cls.spec = support.write_spec(cls.folder)
        cls.out = os.path.join(cls.folder, "out")
        cls.first = support.sweep(cls.spec, "--out", cls.out, "--workers", 2)

    def test_eight_runs_each_identical_to_running_the_program_directly(self):
        self.assertEqual(self.first.returncode, 0, self.first.stderr)
        rows = support.read_csv(os.path.join(self.out, "results.csv"))
        self.assertEqual(len(rows), 8)
        expected = {(c, k, r) for c in ("50", "100") for k in ("1", "2") for r in ("1", "2")}
        self.assertEqual({(row["cps"], row["ns3::VfpHostCpu::Cores"], row["run"]) for row in rows}, expected)
        for row in rows:
            self.assertEqual(row["status"], "ok")
            self.assertGreater(int(row["summary.packets_delivered"]), 0)
            direct = os.path.join(self.folder, "direct-" + row["key"])
            argv = [
                support.DATACENTER,
                "--hosts",
                "2",
                "--vms-per-host",
                "2",
                "--tenants",
                "1",
                "--duration",
                "0.05",
                "--long-flows",
                "0",
                "--udp-flows",
                "0",
                "--quiet",
                "--cps",
                row["cps"],
                "--attribute",
                "ns3::VfpHostCpu::Cores=" + row["ns3::VfpHostCpu::Cores"],
                "--run",
                row["run"],
                "--out",
                direct,
            ]
            subprocess.run(argv, check=True, capture_output=True)
            swept = os.path.join(self.out, "runs", row["key"], "metrics.json")
            self.assertTrue(filecmp.cmp(swept, os.path.join(direct, "metrics.json"), shallow=False), row)

    def test_runs_are_independent_replications(self):
        rows = support.read_csv(os.path.join(self.out, "results.csv"))
        by_run = {(r["cps"], r["ns3::VfpHostCpu::Cores"], r["run"]): r["summary.packets_sent"] for r in rows}
        self.assertNotEqual(by_run[("100", "1", "1")], by_run[("100", "1", "2")])

    def test_aggregate_has_one_row_per_point_with_intervals(self):
        rows = support.read_csv(os.path.join(self.out, "aggregate.csv"))
        self.assertEqual(len(rows), 4)
        for row in rows:
            self.assertEqual(row["runs_ok"], "2")
            low, mean, high = (
                float(row["summary.packets_sent." + s]) for s in ("ci95_low", "mean", "ci95_high")
            )
            self.assertLessEqual(low, mean)
            self.assertLessEqual(mean, high)

    def test_a_second_invocation_runs_nothing(self):
        before = {k: support.record(self.out, k)["started"] for k in support.run_dirs(self.out)}
        again = support.sweep(self.spec, "--out", self.out, "--workers", 2)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("8 finished, 0 failed, 0 to run", again.stdout)
        after = {k: support.record(self.out, k)["started"] for k in support.run_dirs(self.out)}
        self.assertEqual(before, after)
        self.assertEqual(len(support.read_csv(os.path.join(self.out, "results.csv"))), 8)

    def test_adding_a_value_runs_only_the_new_points(self):
        out = os.path.join(self.folder, "grown")
        shutil.copytree(self.out, out)
        before = set(support.run_dirs(out))
        grid = dict(support.TINY_GRID, cps=[50, 100, 150])
        spec = support.write_spec(self.folder, "grown.json", grid=grid)
        grown = support.sweep(spec, "--out", out, "--workers", 2)
        self.assertEqual(grown.returncode, 0, grown.stderr)
        self.assertIn("8 finished, 0 failed, 4 to run", grown.stdout)
        rows = support.read_csv(os.path.join(out, "results.csv"))
        self.assertEqual(len(rows), 12)
        new = set(support.run_dirs(out)) - before
        self.assertEqual(new, {r["key"] for r in rows if r["cps"] == "150"})

    def test_dry_run_prints_commands_and_runs_nothing(self):
        out = os.path.join(self.folder, "dry")
        dry = support.sweep(self.spec, "--out", out, "--dry-run")
        self.assertEqual(dry.returncode, 0, dry.stderr)
        self.assertEqual(dry.stdout.count("--run "), 8)
        self.assertFalse(os.path.exists(out))


class FailingRunTest(unittest.TestCase):
    """A run that fails is recorded with its exit code and stderr; the others complete."""

    def test_failure_is_recorded_and_the_sweep_goes_on(self):
        folder = support.temporary_folder(self.addCleanup)
        spec = support.write_spec(folder, grid={"switch": ["vfp", "ovs"]}, runs=2)
        out = os.path.join(folder, "out")
        result = support.sweep(spec, "--out", out, "--workers", 2)
        self.assertEqual(result.returncode, 1, result.stderr)
        rows = support.read_csv(os.path.join(out, "results.csv"))
        self.assertEqual(
            [(r["switch"], r["status"]) for r in rows],
            [("vfp", "ok"), ("vfp", "ok"), ("ovs", "failed"), ("ovs", "failed")],
        )
        for row in rows[2:]:
            self.assertEqual(row["exit_code"], "2")
            record = support.record(out, row["key"])
            self.assertEqual(record["exit_code"], 2)
            self.assertIn('--switch: expected vfp or bridge, got "ovs"', record["stderr"])
        self.assertIn('failed: {"switch": "ovs"} run 1', result.stderr)
        aggregate = support.read_csv(os.path.join(out, "aggregate.csv"))
        self.assertEqual([(a["runs_ok"], a["runs_failed"]) for a in aggregate], [("2", "0"), ("0", "2")])
        again = support.sweep(spec, "--out", out, "--workers", 1)
        self.assertIn("2 finished, 2 failed (--retry-failed runs them again), 0 to run", again.stdout)
        retried = support.sweep(spec, "--out", out, "--workers", 1, "--retry-failed")
        self.assertIn("2 to run", retried.stdout)
        self.assertEqual(support.record(out, rows[2]["key"])["status"], "failed")


class BuildChangeTest(unittest.TestCase):
    """A rebuilt program gets new keys: its results are kept apart from the old build's."""

    def test_results_of_another_build_are_not_mixed(self):
        folder = support.temporary_folder(self.addCleanup)
        bin_dir = os.path.join(folder, "bin")
        os.makedirs(bin_dir)
        program = os.path.join(bin_dir, "datacenter")
        shutil.copy2(support.DATACENTER, program)
        spec = support.write_spec(folder, grid={"cps": [50]}, runs=1)
        out = os.path.join(folder, "out")
        env = dict(os.environ, VFP_SWEEP_BIN_DIR=bin_dir)
        first = support.sweep(spec, "--out", out, "--workers", 1, env=env)
        self.assertEqual(first.returncode, 0, first.stderr)
        old = support.run_dirs(out)
        with open(program, "ab") as f:
            f.write(b"\0")  # a different executable that still runs: another build
        second = support.sweep(spec, "--out", out, "--workers", 1, env=env)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("0 finished, 0 failed, 1 to run", second.stdout)
        rows = support.read_csv(os.path.join(out, "results.csv"))
        self.assertEqual(len(rows), 1)
        self.assertNotIn(rows[0]["key"], old)
        self.assertEqual(len(support.run_dirs(out)), 2)
        with open(os.path.join(out, "sweep.json")) as f:
            self.assertEqual(json.load(f)["build"], support.record(out, rows[0]["key"])["build"])


if __name__ == "__main__":
    unittest.main()
