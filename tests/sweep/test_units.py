"""The pieces without a cluster: flattening, intervals, keys, the worker's build check, plots."""
import json
import math
import os
import unittest

import pandas

import support
from vfp_sweep import plan, plot, program, results, runner, spec


class FlattenTest(unittest.TestCase):
    def test_scalars_by_dotted_path_and_no_lists(self):
        flat = results.flatten(
            {"summary": {"packets": 3, "ok": True}, "drops": {}, "attributes": ["a"], "switch": "vfp"}
        )
        self.assertEqual(flat, {"summary.packets": 3, "summary.ok": True, "switch": "vfp"})


class IntervalTest(unittest.TestCase):
    def test_student_t_for_two_runs(self):
        mean, std, low, high = results._interval(pandas.Series([1.0, 3.0]))
        self.assertEqual(mean, 2.0)
        self.assertAlmostEqual(std, math.sqrt(2))
        # t(0.975, 1) = 12.706; the half-width is t * std / sqrt(2) = 12.706.
        self.assertAlmostEqual(high - mean, 12.7062, places=3)
        self.assertAlmostEqual(mean - low, 12.7062, places=3)

    def test_one_run_has_no_interval(self):
        mean, std, low, high = results._interval(pandas.Series([5.0]))
        self.assertEqual(mean, 5.0)
        self.assertTrue(math.isnan(std) and math.isnan(low) and math.isnan(high))

    def test_missing_values_are_left_out(self):
        mean, _, _, _ = results._interval(pandas.Series([4.0, None, 6.0]))
        self.assertEqual(mean, 5.0)


def fake_program(build="b" * 64):
    return program.Program(
        "datacenter",
        "/bin/true",
        {"cps": True, "quiet": False, "attribute": True, "run": True, "out": True},
        build,
    )


class KeyTest(unittest.TestCase):
    def test_arguments_render_flags_attributes_and_run(self):
        argv = plan.arguments(fake_program(), {"cps": 10, "quiet": True, "ns3::VfpHostCpu::Cores": 2}, 3)
        self.assertEqual(
            argv, ["--cps", "10", "--quiet", "--attribute", "ns3::VfpHostCpu::Cores=2", "--run", "3"]
        )
        self.assertNotIn("--quiet", plan.arguments(fake_program(), {"quiet": False}, 1))

    def test_key_depends_on_build_and_every_argument_only(self):
        a = plan.run_key(fake_program(), plan.arguments(fake_program(), {"cps": 10}, 1))
        self.assertEqual(a, plan.run_key(fake_program(), plan.arguments(fake_program(), {"cps": 10}, 1)))
        self.assertNotEqual(a, plan.run_key(fake_program(), plan.arguments(fake_program(), {"cps": 10}, 2)))
        self.assertNotEqual(a, plan.run_key(fake_program(), plan.arguments(fake_program(), {"cps": 11}, 1)))
        self.assertNotEqual(
            a, plan.run_key(fake_program("c" * 64), plan.arguments(fake_program(), {"cps": 10}, 1))
        )

    def test_moving_a_parameter_between_args_and_grid_keeps_keys(self):
        folder = support.temporary_folder(self.addCleanup)
        swept = spec.load(support.write_spec(folder, "a.json", args={}, grid={"cps": [10], "quiet": [True]}))
        fixed = spec.load(support.write_spec(folder, "b.json", args={"quiet": True}, grid={"cps": [10]}))
        keys = lambda s: [t["key"] for t in plan.tasks(s, fake_program(), folder)]
        self.assertEqual(keys(swept), keys(fixed))


class HelpTest(unittest.TestCase):
    def test_options_and_flags_but_not_names_in_wrapped_descriptions(self):
        text = (
            "Options:\n"
            "  -h [ --help ]                 print this help\n"
            "  --table-size arg (=1000000)   entries the table holds\n"
            "  --fast-size arg               entries of the fast tier (default 2048, or\n"
            "                                --table-size if smaller)\n"
            "  --quiet                       no progress, and\n"
            "                                --switch-buffer's unit\n"
        )
        self.assertEqual(
            program.parse_help(text), {"help": False, "table-size": True, "fast-size": True, "quiet": False}
        )


