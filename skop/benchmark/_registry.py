"""Registries of benchmark problems and estimators.

The leaderboard command iterates over what is registered here, so a new
operator joins it by one :func:`register_estimator` call next to its
definition, not by editing the command.
"""

from dataclasses import dataclass, field

PROBLEMS = {}
ESTIMATORS = {}


@dataclass(frozen=True)
class Problem:
    """A benchmark problem: how to generate its data and how to read it.

    Parameters
    ----------
    name : str
        Key on the command line (``--problems NAME``).
    description : str
        One line for the report.
    n_spatial_dims : int
        Spatial dimensions of the samples (settles the layout for every
        grid operator).
    grid : {"periodic", "nodes"}
        Grid convention of the data.
    params : callable
        ``params(quick) -> dict``: the generator's arguments. The cache file
        is keyed by them, so changing any argument regenerates the data.
    generate : callable
        ``generate(**params) -> (X_train, y_train, X_test, y_test)``.
    """

    name: str
    description: str
    n_spatial_dims: int
    grid: str
    params: object
    generate: object


@dataclass(frozen=True)
class Entry:
    """A registered estimator.

    Parameters
    ----------
    name : str
        Key on the command line (``--estimators NAME``).
    factory : callable
        ``factory(problem, **params) -> estimator``; the runner passes
        ``max_epochs``, ``random_state`` and ``device``. The estimator needs
        ``fit``, ``predict`` and, for the epoch budget, a skorch-style
        ``history_`` with per-epoch ``dur``.
    problems : tuple of str or None
        Problems it applies to (None: all).
    available : callable
        ``available() -> bool``; False (e.g. an optional peer library that is
        not installed) leaves the entry out with a note.
    budgeted : bool
        True: its epochs come from the wall-clock budget. False: it trains for
        as many epochs as the entry named by ``same_epochs_as`` was given
        (a peer compared at equal epochs).
    same_epochs_as : str or None
        See ``budgeted``.
    """

    name: str
    factory: object
    problems: tuple = None
    available: object = field(default=lambda: True)
    budgeted: bool = True
    same_epochs_as: str = None


def register_problem(problem):
    """Add ``problem`` (a :class:`Problem`) to the leaderboard; returns it."""
    if not isinstance(problem, Problem):
        raise TypeError(f"register_problem expects a Problem, got {type(problem).__name__}.")
    PROBLEMS[problem.name] = problem
    return problem


def register_estimator(name, *, problems=None, available=None, budgeted=True,
                       same_epochs_as=None):
    """Decorator registering an estimator factory under ``name``.

    Parameters
    ----------
    name : str
        Key on the command line and row label in the table.
    problems : sequence of str, default=None
        Problems it applies to (None: every registered problem).
    available : callable, default=None
        Returns whether the estimator can run here (None: always).
    budgeted : bool, default=True
        Whether its epochs come from the wall-clock budget.
    same_epochs_as : str, default=None
        For ``budgeted=False``: the entry whose epoch count it copies.

    Examples
    --------
    >>> from skop.benchmark import ESTIMATORS, register_estimator
    >>> from skop.neural_operator import FNORegressor
    >>> @register_estimator("FNO-narrow")
    ... def fno_narrow(problem, **params):
    ...     return FNORegressor(width=8, n_spatial_dims=problem.n_spatial_dims,
    ...                         grid=problem.grid, **params)
    >>> "FNO-narrow" in ESTIMATORS
    True
    >>> del ESTIMATORS["FNO-narrow"]
    """
    if not budgeted and same_epochs_as is None:
        raise ValueError("budgeted=False needs same_epochs_as: the entry whose epochs it copies.")

    def decorate(factory):
        ESTIMATORS[name] = Entry(
            name=name, factory=factory,
            problems=None if problems is None else tuple(problems),
            available=available or (lambda: True), budgeted=budgeted,
            same_epochs_as=same_epochs_as)
        return factory

    return decorate
