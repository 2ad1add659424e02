"""Why LSTMs were hard to run fast (the GPT-1 paper's background): time per token, and the sequential chain.

An LSTM computes h_t from h_{t-1}: the T positions of a sequence are T steps one after another, and
each step is a small matrix product. A Transformer block computes all T positions at once, in a few
large matrix products; its chain of dependent steps is as long as its number of layers, not T. A GPU
has thousands of cores to fill: large products fill them, T small dependent ones leave them idle.

Measured here on this machine's CPU: our LSTM baseline (core.gpt.lstm, the one the app trains) and our
GPT at about the same parameter count, one training step (forward + backward) over the same batch.

>>> dependent_steps(LSTMConfig(vocab_size=10), GPTConfig(vocab_size=10), T=64)
(128, 4)
"""
from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, fields

import torch

from core.gpt.lstm import LSTMConfig, LSTMLM
from core.gpt.model import GPT, GPTConfig


@dataclass(frozen=True)
class StepTimes:
    gpt_ms_per_token: float  # one training step (forward + backward) / tokens in the batch
    lstm_ms_per_token: float
    gpt_params: int
    lstm_params: int
    gpt_chain: int  # dependent steps along one sequence: n_layer blocks
    lstm_chain: int  # T x n_layer cell updates
    batch: int
    T: int
    threads: int
    torch_version: str
    device: str = "cpu"

    @property
    def ratio(self) -> float:
        """LSTM time per token / GPT time per token (> 1: the LSTM is slower here)."""
        return self.lstm_ms_per_token / self.gpt_ms_per_token


def dependent_steps(lstm: LSTMConfig, gpt: GPTConfig, T: int) -> tuple[int, int]:
    """(LSTM, GPT) length of the chain of computations that must wait for each other over T tokens."""
    return T * lstm.n_layer, gpt.n_layer


def _step_s(model: torch.nn.Module, x: torch.Tensor) -> float:
    """Seconds of one forward + backward on x (B, T + 1): inputs x[:, :-1], targets x[:, 1:]."""
    sync = torch.cuda.synchronize if x.is_cuda else (lambda: None)
    model.zero_grad(set_to_none=True)
    sync()
    t0 = time.perf_counter()
    model(x[:, :-1], x[:, 1:]).loss.backward()
    sync()
    return time.perf_counter() - t0


def measure(vocab_size: int = 3000, batch: int = 12, T: int = 64, repeats: int = 5, seed: int = 0,
            device: str = "cpu") -> StepTimes:
    """Time both models at the shipped sizes (class-demo GPT, 2 x 256 LSTM) on random tokens.

    ~1 s on a quiet 2-core CPU, a minute when the machine is busy: run it from scripts/build_models.py --only step_times
    (which stores the result the fine-tuning page shows), never in a page's thread."""
    torch.manual_seed(seed)
    gcfg = GPTConfig.preset("class-demo", vocab_size, block_size=T)
    lcfg = LSTMConfig(vocab_size=vocab_size, block_size=T)
    gpt, lstm = GPT(gcfg).train().to(device), LSTMLM(lcfg).train().to(device)
    x = torch.randint(0, vocab_size, (batch, T + 1), device=device)
    _step_s(gpt, x), _step_s(lstm, x)  # warm-up: the first step pays for allocation and kernel choice
    # Interleaved, so a burst of load from other processes hits both models alike; medians per model.
    pairs = [(_step_s(gpt, x), _step_s(lstm, x)) for _ in range(repeats)]
    tokens = batch * T
    g = 1000 * statistics.median(p[0] for p in pairs) / tokens
    l_ = 1000 * statistics.median(p[1] for p in pairs) / tokens
    lc, gc = dependent_steps(lcfg, gcfg, T)
    return StepTimes(g, l_, gpt.num_params(), lstm.num_params(), gc, lc, batch, T, torch.get_num_threads(),
                     torch.__version__, device)


def to_dict(s: StepTimes) -> dict:
    return {**asdict(s), "ratio": s.ratio}


def from_dict(d: dict) -> StepTimes:
    names = {f.name for f in fields(StepTimes)}
    return StepTimes(**{k: v for k, v in d.items() if k in names})
