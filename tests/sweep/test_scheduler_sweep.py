"""The same sweep on a Dask scheduler and workers started separately (loopback only).

The workers get neither this package on their path nor the test's folder as
working directory: the task is shipped by value, so a bare `dask worker` runs it.
"""
import filecmp
import os
import socket
import subprocess
import sys
import time
import unittest

import support

PYTHON = "/usr/bin/python3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SchedulerSweepTest(unittest.TestCase):
    def start(self, argv):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        process = subprocess.Popen(
            argv, cwd="/", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.addCleanup(self.stop, process)
        return process

    @staticmethod
    def stop(process):
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()

    def wait_for_workers(self, address, count):
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(count, timeout=60)

    def test_same_results_as_the_embedded_cluster(self):
        folder = support.temporary_folder(self.addCleanup)
        spec = support.write_spec(folder)
        local = os.path.join(folder, "local")
        remote = os.path.join(folder, "remote")
        embedded = support.sweep(spec, "--out", local, "--workers", 2)
        self.assertEqual(embedded.returncode, 0, embedded.stderr)

        port = free_port()
        address = "tcp://127.0.0.1:%d" % port
        self.start(
            [
                PYTHON,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ]
        )
        self.start(
            [
                PYTHON,
                "-m",
                "distributed.cli.dask_worker",
                address,
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
            ]
        )
        self.wait_for_workers(address, 2)
        result = support.sweep(spec, "--out", remote, "--scheduler", address)
        self.assertEqual(result.returncode, 0, result.stderr)

        self.assertEqual(support.run_dirs(local), support.run_dirs(remote))
        self.assertEqual(len(support.run_dirs(remote)), 8)
        for key in support.run_dirs(remote):
            self.assertTrue(
                filecmp.cmp(
                    os.path.join(local, "runs", key, "metrics.json"),
                    os.path.join(remote, "runs", key, "metrics.json"),
                    shallow=False,
                ),
                key,
            )
        self.assertTrue(
            filecmp.cmp(
                os.path.join(local, "aggregate.csv"), os.path.join(remote, "aggregate.csv"), shallow=False
            )
        )

    def test_an_unreachable_scheduler_is_a_clear_error(self):
        folder = support.temporary_folder(self.addCleanup)
        spec = support.write_spec(folder)
        address = "tcp://127.0.0.1:%d" % free_port()
        started = time.monotonic()
        result = support.sweep(spec, "--out", os.path.join(folder, "out"), "--scheduler", address)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--scheduler %s: cannot reach the scheduler" % address, result.stderr)
        self.assertLess(time.monotonic() - started, 120)


if __name__ == "__main__":
    sys.exit(unittest.main())
