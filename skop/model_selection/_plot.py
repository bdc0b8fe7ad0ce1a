"""Display of test error against training-set size for several classifiers."""

import numpy as np

from skop.model_selection._learning_curves import (
    compare_learning_curves,
    summarize_learning_curves,
)


class LearningCurveComparisonDisplay:
    """Test error against training-set size, one curve per classifier.

    Build it with :meth:`from_estimators` (runs the comparison) or
    :meth:`from_results` (plots a stored one). Each curve is the mean error
    over repeats; the spread (standard deviation) is a shaded band or error
    bars. The size axis is logarithmic by default, as in Zheng et al. (2023).

    Parameters
    ----------
    summary : dict
        ``{name: {"train_sizes", "mean", "std", "errors"}}``, the output of
        :func:`~skop.model_selection.summarize_learning_curves`.
    reference_error : float, default=None
        A horizontal reference line, e.g. the Bayes error.
    results : dict or pandas.DataFrame, default=None
        The raw results the summary comes from, kept for the user.

    Attributes
    ----------
    lines_ : dict of matplotlib Line2D
        Mean-error curve of each estimator.
    fill_between_ : dict of matplotlib PolyCollection
        Spread bands (``std_display_style="fill_between"``), else empty.
    errorbar_ : dict of matplotlib ErrorbarContainer
        Error bars (``std_display_style="errorbar"``), else empty.
    reference_line_ : matplotlib Line2D or None
        The reference line, when ``reference_error`` is set.
    ax_ : matplotlib Axes
        Axes of the plot.
    figure_ : matplotlib Figure
        Figure of the plot.

    See Also
    --------
    compare_learning_curves : Compute the results.
    sklearn.model_selection.LearningCurveDisplay : The single-estimator version.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skop.datasets import make_easy_gaussian_mixture
    >>> from skop.model_selection import LearningCurveComparisonDisplay
    >>> from skop.naive_bayes import PooledGaussianNB
    >>> X, y = make_easy_gaussian_mixture(300, n_features=20, random_state=0)
    >>> disp = LearningCurveComparisonDisplay.from_estimators(
    ...     {"pooled": PooledGaussianNB(), "sklearn": GaussianNB()},
    ...     X[:200], y[:200], X[200:], y[200:], train_sizes=[4, 20, 100],
    ...     n_repeats=2, random_state=0)
    >>> sorted(disp.lines_)
    ['pooled', 'sklearn']
    """

    def __init__(self, *, summary, reference_error=None, results=None):
        self.summary = summary
        self.reference_error = reference_error
        self.results = results

    def plot(
        self,
        ax=None,
        *,
        std_display_style="fill_between",
        log_scale=True,
        reference_label="Bayes error",
        line_kw=None,
        fill_between_kw=None,
        errorbar_kw=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        std_display_style : {"fill_between", "errorbar"} or None, default="fill_between"
            How to show the spread over repeats; None shows only the means.
        log_scale : bool, default=True
            Logarithmic training-size axis.
        reference_label : str, default="Bayes error"
            Legend label of the reference line.
        line_kw, fill_between_kw, errorbar_kw : dict, default=None
            Extra keyword arguments for ``ax.plot``, ``ax.fill_between`` and
            ``ax.errorbar``.

        Returns
        -------
        display : LearningCurveComparisonDisplay
            The display, with the artists stored as attributes.
        """
        import matplotlib.pyplot as plt

        if std_display_style not in ("fill_between", "errorbar", None):
            raise ValueError(
                "std_display_style must be 'fill_between', 'errorbar' or None, got "
                f"{std_display_style!r}."
            )
        if ax is None:
            _, ax = plt.subplots()
        self.lines_, self.fill_between_, self.errorbar_ = {}, {}, {}
        for name, curve in self.summary.items():
            sizes, mean, std = curve["train_sizes"], curve["mean"], curve["std"]
            if std_display_style == "errorbar":
                bars = ax.errorbar(sizes, mean, yerr=std, label=name, **(errorbar_kw or {}))
                self.errorbar_[name] = bars
                self.lines_[name] = bars.lines[0]
                continue
            (self.lines_[name],) = ax.plot(sizes, mean, marker="o", label=name, **(line_kw or {}))
            if std_display_style == "fill_between":
                kw = {"alpha": 0.2, "color": self.lines_[name].get_color()}
                kw.update(fill_between_kw or {})
                self.fill_between_[name] = ax.fill_between(
                    sizes, np.clip(mean - std, 0, None), mean + std, **kw
                )
        self.reference_line_ = None
        if self.reference_error is not None:
            self.reference_line_ = ax.axhline(
                self.reference_error, color="k", linestyle="--", label=reference_label
            )
        if log_scale:
            ax.set_xscale("log")
        ax.set_xlabel("Number of training samples m")
        ax.set_ylabel("Test error")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_results(cls, results, *, reference_error=None, ax=None, **plot_kw):
        """Plot the output of :func:`compare_learning_curves`.

        Parameters
        ----------
        results : dict or pandas.DataFrame
            Output of :func:`compare_learning_curves`.
        reference_error : float, default=None
            A horizontal reference line, e.g. the Bayes error.
        ax : matplotlib Axes, default=None
            Axes to draw on.
        **plot_kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LearningCurveComparisonDisplay
            The plotted display.
        """
        display = cls(
            summary=summarize_learning_curves(results),
            reference_error=reference_error,
            results=results,
        )
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_estimators(
        cls,
        estimators,
        X,
        y,
        X_test,
        y_test,
        *,
        train_sizes,
        n_repeats=5,
        random_state=None,
        n_jobs=None,
        reference_error=None,
        ax=None,
        **plot_kw,
    ):
        """Run :func:`compare_learning_curves` and plot the result.

        Parameters
        ----------
        estimators : dict or list of (str, estimator)
            The classifiers to compare.
        X, y : array-like
            Pool of training samples and labels.
        X_test, y_test : array-like
            Fixed test set.
        train_sizes : array-like of int
            Training-set sizes.
        n_repeats : int, default=5
            Random subsets per size.
        random_state : int, RandomState instance or None, default=None
            Seed of the subset draws.
        n_jobs : int, default=None
            Parallel fits.
        reference_error : float, default=None
            A horizontal reference line, e.g. the Bayes error.
        ax : matplotlib Axes, default=None
            Axes to draw on.
        **plot_kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LearningCurveComparisonDisplay
            The plotted display; ``display.results`` holds the raw results.
        """
        results = compare_learning_curves(
            estimators, X, y, X_test, y_test,
            train_sizes=train_sizes, n_repeats=n_repeats,
            random_state=random_state, n_jobs=n_jobs,
        )
        return cls.from_results(results, reference_error=reference_error, ax=ax, **plot_kw)
