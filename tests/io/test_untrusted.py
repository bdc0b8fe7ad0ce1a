"""Crafted files: each is refused with a clear error, and nothing in it runs.

The payload is harmless but observable: unpickling it creates a marker
directory. The first test shows that pickle *would* run it.
"""

import json
import os
import pickle
import struct

import numpy as np
import pytest
import safetensors.torch
import torch

from skop.io import UntrustedFileError, load, save
from skop.neural_operator import FNORegressor

torch.set_num_threads(1)


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


@pytest.fixture
def saved(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 16))
    model = FNORegressor(n_modes=4, width=8, n_layers=1, max_epochs=2, random_state=0).fit(X, X)
    return save(model, tmp_path / "model"), tmp_path / "ran"


def _edit_json(path, edit):
    doc = json.loads((path / "estimator.json").read_text())
    edit(doc)
    (path / "estimator.json").write_text(json.dumps(doc))


def test_the_payload_runs_under_pickle(tmp_path):
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(_Payload(str(marker))))
    assert marker.exists()


def test_an_unknown_class_is_refused(saved):
    path, marker = saved
    _edit_json(path, lambda d: d["estimator"].update({"$estimator": "os.system"}))
    with pytest.raises(UntrustedFileError, match="'os.system' is not on skop.io's allow-list"):
        load(path)


def test_an_extra_class_parameter_or_attribute_is_refused(saved):
    path, _ = saved
    original = (path / "estimator.json").read_text()
    _edit_json(path, lambda d: d["estimator"]["params"]["$dict"].append(["__class__", "os.system"]))
    with pytest.raises(UntrustedFileError, match=r"no parameter\(s\) \['__class__'\]"):
        load(path)
    (path / "estimator.json").write_text(original)
    _edit_json(path, lambda d: d["estimator"]["state"].update({"__class__": "x"}))
    with pytest.raises(UntrustedFileError, match="Refusing to set attribute '__class__'"):
        load(path)
    (path / "estimator.json").write_text(original)
    _edit_json(path, lambda d: d["estimator"]["state"].update({"n_iter_": {"$type": "os.system"}}))
    with pytest.raises(UntrustedFileError, match="allow-list of types"):
        load(path)


@pytest.mark.parametrize("member", ["estimator.json", "arrays.safetensors"])
def test_pickle_bytes_in_either_member_run_nothing(saved, member):
    path, marker = saved
    (path / member).write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(UntrustedFileError, match="not skop.io JSON|not a valid safetensors"):
        load(path)
    assert not marker.exists()


def test_an_extra_member_is_refused(saved):
    path, marker = saved
    (path / "extra.pkl").write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(UntrustedFileError, match="must hold exactly"):
        load(path)
    assert not marker.exists()


def test_an_oversized_safetensors_header_is_refused(saved):
    path, _ = saved
    # The header length claims 2**40 bytes: refused before anything is allocated.
    (path / "arrays.safetensors").write_bytes(struct.pack("<Q", 2 ** 40) + b"{}")
    with pytest.raises(UntrustedFileError, match="not a valid safetensors"):
        load(path)


def test_an_oversized_description_is_refused(saved, monkeypatch):
    import skop.io._persist as persist

    path, _ = saved
    monkeypatch.setattr(persist, "MAX_JSON_BYTES", 1000)
    with pytest.raises(UntrustedFileError, match="over the 1000 limit"):
        load(path)


def _tensor_keys(node):
    if isinstance(node, dict):
        if "$tensor" in node:
            yield node["$tensor"]
        for value in node.values():
            yield from _tensor_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tensor_keys(value)


@pytest.mark.parametrize("part", ["module", "optimizer"])
def test_weights_or_moments_of_the_wrong_shape_are_refused(saved, part):
    path, _ = saved
    net = json.loads((path / "estimator.json").read_text())["estimator"]["state"]["net_"]["$net"]
    arrays = safetensors.torch.load_file(path / "arrays.safetensors")
    key = max(_tensor_keys(net[part]), key=lambda k: arrays[k].numel())   # a weight / moment
    arrays[key] = torch.zeros(arrays[key].numel() + 1)
    safetensors.torch.save_file(arrays, path / "arrays.safetensors")
    with pytest.raises(UntrustedFileError, match="does not fit its architecture"):
        load(path)


def test_a_newer_format_version_is_refused(saved):
    path, _ = saved
    _edit_json(path, lambda d: d.update({"format_version": 99}))
    with pytest.raises(UntrustedFileError, match="format 99.*Upgrade skop"):
        load(path)


def test_unknown_tags_and_missing_arrays_are_refused(saved):
    path, _ = saved
    original = (path / "estimator.json").read_text()
    _edit_json(path, lambda d: d["estimator"]["state"].update({"n_iter_": {"$eval": "1"}}))
    with pytest.raises(UntrustedFileError, match="Unknown tag"):
        load(path)
    (path / "estimator.json").write_text(original)
    _edit_json(path, lambda d: d["estimator"]["state"].update({"n_iter_": {"$ndarray": "zz"}}))
    with pytest.raises(UntrustedFileError, match="does not hold"):
        load(path)


def test_a_cuda_save_loads_on_a_cpu_only_machine(saved, monkeypatch):
    path, _ = saved
    text = (path / "estimator.json").read_text()
    # What a GPU-trained model's description says (tensors and net on cuda:0).
    (path / "estimator.json").write_text(text.replace('"cpu"', '"cuda:0"'))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="CUDA is not available here"):
        model = load(path)
    assert model.device_ == torch.device("cpu")
    assert model.predict(np.zeros((2, 16))).shape == (2, 16)
