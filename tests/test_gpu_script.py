"""The GPU check script stays runnable between the sessions that have a GPU.

CI has none: this runs its persistence check on the CPU (``--device cpu``),
which exercises the same code -- a fit, pickling and ``skop.io`` loading in a
process with CUDA hidden -- and its exit status (the number of failed checks).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_checks_script_runs_on_the_cpu():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "asv_bench" / "scripts" / "gpu_checks.py"),
         "--device", "cpu", "--only", "acoustics,persistence"],
        capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if ": ok" in line or ": FAIL" in line]
    assert len(lines) == 3 and all(": ok" in line for line in lines), proc.stdout
