"""Encoder–decoder: a small Transformer translates number words into digits; its attention, drawn."""
import pandas as pd
import streamlit as st

from core.charts.attention import matrix_figure
from core.charts.training import log_loss_figure
from core.errors import UserInputError
from core.transformer import encoder_decoder as seq2seq
from core.transformer import number_words
from ui import shell
from ui import export
from views.tf_encoder_decoder.encdec_panel import trained_model
from views.tf_encoder_decoder.notes_encdec import blocks_and_uses, cross_reading
from views.tf_encoder_decoder.texts import T

PRESETS = {"en": ["three hundred twenty one", "seven thousand five", "nineteen", "two thousand twenty four"],
           "ja": ["三百二十一", "七千五", "十九", "二千二十四"]}

lang = shell.lang()
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

src = st.segmented_control(T.t("source_lang", lang), ["en", "ja"], default=lang, key="encdec_src", bind="query-params",
                           format_func=lambda c: T.t(f"src_{c}", lang), required=True)
cfg = seq2seq.Seq2SeqConfig(lang=src)
if "encdec_error" in st.session_state:
    shell.show_error(st.session_state.pop("encdec_error"))
got = trained_model(cfg, lang)  # the cached model, or the shared background training's progress
if got is None:
    st.stop()
model, report = got
p1, p2 = st.columns([1.3, 1])  # the input and its presets on one row: the attention fits on the first screen
# One stable key per source language, so a link keeps the typed number; picking a preset fills the box.
def _fill(src: str) -> None:
    if st.session_state.get(f"encdec_preset_{src}"):  # a click that unselects the pill keeps the typed text
        st.session_state[f"encdec_text_{src}"] = st.session_state[f"encdec_preset_{src}"]


p1.pills(T.t("preset", lang), PRESETS[src], key=f"encdec_preset_{src}", bind="query-params", default=PRESETS[src][0],
         on_change=_fill, args=(src,))
typed = p2.text_input(T.t("input", lang), value=PRESETS[src][0], key=f"encdec_text_{src}", bind="query-params",
                      max_chars=200)
try:
    tokens = number_words.parse_words(typed, src)
except UserInputError as e:
    shell.show_error(e)
    st.stop()

result = seq2seq.translate(model, tokens)
truth = number_words.value_of(tokens, src)
answer = "".join(result.digits)
c1, c2, c3, c4 = st.columns(4)
c1.metric(T.t("output", lang), answer or "∅")
if truth is None:
    c2.caption(T.t("not_number", lang))
else:
    ok = answer == str(truth)
    c2.metric(T.t("truth", lang), str(truth), T.t("right" if ok else "wrong", lang), delta_arrow="off",
              delta_color="green" if ok else "red")

layer = c3.selectbox(T.t("layer", lang), range(cfg.n_layer), index=cfg.n_layer - 1, key="encdec_layer",
                     bind="query-params", format_func=lambda i: f"{i + 1}")
head = c4.selectbox(T.t("head", lang), [-1, *range(cfg.n_head)], key="encdec_head", bind="query-params",
                    format_func=lambda h: T.t("mean_heads", lang) if h < 0 else f"{h + 1}")
att = result.attentions.pick(layer, head)  # each (rows, cols): the chosen head, or the mean over heads
dec_in = ["<bos>"] + result.digits
heat = dict(diverging=False, zrange=(0, 1), annotate=True)
st.plotly_chart(matrix_figure(att["cross"], [f"→ {t}" for t in result.digits + ["<eos>"]], tokens,
                              T.t("cross_title", lang),
                              T.t("cross_x", lang), T.t("cross_y", lang), **heat), key="encdec_cross")
st.caption(T.t("cross_note", lang))
export.matrix_button(att["cross"], result.digits + ["<eos>"], tokens, f"cross_attention_L{layer + 1}", lang,
                     key="encdec_csv")
cross_reading(model, cfg, lang)
c1, c2, c3 = st.columns(3)
c1.metric(T.t("accuracy", lang), f"{report.accuracy:.1%}")
c2.metric(T.t("final_loss", lang), f"{report.losses[-1]:.3f}")
c3.caption(T.t("trained", lang, steps=len(report.losses), secs=report.seconds))
st.caption(T.t("accuracy_help", lang, n=report.heldout_count))  # said on the page, not only in a tooltip
c1, c2 = st.columns(2)
c1.plotly_chart(matrix_figure(att["encoder"], tokens, tokens, T.t("enc_title", lang), T.t("key", lang),
                              T.t("query", lang), **heat), key="encdec_enc")
c2.plotly_chart(matrix_figure(att["decoder"], dec_in, dec_in, T.t("dec_title", lang), T.t("key", lang),
                              T.t("query", lang), **heat), key="encdec_dec")

st.subheader(T.t("steps_title", lang))
st.caption(T.t("steps_note", lang))
st.dataframe(pd.DataFrame([{T.t("col_step", lang): i + 1, T.t("col_input", lang): " ".join(s["input"]),
                            T.t("col_next", lang): s["next"], T.t("col_p", lang): round(s["p"], 4)}
                           for i, s in enumerate(result.steps)]), hide_index=True)
st.plotly_chart(log_loss_figure(report.losses, T.t("loss_y", lang), T.t("loss_title", lang), T.t("loss_x", lang),
                                T.t("loss_y", lang)), key="encdec_loss")
blocks_and_uses(model, lang)
