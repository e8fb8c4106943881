"""The Slurm batch recipe (sweep/slurm/vfp-sweep.sbatch), run as a job would run it.

There is no Slurm here: a stub srun (stub-slurm/srun) starts the job's worker on this
machine, and the scheduler listens on 127.0.0.1. What is tested is the recipe's own
work: the scheduler file, the workers finding it, vfp-sweep using it, and the cleanup.
"""
import filecmp
import os
import subprocess
import unittest

import support
from test_scheduler_sweep import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
RECIPE = os.path.join(HERE, "..", "..", "sweep", "slurm", "vfp-sweep.sbatch")


class SlurmRecipeTest(unittest.TestCase):
    def test_the_batch_job_runs_the_sweep(self):
        folder = support.temporary_folder(self.addCleanup)
        spec = support.write_spec(folder)
        embedded = support.sweep(spec, "--out", os.path.join(folder, "embedded"), "--workers", 2)
        self.assertEqual(embedded.returncode, 0, embedded.stderr)
        out = os.path.join(folder, "job")
        env = dict(
            os.environ,
            PATH=os.path.join(HERE, "stub-slurm") + ":" + os.environ["PATH"],
            SLURM_JOB_ID="4242",
            SLURM_NTASKS="1",
            SLURM_SUBMIT_DIR=folder,
            VFP_SWEEP_SCHEDULER_HOST="127.0.0.1",
            VFP_SWEEP_SCHEDULER_PORT=str(free_port()),
        )
        env.pop("PYTHONPATH")
        job = subprocess.run(
            ["bash", RECIPE, spec, out], env=env, cwd=folder, capture_output=True, text=True, timeout=300
        )
        self.assertEqual(job.returncode, 0, job.stdout + job.stderr)
        self.assertIn("1 workers", job.stdout)
        # The scheduler removes its file when it stops cleanly, which the job's exit makes it do.
        self.assertFalse(os.path.exists(os.path.join(out, "scheduler-4242.json")))
        self.assertEqual(len(support.read_csv(os.path.join(out, "results.csv"))), 8)
        self.assertTrue(
            filecmp.cmp(
                os.path.join(folder, "embedded", "aggregate.csv"),
                os.path.join(out, "aggregate.csv"),
                shallow=False,
            )
        )

    def test_usage(self):
        job = subprocess.run(["bash", RECIPE], capture_output=True, text=True, timeout=60)
        self.assertEqual(job.returncode, 2)
        self.assertIn("usage: sbatch", job.stderr)


if __name__ == "__main__":
    unittest.main()
