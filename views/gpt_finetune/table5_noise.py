"""Table 5's gaps with their noise, under the fine-tuning page's Table 5 (the sentence for one gap,
ui.texts.table5.gap_line, is shared with the task-formats page): each variant against the full model,
the difference with its standard error (core.gpt.finetune.stats.gap: Welch over seeds when both have
several, else binomial from the held-out size) and whether it is within noise."""
from __future__ import annotations

import streamlit as st

from core.gpt.finetune.stats import gap, mean_std
from ui.texts.table5 import T, gap_line


def gap_lines(accs: dict[str, list[float]], names: dict[str, str], n_heldout: int, lang: str,
              ref: str = "full") -> list[str]:
    """One sentence per variant other than `ref`: 'full − X: +d points, SE s (how) → verdict'."""
    if ref not in accs:
        return []
    return [gap_line(names[ref], names[x], gap(accs[ref], accs[x], n_heldout), lang) for x in accs if x != ref]


def show(accs: dict[str, list[float]], names: dict[str, str], n_heldout: int, lang: str) -> None:
    """The spread over seeds and the gaps, under a Table 5."""
    runs = min((len(v) for v in accs.values()), default=0)
    if not runs:
        return
    spread = ", ".join(f"{names[x]} {100 * mean_std(v)[0]:.1f} ± {100 * mean_std(v)[1]:.1f}" for x, v in accs.items())
    st.markdown(T.t("t5_noise_head", lang, n=runs, spread=spread, held=n_heldout))
    for line in gap_lines(accs, names, n_heldout, lang):
        st.markdown("- " + line)
    if runs < 2:
        st.caption(T.t("t5_more_seeds", lang))