class ResolveTest(unittest.TestCase):
    def test_a_program_path_is_relative_to_the_spec(self):
        folder = support.temporary_folder(self.addCleanup)
        os.makedirs(os.path.join(folder, "tools"))
        script = os.path.join(folder, "tools", "study")
        with open(script, "w") as f:
            f.write(
                "#!/bin/sh\necho '  --out arg   output directory'\necho '  --run arg (=1)   run number'\n"
            )
        os.chmod(script, 0o755)
        checked = spec.load(
            support.write_spec(folder, program="tools/study", args={}, grid={"run-free": [1]})
        )
        resolved = program.resolve(checked, support.BIN_DIR)
        self.assertEqual(resolved.path, os.path.realpath(script))
        self.assertEqual(resolved.options, {"out": True, "run": True})
        with self.assertRaisesRegex(spec.SpecError, "grid.run-free: tools/study has no option --run-free"):
            program.check_parameters(checked, resolved, support.BIN_DIR)


class WorkerBuildCheckTest(unittest.TestCase):
    def test_a_worker_with_another_build_refuses_to_run(self):
        folder = support.temporary_folder(self.addCleanup)
        task = {
            "key": "k",
            "program": "datacenter",
            "program_path": support.DATACENTER,
            "build": "0" * 64,
            "params": {},
            "run": 1,
            "argv": ["--run", "1"],
            "out_is_file": False,
            "runs_dir": folder,
        }
        record = runner.execute(task)
        self.assertEqual(record["status"], "failed")
        self.assertIn("not the sweep's 000000000000", record["error"])
        self.assertEqual(runner.read_record(os.path.join(folder, "k"))["status"], "failed")


class PlotTest(unittest.TestCase):
    def sweep_folder(self):
        folder = support.temporary_folder(self.addCleanup)
        with open(os.path.join(folder, "sweep.json"), "w") as f:
            json.dump({"grid": {"cps": [10, 100], "cores": [1, 2]}}, f)
        rows = [
            {
                "cps": c,
                "cores": k,
                "m.mean": c / k,
                "m.std": 1.0,
                "m.ci95_low": c / k - 1,
                "m.ci95_high": c / k + 1,
            }
            for c in (10, 100)
            for k in (1, 2)
        ]
        pandas.DataFrame(rows).to_csv(os.path.join(folder, "aggregate.csv"), index=False)
        return folder

    def test_lines_with_bands_per_series(self):
        folder = self.sweep_folder()
        path, notes = plot.draw(folder, "cps", "m", series="cores")
        self.assertEqual(notes, [])
        self.assertEqual(path, os.path.join(folder, "m-vs-cps.png"))
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_another_varying_parameter_must_be_fixed(self):
        folder = self.sweep_folder()
        with self.assertRaisesRegex(plot.PlotError, 'the grid also varies "cores"'):
            plot.draw(folder, "cps", "m")
        self.assertTrue(os.path.exists(plot.draw(folder, "cps", "m", where=["cores=2"])[0]))

    def test_threshold_crossing_by_mean_and_interval(self):
        # cores 1: m = 10, 100 (CI +-1); cores 2: m = 5, 50.
        _, notes = plot.draw(self.sweep_folder(), "cps", "m", series="cores", threshold=9.5)
        self.assertEqual(
            notes,
            [
                "cores = 1: m above 9.5: mean from cps = 10; 95% CI wholly above from cps = 100, "
                "reaching it from cps = 10",
                "cores = 2: m above 9.5: mean from cps = 100; 95% CI wholly above from cps = 100, "
                "reaching it from cps = 100",
            ],
        )
        _, notes = plot.draw(self.sweep_folder(), "cps", "m", where=["cores=2"], threshold=1000)
        self.assertEqual(
            notes, ["m above 1000: mean nowhere; 95% CI wholly above nowhere, reaching it nowhere"]
        )


if __name__ == "__main__":
    unittest.main()
