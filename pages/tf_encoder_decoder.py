"""Encoder–decoder: a small Transformer translates number words into digits; its attention, drawn."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.transformer import number_words

from core.transformer import encoder_decoder as seq2seq
from core.charts.attention import matrix_figure
from core.charts.style import styled
from core.errors import UserInputError
from ui import shell
from ui.texts.tf_encdec import T

PRESETS = {"en": ["three hundred twenty one", "seven thousand five", "nineteen", "two thousand twenty four"],
           "ja": ["三百二十一", "七千五", "十九", "二千二十四"]}


@st.cache_resource(show_spinner=False, max_entries=2)
def trained(lang: str):
    return seq2seq.load_or_train(seq2seq.Seq2SeqConfig(lang=lang))  # from the disk cache once trained


lang = shell.lang()
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

src = st.segmented_control(T.t("source_lang", lang), ["en", "ja"], default=lang, key="encdec_src",
                           format_func=lambda c: T.t(f"src_{c}", lang), required=True)
cfg = seq2seq.Seq2SeqConfig(lang=src)
if not seq2seq.cache_path(cfg).is_file():  # first use on this machine: train where the user can watch
    bar = st.progress(0.0, T.t("training", lang))
    seq2seq.load_or_train(cfg, on_step=lambda step, loss: bar.progress(
        step / cfg.steps, f"{T.t('training', lang)} {step}/{cfg.steps} · loss {loss:.3f}") if step % 20 == 0 else None)
    bar.empty()
model, report = trained(src)
c1, c2, c3 = st.columns(3)
c1.metric(T.t("accuracy", lang), f"{report.accuracy:.1%}", help=T.t("accuracy_help", lang))
c2.metric(T.t("final_loss", lang), f"{report.losses[-1]:.3f}")
c3.caption(T.t("trained", lang, steps=len(report.losses), secs=report.seconds))

preset = st.pills(T.t("preset", lang), PRESETS[src], key=f"encdec_preset_{src}", default=PRESETS[src][0])
typed = st.text_input(T.t("input", lang), value=preset or PRESETS[src][0], key=f"encdec_text_{src}_{preset}")
try:
    tokens = number_words.parse_words(typed, src)
except UserInputError as e:
    shell.show_error(e)
    st.stop()

result = seq2seq.translate(model, tokens)
truth = number_words.value_of(tokens, src)
answer = "".join(result.digits)
c1, c2 = st.columns(2)
c1.metric(T.t("output", lang), answer or "∅")
if truth is None:
    c2.caption(T.t("not_number", lang))
else:
    ok = answer == str(truth)
    c2.metric(T.t("truth", lang), str(truth), T.t("right" if ok else "wrong", lang), delta_arrow="off",
              delta_color="green" if ok else "red")

c1, c2 = st.columns(2)
layer = c1.selectbox(T.t("layer", lang), range(cfg.n_layer), index=cfg.n_layer - 1, key="encdec_layer",
                     format_func=lambda i: f"{i + 1}")
head = c2.selectbox(T.t("head", lang), [-1, *range(cfg.n_head)], key="encdec_head",
                    format_func=lambda h: T.t("mean_heads", lang) if h < 0 else f"{h + 1}")


def pick(weights):  # (1, h, rows, cols) -> (rows, cols) for the chosen head, or the mean over heads
    return weights[0].mean(0) if head < 0 else weights[0, head]


out_tokens = result.digits + ["<eos>"]
dec_in = ["<bos>"] + result.digits
st.subheader(T.t("cross_title", lang))
st.plotly_chart(matrix_figure(pick(result.attentions.cross[layer]), [f"→ {t}" for t in out_tokens], tokens, "",
                              T.t("cross_x", lang), T.t("cross_y", lang), diverging=False, zrange=(0, 1),
                              annotate=True), key="encdec_cross")
st.caption(T.t("cross_note", lang))

c1, c2 = st.columns(2)
with c1:
    st.plotly_chart(matrix_figure(pick(result.attentions.encoder[layer]), tokens, tokens, T.t("enc_title", lang),
                                  T.t("key", lang), T.t("query", lang), diverging=False, zrange=(0, 1),
                                  annotate=True), key="encdec_enc")
with c2:
    st.plotly_chart(matrix_figure(pick(result.attentions.decoder[layer]), dec_in, dec_in, T.t("dec_title", lang),
                                  T.t("key", lang), T.t("query", lang), diverging=False, zrange=(0, 1),
                                  annotate=True), key="encdec_dec")

st.subheader(T.t("steps_title", lang))
st.caption(T.t("steps_note", lang))
st.dataframe(pd.DataFrame([{T.t("col_step", lang): i + 1, T.t("col_input", lang): " ".join(s["input"]),
                            T.t("col_next", lang): s["next"], T.t("col_p", lang): round(s["p"], 4)}
                           for i, s in enumerate(result.steps)]), hide_index=True)

loss = go.Figure(go.Scatter(y=report.losses, mode="lines", name=T.t("loss_y", lang)))
loss.update_xaxes(title=T.t("loss_x", lang))
loss.update_yaxes(title=T.t("loss_y", lang), type="log", dtick=1)  # one tick per decade
st.plotly_chart(styled(loss, T.t("loss_title", lang), height=300), key="encdec_loss")
