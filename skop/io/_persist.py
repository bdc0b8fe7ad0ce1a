"""``save`` / ``load``: fitted estimators as JSON + safetensors, loaded without running code.

A saved estimator is a directory with two files:

* ``estimator.json`` -- the format tag and version, library versions, and the
  estimator tree: allow-listed class names, constructor parameters and fitted
  attributes as tagged JSON (see :mod:`skop.io._codec`);
* ``arrays.safetensors`` -- every array and tensor (fitted arrays, the torch
  module's ``state_dict``, the optimizer's state for ``warm_start``).

Loading constructs each class from the allow-list with its parameters, sets
the fitted attributes, and rebuilds a torch estimator's network through the
same code as ``fit`` before loading its weights with ``strict=True``.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import safetensors
import safetensors.torch
import sklearn
import skorch
import torch
from skorch.history import History

import skop
from skop.base import BaseTorchEstimator
from skop.io._codec import Decoder, Encoder, check_attribute_names
from skop.io._registry import ESTIMATORS, UntrustedFileError

FORMAT = "skop.io"
FORMAT_VERSION = 1
JSON_NAME = "estimator.json"
ARRAYS_NAME = "arrays.safetensors"
# A description larger than this is refused before parsing.
MAX_JSON_BYTES = 64 * 2 ** 20

# Fitted attributes that are functions of other state: dropped on save,
# recomputed on load (a search's scorer holds score functions).
_RECOMPUTED = {"scorer_"}


def _versions():
    return {"skop": skop.__version__, "torch": torch.__version__, "sklearn": sklearn.__version__,
            "numpy": np.__version__, "skorch": skorch.__version__,
            "safetensors": safetensors.__version__}


# ------------------------------------------------------------------ save
def save(estimator, path, *, overwrite=False):
    """Save an estimator (fitted or not) to the directory ``path``, safely loadable.

    Parameters
    ----------
    estimator : estimator
        A skop or scikit-learn estimator, Pipeline or search (e.g. a fitted
        ``GridSearchCV``), whose parameters and fitted attributes are data:
        numbers, strings, arrays, tensors, nested estimators, allow-listed
        helper objects (skop's forward operators, CV splitters, skorch
        callbacks). A parameter that is code (a function, a torch module
        passed in) raises a ``ValueError`` naming it: use pickle for those.
    path : str or path-like
        A directory, created if needed.
    overwrite : bool, default=False
        Replace a previous save in ``path``; otherwise a non-empty ``path``
        is an error.

    Returns
    -------
    path : pathlib.Path

    See Also
    --------
    load : The inverse.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.linear_model import Ridge
    >>> from skop.io import load, save
    >>> model = Ridge().fit([[0.0], [1.0]], [0.0, 1.0])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save(model, tmp + "/ridge")
    ...     load(path).predict([[2.0]]).round(3)
    array([1.])
    """
    path = Path(path)
    encoder = Encoder(estimator=None)
    encoder.estimator = lambda obj, where: _encode_estimator(encoder, obj, where)
    node = encoder(estimator, "estimator")
    if path.exists() and any(path.iterdir()) and not overwrite:
        raise FileExistsError(f"{path} is not empty: pass overwrite=True to replace it.")
    write_document(path, "estimator", node, encoder.arrays)
    return path


def write_document(path, kind, node, arrays):
    """Write ``{kind: node}`` and its arrays to the directory ``path`` (replacing its files)."""
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "versions": _versions(), kind: node}
    text = json.dumps(doc, allow_nan=False, indent=1)
    path.mkdir(parents=True, exist_ok=True)
    safetensors.torch.save_file(arrays, path / ARRAYS_NAME, metadata={"format": FORMAT})
    (path / JSON_NAME).write_text(text, encoding="utf-8")


def read_document(path, kind):
    """The checked description and the arrays of a directory written by :func:`write_document`."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a directory written by skop.io.")
    members = {p.name for p in path.iterdir()}
    if members != {JSON_NAME, ARRAYS_NAME}:
        raise UntrustedFileError(
            f"{path} must hold exactly {JSON_NAME} and {ARRAYS_NAME}; found {sorted(members)}.")
    doc = _read_json(path / JSON_NAME, kind)
    return doc, _read_arrays(path / ARRAYS_NAME)


def _encode_estimator(encoder, estimator, where):
    cls = type(estimator)
    name = ESTIMATORS.name_of(cls)
    if name is None:
        raise ValueError(
            f"{where}: {cls.__module__}.{cls.__qualname__} is not a skop or scikit-learn "
            "estimator, so skop.io cannot save it safely; use pickle / joblib.")
    params = estimator.get_params(deep=False)
    state = {}
    for attr, value in vars(estimator).items():
        if attr in params or attr in _RECOMPUTED:
            continue
        if attr == "net_" and isinstance(estimator, BaseTorchEstimator):
            state[attr] = _encode_net(encoder, estimator, f"{where}.net_")
        else:
            state[attr] = encoder(value, f"{where}.{attr}")
    return {"$estimator": name, "params": encoder(params, f"{where} parameters"), "state": state}


