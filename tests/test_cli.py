"""``python -m skop demo`` runs end to end (reduced sizes)."""

import subprocess
import sys


def test_demo_quick(tmp_path):
    out = tmp_path / "demo.png"
    proc = subprocess.run(
        [sys.executable, "-m", "skop", "demo", "--quick", "--output", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| FNORegressor (defaults) |" in proc.stdout
    assert "| RidgeCV (linear operator) |" in proc.stdout
    # The default data is in the regime of the FNO paper's released data, and says so.
    assert "regime 'fno'" in proc.stdout and "length 2 pi" in proc.stdout
    assert out.stat().st_size > 10_000


def test_unknown_command_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "skop", "nope"], capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_unknown_regime_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "skop", "demo", "--regime", "nope"],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
