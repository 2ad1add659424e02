"""Table 5's gaps with their noise, in words: shared by the fine-tuning page (views/gpt_finetune/table5_noise.py)
and the Task formats page (views/gpt_tasks/sections.py)."""
from core.i18n import Catalog

T = Catalog(
    "table5",
    {
        "gap": ("{a} − {b}: **{diff:+.1f}** points, standard error {se:.1f} ({how}) → {verdict}",
                "{a} − {b}：**{diff:+.1f}** ポイント、標準誤差 {se:.1f}（{how}）→ {verdict}"),
        "gap_none": ("{a} − {b}: {diff:+.1f} points (one seed each: no error bar)",
                     "{a} − {b}：{diff:+.1f} ポイント（シード 1 つずつ：誤差は出せません）"),
        "how_seeds": ("from the seeds", "シード間のばらつきから"),
        "t5_noise_head": ("**Noise** ({n} seed(s) per model, {held} held-out examples; mean ± spread across seeds): {spread}. "
                          "Each gap to the full model with its standard error:",
                          "**雑音**（モデルごとにシード {n} 個、評価用 {held} 件。シード間の平均 ± ばらつき）：{spread}。"
                          "完全モデルとの差と、その標準誤差："),
        "t5_more_seeds": ("With one seed the error comes from the held-out size alone; choose 2–3 seeds to see how "
                          "much the initialisation moves each number.",
                          "シード 1 つでは誤差は評価用データの件数からだけ求めています。2〜3 個選ぶと、初期値で各数値がどれだけ動くかが見えます。"),
        "how_binomial": ("from the held-out size", "評価用データの件数から"),
        "noise": ("within noise (|gap| < 2 SE)", "雑音の範囲内（|差| < 2 SE）"),
        "real": ("larger than the noise", "雑音より大きい"),
    },
)


def gap_line(a: str, b: str, g, lang: str) -> str:
    """One sentence for a core.gpt.finetune.stats.Gap between variants named a and b."""
    if g.se is None:
        return T.t("gap_none", lang, a=a, b=b, diff=100 * g.diff)
    return T.t("gap", lang, a=a, b=b, diff=100 * g.diff, se=100 * g.se, how=T.t(f"how_{g.method}", lang),
               verdict=T.t("noise" if g.within_noise else "real", lang))
