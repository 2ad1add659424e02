"""Which device computes: CUDA, then Apple's MPS, then the CPU; a setting forces the CPU.

`ATLAS_FORCE_CPU=1` in the environment forces the CPU for the whole process (tests, benches);
pages pass `force_cpu` from the sidebar toggle.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DeviceInfo:
    kind: str  # "cuda" | "mps" | "cpu"
    name: str  # e.g. "NVIDIA H100 80GB HBM3", "Apple MPS", "CPU"
    threads: int  # torch intra-op threads (what CPU work runs on)

    def label(self) -> str:
        if self.kind == "cpu":
            return f"CPU · {self.threads} threads"
        return f"{self.name} ({self.kind.upper()})"


def env_forces_cpu() -> bool:
    return os.environ.get("ATLAS_FORCE_CPU", "").strip().lower() in {"1", "true", "yes"}


def pick_device(force_cpu: bool = False) -> torch.device:
    """CUDA if present, then MPS, then CPU (always CPU when forced)."""
    if force_cpu or env_forces_cpu():
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_info(device: torch.device | None = None) -> DeviceInfo:
    device = device if device is not None else pick_device()
    threads = torch.get_num_threads()
    if device.type == "cuda":
        return DeviceInfo("cuda", torch.cuda.get_device_name(device), threads)
    if device.type == "mps":
        return DeviceInfo("mps", "Apple MPS", threads)
    return DeviceInfo("cpu", "CPU", threads)
