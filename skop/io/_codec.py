"""A JSON + safetensors codec for the values an estimator holds, that never runs code on decode.

A value is encoded as a JSON node; every array or tensor goes to a flat
``{key: tensor}`` store that is written with safetensors. Containers and
types JSON lacks are tagged objects with exactly one ``"$tag"`` key. Decoding
builds only what the tags name: JSON primitives, lists / tuples / dicts,
numpy arrays and scalars of data dtypes, torch tensors, devices and dtypes,
and the classes of :mod:`skop.io._registry` -- looked up in allow-lists,
never imported by name.
"""

import math

import numpy as np
import torch

from skop.io._registry import KNOWN_OBJECTS, PLAIN_OBJECTS, TYPES, UntrustedFileError

# numpy dtype kinds that are data (object arrays are encoded element by element).
_DATA_KINDS = set("biufc")
_TORCH_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
    torch.complex128, torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8,
    torch.bool)}


class Encoder:
    """Encode values into JSON nodes, collecting arrays in ``self.arrays``.

    ``estimator(obj)`` encodes a nested estimator (set by the caller, which
    knows how to split parameters from fitted state).
    """

    def __init__(self, estimator):
        self.arrays = {}
        self.estimator = estimator

    def _store(self, tensor):
        key = f"t{len(self.arrays)}"
        tensor = tensor.detach().to("cpu")
        if tensor.is_complex():   # safetensors has no complex128: store (..., 2) reals
            tensor = torch.view_as_real(tensor.resolve_conj())
            key = "c" + key
        # safetensors stores contiguous, unshared CPU tensors.
        self.arrays[key] = tensor.contiguous().clone()
        return key

    def __call__(self, value, where="value"):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and not isinstance(value, np.integer):
            return value
        if isinstance(value, float) and not isinstance(value, np.floating):
            return value if math.isfinite(value) else {"$float": repr(value)}
        if isinstance(value, list):
            return [self(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple) and type(value) is tuple:
            return {"$tuple": [self(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if type(value) is dict:
            return {"$dict": [[self(k, f"{where} key"), self(v, f"{where}[{k!r}]")]
                              for k, v in value.items()]}
        if isinstance(value, np.ma.MaskedArray):
            return {"$masked": self(np.asarray(value.data), where),
                    "mask": self(np.ma.getmaskarray(value), where)}
        if isinstance(value, np.ndarray):
            return self._ndarray(value, where)
        if isinstance(value, complex) and not isinstance(value, np.generic):
            return {"$complex": [self(value.real), self(value.imag)]}
        if isinstance(value, np.generic):
            if value.dtype.kind not in _DATA_KINDS | set("US"):
                raise ValueError(f"{where}: numpy scalars of dtype {value.dtype} cannot be saved.")
            return {"$npscalar": self(value.item(), where), "dtype": value.dtype.str}
        if isinstance(value, torch.Tensor):
            return self._tensor(value, where)
        if isinstance(value, torch.device):
            return {"$device": str(value)}
        if isinstance(value, torch.dtype):
            return {"$torch_dtype": str(value).removeprefix("torch.")}
        if isinstance(value, np.dtype):
            if value.kind not in _DATA_KINDS | set("USV"):
                raise ValueError(f"{where}: dtype {value} cannot be saved safely.")
            return {"$np_dtype": value.str}
        if isinstance(value, slice):
            return {"$slice": [self(value.start), self(value.stop), self(value.step)]}
        if isinstance(value, type):
            name = TYPES.name_of(value)
            if name is None:
                raise ValueError(f"{where}: the type {value.__module__}.{value.__qualname__} "
                                 "is not on skop.io's allow-list of types.")
            return {"$type": name}
        known = KNOWN_OBJECTS.name_of(value)
        if known is not None:
            return {"$known": known}
        if hasattr(value, "get_params") and hasattr(value, "fit"):
            return self.estimator(value, where)
        plain = PLAIN_OBJECTS.name_of(type(value))
        if plain is not None:
            return {"$object": plain, "state": self(dict(vars(value)), where)}
        raise ValueError(
            f"{where}: a {type(value).__module__}.{type(value).__qualname__} cannot be saved "
            "safely (it is code, not data). Use pickle / joblib for it, or replace it by "
            "a value skop.io can store.")

    def _ndarray(self, a, where):
        if a.dtype.kind in "US":
            return {"$strarray": a.ravel().tolist(), "dtype": a.dtype.str, "shape": list(a.shape)}
        if a.dtype.kind == "O":
            return {"$objarray": [self(v, f"{where}[...]") for v in a.ravel().tolist()],
                    "shape": list(a.shape)}
        if a.dtype.kind not in _DATA_KINDS:
            raise ValueError(f"{where}: arrays of dtype {a.dtype} cannot be saved safely.")
        native = a.astype(a.dtype.newbyteorder("="), copy=False)
        # Memory order is kept: BLAS results depend on it in the last bits.
        fortran = native.ndim > 1 and native.flags.f_contiguous and not native.flags.c_contiguous
        stored = native.T if fortran else native
        node = {"$ndarray": self._store(torch.from_numpy(np.require(stored, requirements="C"))),
                "dtype": native.dtype.str}
        if fortran:
            node["order"] = "F"
        return node

    def _tensor(self, t, where):
        if t.layout == torch.sparse_coo:
            t = t.coalesce()
            return {"$sparse_coo": self._store(t.indices()), "values": self._store(t.values()),
                    "shape": list(t.shape), "coalesced": True}
        if t.layout != torch.strided:
            raise ValueError(f"{where}: tensors of layout {t.layout} cannot be saved.")
        return {"$tensor": self._store(t), "device": str(t.device),
                "requires_grad": bool(t.requires_grad)}


class Decoder:
    """Decode JSON nodes, reading arrays from ``arrays`` (a dict of CPU tensors).

    ``estimator(node)`` decodes a nested estimator node; ``device`` maps
    the saved device of a tensor to one available here.
    """

    def __init__(self, arrays, estimator, device):
        self.arrays = arrays
        self.estimator = estimator
        self.device = device
        self.used = set()

    def _load(self, key):
        if not isinstance(key, str) or key not in self.arrays:
            raise UntrustedFileError(f"The file refers to an array {key!r} it does not hold.")
        self.used.add(key)
        tensor = self.arrays[key]
        if key.startswith("c"):
            if tensor.ndim == 0 or tensor.shape[-1] != 2 or not tensor.is_floating_point():
                raise UntrustedFileError(f"Complex array {key!r} must have a last axis of 2.")
            tensor = torch.view_as_complex(tensor.contiguous())
        return tensor

    def __call__(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self(v) for v in node]
        if not isinstance(node, dict):
            raise UntrustedFileError(f"Unexpected JSON value of type {type(node).__name__}.")
        tags = [k for k in node if k.startswith("$")]
        if len(tags) != 1:
            raise UntrustedFileError(f"A JSON object needs exactly one '$' tag; got {sorted(node)}.")
        method = getattr(self, "_" + tags[0][1:], None) if tags[0][1:].isidentifier() else None
        if method is None or tags[0] not in _TAGS:
            raise UntrustedFileError(f"Unknown tag {tags[0]!r} in the file.")
        return method(node)

    def _float(self, node):
        if node["$float"] not in ("nan", "inf", "-inf"):
            raise UntrustedFileError(f"Bad float {node['$float']!r}.")
        return float(node["$float"])

    def _tuple(self, node):
        return tuple(self(v) for v in _list(node["$tuple"]))

    def _dict(self, node):
        out = {}
        for pair in _list(node["$dict"]):
            if not isinstance(pair, list) or len(pair) != 2:
                raise UntrustedFileError("A '$dict' entry must be a [key, value] pair.")
            key = self(pair[0])
            if not isinstance(key, (str, int, float, bool, tuple, type(None))):
                raise UntrustedFileError(f"Unsupported dict key type {type(key).__name__}.")
            out[key] = self(pair[1])
        return out

    def _masked(self, node):
        return np.ma.MaskedArray(self(node["$masked"]), mask=self(node["mask"]))

    def _ndarray(self, node):
        t = self._load(node["$ndarray"])
        dtype = _np_dtype(node.get("dtype"), _DATA_KINDS)
        a = t.numpy().astype(dtype, copy=True)
        return a.T if node.get("order") == "F" else a

    def _npscalar(self, node):
        value = self(node["$npscalar"])
        if not isinstance(value, (bool, int, float, complex, str, bytes)):
            raise UntrustedFileError("A numpy scalar must hold a number or a string.")
        return np.array(value, dtype=_np_dtype(node.get("dtype"), _DATA_KINDS | set("US")))[()]

    def _complex(self, node):
        parts = _list(node["$complex"])
        if len(parts) != 2 or not all(isinstance(self(p), (int, float)) for p in parts):
            raise UntrustedFileError("A '$complex' holds two numbers.")
        return complex(self(parts[0]), self(parts[1]))

    def _strarray(self, node):
        dtype = _np_dtype(node.get("dtype"), set("US"))
        values = _list(node["$strarray"])
        if not all(isinstance(v, (str, bytes)) for v in values):
            raise UntrustedFileError("A string array holds non-strings.")
        return np.array(values, dtype=dtype).reshape(_shape(node))

    def _objarray(self, node):
        values = [self(v) for v in _list(node["$objarray"])]
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out.reshape(_shape(node))

    def _tensor(self, node):
        t = self._load(node["$tensor"]).clone().to(self.device(node.get("device", "cpu")))
        return t.requires_grad_(True) if node.get("requires_grad") is True else t

    def _sparse_coo(self, node):
        indices, values = self._load(node["$sparse_coo"]), self._load(node["values"])
        shape = _shape(node)
        if indices.dtype != torch.int64 or indices.ndim != 2 or indices.shape[0] != len(shape):
            raise UntrustedFileError("Bad sparse tensor indices.")
        return torch.sparse_coo_tensor(indices, values, shape, check_invariants=True).coalesce()

    def _device(self, node):
        return self.device(node["$device"])

    def _torch_dtype(self, node):
        if node["$torch_dtype"] not in _TORCH_DTYPES:
            raise UntrustedFileError(f"Unknown torch dtype {node['$torch_dtype']!r}.")
        return _TORCH_DTYPES[node["$torch_dtype"]]

    def _np_dtype(self, node):
        return _np_dtype(node["$np_dtype"], _DATA_KINDS | set("USV"))

    def _slice(self, node):
        parts = _list(node["$slice"])
        if len(parts) != 3 or not all(p is None or isinstance(p, int) for p in parts):
            raise UntrustedFileError("A '$slice' holds three ints or nulls.")
        return slice(*parts)

    def _type(self, node):
        return TYPES.lookup(node["$type"])

    def _known(self, node):
        return KNOWN_OBJECTS.lookup(node["$known"])

    def _estimator(self, node):
        return self.estimator(node)

    def _object(self, node):
        cls = PLAIN_OBJECTS.lookup(node["$object"])
        state = self(node["state"])
        if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
            raise UntrustedFileError(f"The state of a {node['$object']} must be a dict.")
        check_attribute_names(state, node["$object"])
        obj = cls.__new__(cls)
        obj.__dict__.update(state)
        return obj


_TAGS = {"$float", "$complex", "$tuple", "$dict", "$masked", "$ndarray", "$npscalar", "$strarray",
         "$objarray", "$tensor", "$sparse_coo", "$device", "$torch_dtype", "$np_dtype",
         "$slice", "$type", "$known", "$estimator", "$object"}


def check_attribute_names(names, owner):
    """Refuse dunder / non-identifier attribute names (``__class__``, ``__dict__``, ...)."""
    for name in names:
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("__"):
            raise UntrustedFileError(f"Refusing to set attribute {name!r} on a {owner}.")


def _list(value):
    if not isinstance(value, list):
        raise UntrustedFileError(f"Expected a JSON list, got {type(value).__name__}.")
    return value


def _shape(node):
    shape = _list(node.get("shape"))
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
        raise UntrustedFileError(f"Bad shape {shape!r}.")
    return tuple(shape)


def _np_dtype(text, kinds):
    if not isinstance(text, str) or len(text) > 16:
        raise UntrustedFileError(f"Bad dtype {text!r}.")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise UntrustedFileError(f"Bad dtype {text!r}.") from None
    if dtype.kind not in kinds or dtype.fields is not None:
        raise UntrustedFileError(f"Refusing dtype {text!r}.")
    return dtype
