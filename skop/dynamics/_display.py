"""Plot of a Koopman spectrum: eigenvalues coloured by residual over pseudospectrum contours."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

_DEFAULT_LEVELS = (0.01, 0.03, 0.1, 0.3)


class KoopmanSpectrumDisplay:
    """Eigenvalues in the complex plane, coloured by residual, with pseudospectrum contours.

    Build it with :meth:`from_estimator` (which evaluates the pseudospectrum
    of a fitted :class:`ResDMD` on a grid) or from precomputed arrays, then
    call :meth:`plot`. Needs matplotlib.

    Parameters
    ----------
    eigenvalues : array-like of complex
        Eigenvalues to mark.
    residuals : array-like of float or None, default=None
        Residual of each eigenvalue (colour); ``None`` draws them in one colour.
    z : ndarray of complex, shape (n_imag, n_real), or None, default=None
        Grid on which ``tau`` was evaluated (e.g. ``x[None, :] + 1j * y[:, None]``).
    tau : ndarray of float, shape like ``z``, or None, default=None
        Pseudospectrum ``tau(z)``; ``None`` draws no contours.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.
    scatter_ : matplotlib PathCollection
        The eigenvalue markers.
    contour_ : matplotlib QuadContourSet or None
        The pseudospectrum contours.
    colorbar_ : matplotlib Colorbar or None
        Colour bar of the residuals.

    See Also
    --------
    ResDMD : Computes the residuals and the pseudospectrum.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skop.dynamics import KoopmanSpectrumDisplay, MonomialDictionary, ResDMD
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> est = ResDMD(MonomialDictionary(degree=3)).fit(X, 0.5 * X)
    >>> disp = KoopmanSpectrumDisplay.from_estimator(est, n_grid=20)
    >>> disp.tau.shape
    (20, 20)
    """

    def __init__(self, eigenvalues, residuals=None, *, z=None, tau=None):
        self.eigenvalues = np.asarray(eigenvalues, dtype=complex).ravel()
        self.residuals = None if residuals is None else np.asarray(residuals, float).ravel()
        if self.residuals is not None and self.residuals.shape != self.eigenvalues.shape:
            raise ValueError(
                f"residuals has {self.residuals.size} entries for {self.eigenvalues.size} "
                "eigenvalues."
            )
        if (z is None) != (tau is None):
            raise ValueError("Pass both z and tau, or neither.")
        self.z = None if z is None else np.asarray(z, dtype=complex)
        self.tau = None if tau is None else np.asarray(tau, dtype=float)
        if self.z is not None and (self.z.ndim != 2 or self.z.shape != self.tau.shape):
            raise ValueError(
                f"z and tau must be 2-D grids of the same shape, got {self.z.shape} and "
                f"{self.tau.shape}."
            )

    @classmethod
    def from_estimator(
        cls, estimator, *, extent=None, n_grid=100, levels=_DEFAULT_LEVELS, unit_circle=True,
        ax=None,
    ):
        """Plot the spectrum of a fitted :class:`EDMD` or :class:`ResDMD`.

        Parameters
        ----------
        estimator : EDMD or ResDMD
            Fitted estimator; with a ResDMD the eigenvalues are coloured by
            residual and the pseudospectrum is contoured.
        extent : (float, float, float, float) or None, default=None
            ``(re_min, re_max, im_min, im_max)`` of the grid; ``None`` frames the
            eigenvalues and the unit circle with a 15% margin.
        n_grid : int, default=100
            Grid points per axis.
        levels : sequence of float, default=(0.01, 0.03, 0.1, 0.3)
            Contour levels of ``tau``.
        unit_circle : bool, default=True
            Draw the unit circle.
        ax : matplotlib Axes or None, default=None
            Axes to draw on; a new figure when ``None``.

        Returns
        -------
        display : KoopmanSpectrumDisplay
            The display, already plotted.
        """
        check_is_fitted(estimator)
        lam = estimator.eigenvalues_
        residuals = getattr(estimator, "residuals_", None)
        z = tau = None
        if hasattr(estimator, "pseudospectrum"):
            if extent is None:
                r = 1.15 * max(1.0, float(np.abs(lam).max()) if lam.size else 1.0)
                extent = (-r, r, -r, r)
            x = np.linspace(extent[0], extent[1], int(n_grid))
            y = np.linspace(extent[2], extent[3], int(n_grid))
            z = x[None, :] + 1j * y[:, None]
            tau = estimator.pseudospectrum(z)
        display = cls(lam, residuals, z=z, tau=tau)
        return display.plot(ax=ax, levels=levels, unit_circle=unit_circle)

    def plot(self, ax=None, *, levels=_DEFAULT_LEVELS, unit_circle=True, cmap="viridis"):
        """Draw the eigenvalues, the contours of ``tau`` and the unit circle.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Axes to draw on; a new figure when ``None``.
        levels : sequence of float, default=(0.01, 0.03, 0.1, 0.3)
            Contour levels of ``tau``.
        unit_circle : bool, default=True
            Draw the unit circle.
        cmap : str, default="viridis"
            Colour map of the residuals (clipped to ``[0, 1]``).

        Returns
        -------
        display : KoopmanSpectrumDisplay
            ``self``, with the matplotlib artists stored.
        """
        import matplotlib.pyplot as plt
        from matplotlib.colors import Normalize

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 5))
        self.contour_ = None
        if self.tau is not None:
            levels = sorted(levels)
            # Black (small tau) to mid grey: every level stays visible on white.
            colors = plt.get_cmap("Greys_r")(np.linspace(0.0, 0.6, len(levels)))
            self.contour_ = ax.contour(
                self.z.real, self.z.imag, self.tau, levels=levels, colors=colors,
                linewidths=1.0,
            )
            ax.clabel(self.contour_, fontsize=7, fmt="%g")
        if unit_circle:
            t = np.linspace(0, 2 * np.pi, 400)
            ax.plot(np.cos(t), np.sin(t), "--", color="0.6", lw=0.8)
        lam = self.eigenvalues
        if self.residuals is None:
            self.scatter_ = ax.scatter(lam.real, lam.imag, s=20, c="C3", zorder=3)
            self.colorbar_ = None
        else:
            self.scatter_ = ax.scatter(
                lam.real, lam.imag, s=24, c=np.clip(self.residuals, 0, 1), cmap=cmap,
                norm=Normalize(0, 1), edgecolors="k", linewidths=0.4, zorder=3,
            )
            self.colorbar_ = ax.figure.colorbar(self.scatter_, ax=ax, label="residual")
        ax.set_aspect("equal")
        ax.set_xlabel(r"Re $\lambda$")
        ax.set_ylabel(r"Im $\lambda$")
        self.ax_, self.figure_ = ax, ax.figure
        return self
