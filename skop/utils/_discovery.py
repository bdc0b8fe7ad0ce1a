"""Find every public estimator of skop, as :func:`sklearn.utils.all_estimators` does."""

import inspect
import pkgutil
from importlib import import_module

from sklearn.base import BaseEstimator


def all_estimators():
    """Every public, concrete scikit-learn estimator defined in skop.

    Walks all non-private, non-test modules of the package and keeps the
    classes that derive from :class:`~sklearn.base.BaseEstimator`, are defined
    inside skop, are not abstract and have a public name.

    Returns
    -------
    estimators : list of (name, class)
        Sorted by name, each class listed once.
    """
    import skop

    found = {}
    for _, mod_name, _ in pkgutil.walk_packages(skop.__path__, prefix="skop."):
        parts = mod_name.split(".")
        if "tests" in parts or mod_name.startswith("skop.__main__"):
            continue
        module = import_module(mod_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseEstimator)
                and cls.__module__.startswith("skop.")
                and not name.startswith("_")
                and not inspect.isabstract(cls)
            ):
                found[name] = cls
    return sorted(found.items())
