"""Test configuration shared by the whole suite.

* ``SCIPY_ARRAY_API=1`` must be set before scipy / scikit-learn are imported,
  otherwise scikit-learn skips ``check_array_api_input``.
* torch runs on one thread: on a shared 2-core machine the default is 5-10x
  slower under load, and golden values depend on the thread count.
* A skipped common check is a failure: skop lists no expected failures and
  accepts no skips.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("no_skip") is not None:
        report.outcome = "failed"
        report.longrepr = f"skipped, but skips are not allowed here: {report.longrepr}"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "no_skip: a skip of this test is reported as a failure"
    )
