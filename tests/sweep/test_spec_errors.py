"""Bad specs are refused before anything runs, naming the spec file and the field."""
import os
import unittest

import support


class SpecErrorTest(unittest.TestCase):
    def refuse(self, expected, **fields):
        folder = support.temporary_folder(self.addCleanup)
        spec = support.write_spec(folder, **fields)
        out = os.path.join(folder, "out")
        result = support.sweep(spec, "--out", out)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("vfp-sweep: error: %s: %s" % (spec, expected), result.stderr)
        self.assertFalse(os.path.exists(out), "nothing may run or be written")

    def test_unknown_parameter(self):
        self.refuse("grid.cpz: datacenter has no option --cpz (see datacenter --help)", grid={"cpz": [1]})

    def test_unknown_fixed_argument(self):
        self.refuse("args.hostz: datacenter has no option --hostz", args={"hostz": 2})

    def test_empty_grid(self):
        self.refuse("grid: empty: give at least one parameter with at least one value", grid={})

    def test_parameter_without_values(self):
        self.refuse("grid.cps: expected a non-empty list of values, got []", grid={"cps": []})

    def test_missing_program(self):
        self.refuse('program: no executable "no-such-program"', program="no-such-program")

    def test_program_that_is_not_a_sweep_program(self):
        self.refuse(
            'program: "classification" is not a sweep program: its --help must list --out and '
            "--run (missing: --run)",
            program="classification",
        )

    def test_flag_with_a_value(self):
        self.refuse(
            "args.quiet: --quiet is a flag: its values must be true or false",
            args=dict(support.TINY_ARGS, quiet=3),
        )

    def test_reserved_parameter(self):
        self.refuse('grid.run: "run" cannot be set: run numbers come from "runs"', grid={"run": [1, 2]})

    def test_malformed_attribute_name(self):
        self.refuse(
            "grid.ns3::Cores: expected an attribute name ns3::Type::Attribute", grid={"ns3::Cores": [1]}
        )

    def test_attribute_that_does_not_exist(self):
        self.refuse(
            "grid.ns3::VfpHostCpu::Corez: ns3::VfpHostCpu::Corez=1: ns3::VfpHostCpu has no attribute Corez",
            grid={"ns3::VfpHostCpu::Corez": [1, 2]},
        )

    def test_attribute_value_that_does_not_fit(self):
        self.refuse(
            "grid.ns3::VfpHostCpu::Cores: ns3::VfpHostCpu::Cores=0: the value does not fit "
            "(expected uint32_t 1:1024)",
            grid={"ns3::VfpHostCpu::Cores": [1, 0]},
        )

    def test_fixed_attribute_of_an_unknown_type(self):
        self.refuse(
            "args.ns3::VfpHostCpx::Cores: ns3::VfpHostCpx::Cores=2: no type ns3::VfpHostCpx",
            args=dict(support.TINY_ARGS, **{"ns3::VfpHostCpx::Cores": 2}),
        )

    def test_parameter_both_fixed_and_swept(self):
        self.refuse("args.cps: also in the grid", args=dict(support.TINY_ARGS, cps=5))

    def test_bad_runs(self):
        self.refuse("runs: expected a whole number of runs per point, at least 1, got 0", runs=0)

    def test_unknown_field(self):
        self.refuse("grids: unknown field", grids={})

    def test_value_that_is_not_a_scalar(self):
        self.refuse("grid.cps: expected a number, a string or true/false, got [1]", grid={"cps": [[1]]})

    def test_not_json(self):
        folder = support.temporary_folder(self.addCleanup)
        spec = os.path.join(folder, "broken.json")
        with open(spec, "w") as f:
            f.write('{"program": "datacenter",')
        result = support.sweep(spec, "--out", os.path.join(folder, "out"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("%s: not valid JSON" % spec, result.stderr)


class PlotErrorTest(unittest.TestCase):
    def test_plot_of_a_folder_that_is_no_sweep(self):
        folder = support.temporary_folder(self.addCleanup)
        result = support.sweep("plot", folder, "--x", "cps", "--y", "summary.packets_sent")
        self.assertEqual(result.returncode, 2)
        self.assertIn("%s: not a finished sweep" % folder, result.stderr)


if __name__ == "__main__":
    unittest.main()
