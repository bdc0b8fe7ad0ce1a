"""Data-parallel training under torchrun (gloo, 2 CPU processes, loopback only)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import safetensors.torch
import torch

from tests.base import ddp_worker

ROOT = Path(__file__).resolve().parents[2]


def _command(out):
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1",
                "--nproc_per_node", "2", "--master_addr", "127.0.0.1", "--master_port", "29517",
                str(Path(ddp_worker.__file__)), str(out)]
    # (The GPU machine has unshare but no iproute2: there it runs on the host's loopback.)
    if (shutil.which("unshare") and shutil.which("ip")
            and subprocess.run(["unshare", "-rn", "true"]).returncode == 0):
        # A private network namespace with only loopback: the rendezvous binds nothing outside.
        script = "ip link set lo up && exec " + " ".join(torchrun)
        return ["unshare", "-rn", "sh", "-c", script]
    return torchrun


@pytest.mark.xdist_group("ddp")
def test_two_ranks_match_each_other_and_a_single_process_fit(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(_command(tmp_path), env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    ranks = [safetensors.torch.load_file(tmp_path / f"rank{r}.safetensors") for r in (0, 1)]
    torch.set_num_threads(1)
    single = ddp_worker.fit()
    assert ranks[0].keys() == single.keys()
    for key in single:
        # Every rank takes the same step: identical parameters and outputs.
        torch.testing.assert_close(ranks[1][key], ranks[0][key], rtol=0, atol=0)
        # ...and the single-process step on the whole batch, to float32 rounding.
        torch.testing.assert_close(ranks[0][key].double(), single[key].double(),
                                   rtol=1e-4, atol=1e-5, msg=key)
    diff = max((ranks[0][k].double() - single[k].double()).abs().max().item() for k in single)
    print(f"max |rank0 - single process| = {diff:.3g}")   # measured: 6e-8


def test_nccl_reductions_use_the_batch_device(monkeypatch):
    # nccl all-reduces CUDA tensors only. No GPU here: the "meta" device stands
    # in for CUDA, and the reduction records where each tensor lives.
    from skop.base import _distributed

    seen = []

    def all_reduce(tensor):
        seen.append(tensor.device.type)
        raise StopIteration   # a meta tensor has no value to go on with

    monkeypatch.setattr(_distributed.dist, "get_backend", lambda: "nccl")
    monkeypatch.setattr(_distributed.dist, "all_reduce", all_reduce)
    loss = torch.zeros((), device="meta")
    for call in (lambda: _distributed.local_share(3, loss.device),
                 lambda: _distributed.combine_step([], loss, 3),
                 lambda: _distributed.combine_loss(loss, 0.5)):
        with pytest.raises(StopIteration):
            call()
    assert seen == ["meta", "meta", "meta"]
    monkeypatch.setattr(_distributed.dist, "get_backend", lambda: "gloo")
    with pytest.raises(StopIteration):
        _distributed.local_share(3, loss.device)
    assert seen[-1] == "cpu"   # gloo reduces on the CPU
