"""One leaderboard for every operator: ``python -m skop benchmark``.

Problems and estimators are registries: a new operator joins the table by
:func:`register_estimator`, a new problem by :func:`register_problem`.
"""

from skop.benchmark._registry import (
    ESTIMATORS,
    PROBLEMS,
    Entry,
    Problem,
    register_estimator,
    register_problem,
)
from skop.benchmark import _problems, _estimators  # noqa: F401  (registrations)
from skop.benchmark._problems import load_problem
from skop.benchmark._runner import (
    PeakMemory,
    epochs_for_budget,
    format_table,
    peer_ratios,
    run_benchmark,
    write_report,
)

__all__ = [
    "ESTIMATORS",
    "PROBLEMS",
    "Entry",
    "PeakMemory",
    "Problem",
    "epochs_for_budget",
    "format_table",
    "load_problem",
    "peer_ratios",
    "register_estimator",
    "register_problem",
    "run_benchmark",
    "write_report",
]
