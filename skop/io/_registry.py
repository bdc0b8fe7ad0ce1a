"""The allow-lists of :mod:`skop.io`: every class, type and object a file may name.

A file names a class by a string; loading looks the string up in these
tables and never imports anything the file names. The tables are built from
code (skop's and scikit-learn's estimator discovery, and fixed lists), so
what can be loaded is exactly what skop and scikit-learn define as
estimators, plus the plain-data helper classes listed here.
"""

import functools
import inspect

import numpy as np
import torch


class UntrustedFileError(ValueError):
    """A file that :func:`skop.io.load` refuses: malformed, crafted, or from a newer format."""


def _key(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


class AllowList:
    """A lazy name <-> object table (built on first use from ``build()``)."""

    def __init__(self, what, build, by_identity=False):
        self.what = what
        self._build = build
        self._by_identity = by_identity

    @functools.cached_property
    def _tables(self):
        names = dict(self._build())
        objects = {id(obj) if self._by_identity else obj: name for name, obj in names.items()}
        return names, objects

    def lookup(self, name):
        names, _ = self._tables
        if not isinstance(name, str) or name not in names:
            raise UntrustedFileError(
                f"{name!r} is not on skop.io's allow-list of {self.what}: refusing to load it.")
        return names[name]

    def name_of(self, obj):
        _, objects = self._tables
        try:
            return objects.get(id(obj) if self._by_identity else obj)
        except TypeError:   # unhashable
            return None


def _estimators():
    from sklearn.utils.discovery import all_estimators as sklearn_estimators

    from skop.utils import all_estimators

    found = [cls for _, cls in sklearn_estimators()] + [cls for _, cls in all_estimators()]
    from sklearn.frozen import FrozenEstimator
    from sklearn.pipeline import FeatureUnion, Pipeline

    found += [Pipeline, FeatureUnion, FrozenEstimator]
    return {_key(cls): cls for cls in found}


def _types():
    from skop.optim import LionK

    optimizers = [obj for _, obj in inspect.getmembers(torch.optim, inspect.isclass)
                  if issubclass(obj, torch.optim.Optimizer)] + [LionK]
    scalars = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
               np.uint8, np.uint16, np.uint32, np.uint64, np.bool_, np.complex64,
               np.complex128, np.str_]
    builtins = [float, int, bool, str, complex, list, tuple, dict]
    return {_key(t): t for t in (*optimizers, *scalars, *builtins)}


def _known_objects():
    from skop.base._torch_estimator import _silent
    from skop.metrics import psnr_scorer, relative_l2_scorer

    return {"print": print, "skop.metrics.psnr_scorer": psnr_scorer,
            "skop.metrics.relative_l2_scorer": relative_l2_scorer,
            "skop.base._silent": _silent}


def _plain_objects():
    """Helper classes whose instances are data (restored as ``__dict__``, like pickle, but allow-listed)."""
    import skorch.callbacks as skc
    from sklearn import model_selection as ms

    import skop.base as sb
    from skop.inverse import _operators
    from skop.inverse._lpn import GammaSchedule

    operators = [obj for _, obj in inspect.getmembers(_operators, inspect.isclass)
                 if issubclass(obj, _operators.LinearForwardOperator)]
    splitters = [ms.KFold, ms.StratifiedKFold, ms.GroupKFold, ms.ShuffleSplit,
                 ms.StratifiedShuffleSplit, ms.RepeatedKFold, ms.RepeatedStratifiedKFold,
                 ms.LeaveOneOut, ms.TimeSeriesSplit, ms.PredefinedSplit]
    callbacks = [skc.Checkpoint, skc.TrainEndCheckpoint, skc.LoadInitState, skc.EarlyStopping,
                 skc.LRScheduler, skc.GradientNormClipping, skc.EpochScoring,
                 skc.PassthroughScoring, skc.EpochTimer, sb.ParamSchedule, sb.PostStep,
                 sb.KeepBestOnInterrupt, sb.DivergenceGuard]
    return {_key(cls): cls for cls in (*operators, GammaSchedule, *splitters, *callbacks)}


ESTIMATORS = AllowList("estimator classes", _estimators)
TYPES = AllowList("types", _types)
KNOWN_OBJECTS = AllowList("named objects", _known_objects, by_identity=True)
PLAIN_OBJECTS = AllowList("data classes", _plain_objects)
