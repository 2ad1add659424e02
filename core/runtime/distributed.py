"""torchrun's side of training: joining and leaving the process group. The Trainer wraps the model in
DistributedDataParallel itself (`Trainer(..., distributed=True)`); gloo on CPU, nccl on CUDA.

    torchrun --nproc_per_node=2 -m core.train ...
"""
from __future__ import annotations

import os

import torch


def init_distributed(device: torch.device) -> tuple[int, int, torch.device]:
    """Under torchrun (WORLD_SIZE > 1): join the process group (nccl on CUDA, gloo on CPU) and pick this
    rank's GPU. Returns (world, rank, device); (1, 0, device) when run alone."""
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    if world > 1:
        import torch.distributed as dist

        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)
        if not dist.is_initialized():
            dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return world, rank, device


def close_distributed() -> None:
    """Wait for every rank, then leave the process group (nothing to do when run alone)."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
