"""What the GPT page shows of a trained model: the attention of a prompt, and W_p beside the sinusoids."""
from __future__ import annotations

import torch

from core.errors import UserInputError
from core.gpt.model import GPT
from core.tokenizers.base import Tokenizer
from core.tokenizers.display import readable_pieces


@torch.inference_mode()
def prompt_attention(model: GPT, tokenizer: Tokenizer, prompt: str) -> tuple[list[str], list[torch.Tensor]]:
    """The prompt's tokens (cut to the context; byte runs named by their character) and every layer's attention
    weights, each (n_head, T, T)."""
    ids = tokenizer.encode(prompt)[: model.config.block_size]
    if not ids:
        raise UserInputError("Type a prompt first.", "まずプロンプトを入力してください。")
    out = model(torch.tensor([ids], dtype=torch.long), return_attn=True)
    return readable_pieces([tokenizer.id_to_piece(i) for i in ids]), [a[0] for a in out.attentions]


def position_matrices(model: GPT) -> tuple[torch.Tensor, torch.Tensor]:
    """The learned W_p (block_size, n_embd) and the sinusoidal encoding of the same size."""
    from core.transformer.positional import sinusoidal_pe

    wp = model.wpe.weight.detach().to("cpu", torch.float64)
    return wp, sinusoidal_pe(wp.shape[0], wp.shape[1])
