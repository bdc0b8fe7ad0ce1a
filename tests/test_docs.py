"""The documentation builds with warnings as errors (API pages, user guide, gallery).

The gallery's examples are not executed here (``plot_gallery=False``): each
runs in its reduced-size mode in ``test_examples.py``.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_without_warnings(tmp_path):
    env = dict(os.environ, SKOP_DOCS_PLOT_GALLERY="False", MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
         "-d", str(tmp_path / "doctrees"), str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