def _encode_net(encoder, estimator, where):
    """The trained network as data: weights, optimizer state, history, device."""
    net = estimator.net_
    return {"$net": {
        "module": encoder(dict(estimator.module_.state_dict()), f"{where}.module_"),
        "optimizer": encoder(net.optimizer_.state_dict(), f"{where}.optimizer_"),
        "history": encoder(net.history.to_list(), f"{where}.history"),
        "device": str(net.device),
    }}


# ------------------------------------------------------------------ load
def load(path, *, device="auto"):
    """Load an estimator saved by :func:`save`, executing nothing from the file.

    Parameters
    ----------
    path : str or path-like
        The directory written by :func:`save`.
    device : "auto" or str, default="auto"
        Where torch state goes. ``"auto"``: the device it was saved from when
        available here, else the CPU (with a warning for a CUDA save).

    Returns
    -------
    estimator

    Raises
    ------
    UntrustedFileError
        (a ``ValueError``) for anything but a well-formed save of this or an
        older format: an unknown class, a parameter the class does not have,
        pickle or other bytes in place of JSON / safetensors, an oversized
        header, weights of the wrong shape, a newer format version.
    """
    path = Path(path)
    doc, arrays = read_document(path, "estimator")
    decoder = Decoder(arrays, estimator=None, device=device_map(device))
    decoder.estimator = lambda node: _decode_estimator(decoder, node)
    try:
        estimator = decoder(doc["estimator"])
    except RecursionError:
        raise UntrustedFileError(f"{path / JSON_NAME} is nested too deeply.") from None
    unused = set(arrays) - decoder.used
    if unused:
        raise UntrustedFileError(f"{path / ARRAYS_NAME} holds arrays nothing refers to: "
                                 f"{sorted(unused)[:5]}.")
    return estimator


def _read_json(file, kind):
    size = file.stat().st_size
    if size > MAX_JSON_BYTES:
        raise UntrustedFileError(f"{file} is {size} bytes, over the {MAX_JSON_BYTES} limit.")
    raw = file.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UntrustedFileError(f"{file} is not skop.io JSON ({exc}); a pickle or a "
                                 "tampered file is never loaded.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or kind not in doc:
        raise UntrustedFileError(f"{file} is not a skop.io {kind} description.")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UntrustedFileError(f"{file} has a bad format_version {version!r}.")
    if version > FORMAT_VERSION:
        raise UntrustedFileError(
            f"{file} was written in skop.io format {version}; this skop ({skop.__version__}) "
            f"reads formats up to {FORMAT_VERSION}. Upgrade skop to load it.")
    return doc


def _no_constant(name):
    raise UntrustedFileError(f"JSON constant {name} is not allowed (skop writes tagged floats).")


def _read_arrays(file):
    try:
        return safetensors.torch.load_file(file)
    except Exception as exc:  # noqa: BLE001 - any parse failure means the file is bad
        raise UntrustedFileError(f"{file} is not a valid safetensors file: {exc}") from None


def device_map(device):
    def resolve(saved):
        if not isinstance(saved, str) or len(saved) > 32:
            raise UntrustedFileError(f"Bad device {saved!r}.")
        try:
            target = torch.device(saved if device == "auto" else device)
        except RuntimeError:
            raise UntrustedFileError(f"Bad device {saved!r}.") from None
        if target.type == "cuda" and not torch.cuda.is_available():
            warnings.warn(f"The model was saved on {saved}, but CUDA is not available here: "
                          "it is loaded on the CPU.", UserWarning, stacklevel=4)
            return torch.device("cpu")
        return target
    return resolve


def _decode_estimator(decoder, node):
    name = node["$estimator"]
    cls = ESTIMATORS.lookup(name)
    params = decoder(node.get("params"))
    if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
        raise UntrustedFileError(f"The parameters of {name} must be a dict of names.")
    extra = sorted(set(params) - set(cls._get_param_names()))
    if extra:
        raise UntrustedFileError(f"{name} has no parameter(s) {extra}: refusing the file.")
    estimator = cls(**params)
    state = node.get("state")
    if not isinstance(state, dict):
        raise UntrustedFileError(f"The fitted state of {name} must be a JSON object.")
    check_attribute_names(state, name)
    net = state.pop("net_", None)
    for attr, value in state.items():
        setattr(estimator, attr, decoder(value))
    if net is not None:
        _decode_net(decoder, estimator, net, name)
    if "cv_results_" in state and hasattr(estimator, "_get_scorers"):
        estimator.scorer_ = estimator._get_scorers()[0]
    return estimator


def _decode_net(decoder, estimator, node, name):
    if not isinstance(estimator, BaseTorchEstimator) or not isinstance(node, dict) \
            or set(node) != {"$net"} or not isinstance(node["$net"], dict):
        raise UntrustedFileError(f"Bad network state for {name}.")
    parts = node["$net"]
    device = decoder.device(parts.get("device"))
    try:
        estimator._restore_net(decoder(parts["module"]), decoder(parts["optimizer"]),
                               History(decoder(parts["history"])), device)
    except (RuntimeError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, UntrustedFileError):
            raise
        raise UntrustedFileError(f"The saved network of {name} does not fit its "
                                 f"architecture: {exc}") from None
