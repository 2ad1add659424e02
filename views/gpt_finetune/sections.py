"""The fine-tuning page's parts: the settings form, the polled progress and curves, the results table
and figures, and the "try a sentence" box. Widgets keep their `ft_` keys."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.charts import finetune as charts
from core.errors import UserInputError
from core.gpt.finetune import BUDGETS, PAPER, VARIANT_SPECS, VARIANTS, FinetuneJob, LivePretrained, Settings, predict
from core.gpt.topic_data import TopicData, topic_names
from core.textcheck import check_text
from ui import shell
from ui.guard import guarded
from ui.safe import plain
from ui.shared_state import get_trained_gpt
from views.gpt_finetune import table5_noise
from views.gpt_finetune.texts import T, duration

POLL_S = 2.0


def settings_form(lang: str, running: bool, expanded: bool):
    """-> (Settings or None when no model is chosen, corpus language, LivePretrained or None)."""
    with st.expander(T.t("settings", lang), expanded=expanded):
        c1, c2, c3, c4 = st.columns(4)
        corpus = c1.radio(T.t("corpus", lang), ["en", "ja"], index=1 if lang == "ja" else 0, key="ft_corpus",
                          bind="query-params",
                          format_func=lambda k: T.t(f"corpus_{k}", lang), disabled=running)
        budget = c2.radio(T.t("budget", lang), list(BUDGETS), key="ft_budget", bind="query-params", disabled=running,
                          format_func=lambda b: _budget_label(b, lang),
                          help=T.t("budget_help", lang, batch=BUDGETS["quick"].batch))
        lam = c3.slider(T.t("lam", lang), 0.0, 2.0, 0.5, 0.1, key="ft_lam", bind="query-params", disabled=running,
                        help=T.t("lam_help", lang))
        seeds = c4.select_slider(T.t("seeds", lang), [1, 2, 3], 1, key="ft_seeds", bind="query-params",
                                 disabled=running,
                                 help=T.t("seeds_help", lang))
        variants = st.multiselect(T.t("variants", lang), list(VARIANTS), list(VARIANTS), key="ft_variants",
                                  bind="query-params",
                                  format_func=lambda v: T.t(f"v_{v}", lang), disabled=running)
        trained = get_trained_gpt()
        use_live = trained is not None and st.toggle(T.t("use_live", lang), key="ft_live", bind="query-params",
                                                     disabled=running,
                                                     help=T.t("use_live_help", lang, label=plain(trained.label)))
    live = LivePretrained(trained.model, trained.tokenizer, trained.label) if use_live else None
    settings = Settings(corpus, budget, lam, tuple(variants), seeds) if variants else None
    return settings, corpus, budget, live


def _budget_label(b: str, lang: str) -> str:
    if BUDGETS[b].backbone == "shipped":
        return T.t("budget_shipped", lang, name=b, epochs=BUDGETS[b].epochs)
    return T.t(f"budget_{b}", lang, steps=BUDGETS[b].pretrain_steps,
               epochs=BUDGETS[b].epochs) if f"budget_{b}" in T else b


def task_overview(data: TopicData, corpus: str, budget: str, lang: str) -> None:
    st.subheader(T.t("task", lang))
    st.markdown(T.t("task_caption", lang, n_train=len(data.train), n_held=len(data.heldout),
                    chars=BUDGETS[budget].max_chars, corpus=T.t(f"corpus_{corpus}", lang),
                    majority=100 * data.majority_baseline()))
    with st.expander(T.t("balance_title", lang)):
        st.plotly_chart(charts.balance_figure(topic_names(data.labels, lang), data.counts("train"),
                                              data.counts("heldout"),
                        {"train": T.t("n_train", lang), "heldout": T.t("n_heldout", lang)},
                        T.t("balance_title", lang), T.t("y_count", lang)), key="ft_balance_chart")


def _live(job: FinetuneJob, lang: str, running: bool) -> None:
    v = job.view()
    names = {x: T.t(f"vs_{x}", lang) for x in VARIANTS}
    phase = T.t(f"phase_{v.phase}", lang, variant=names.get(v.variant, ""), seed=v.seed + 1) if v.phase else ""
    text = (T.t("progress", lang, status=T.t(f"status_{v.status}", lang), phase=phase, pct=100 * v.progress) if phase
            else T.t("progress_cached" if v.results and all(r.cached for r in v.results.values()) else "progress_done",
                     lang, status=T.t(f"status_{v.status}", lang), time=duration(v.elapsed_s, lang)))
    st.progress(v.progress, text=text + (T.t("eta", lang, eta=duration(v.eta_s, lang)) if v.eta_s else ""))
    if v.message is not None:
        shell.show_error(v.message)
    if v.backbone_note is not None:
        st.caption(T.t("backbone_fallback", lang))
        shell.show_error(v.backbone_note)
    if running and not v.active:  # finished or stopped: redraw the whole page (buttons, results)
        st.rerun(scope="app")
    parts = [T.t("pretrain_live", lang, label=plain(i["live"])) if "live" in i else
             T.t("pretrain_shipped", lang, arch=T.t(f"arch_{a}", lang), steps=i["steps"],
                 ppl=i.get("heldout_ppl") or float("nan")) if i.get("shipped") else
             T.t("pretrain_cached" if i.get("cached") else "pretrain_part", lang, arch=T.t(f"arch_{a}", lang),
                 seconds=i.get("seconds", 0), loss=i.get("val_loss") or 0) for a, i in v.pretrain.items()]
    if parts:
        st.caption(T.t("pretrain_line", lang, parts="; ".join(parts)))
    if not any(c["steps"] or c["eval_steps"] for c in v.curves.values()):
        return  # still pre-training: the curves start with fine-tuning
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.curves_figure(v.curves, names, "loss", T.t("loss_title", lang), T.t("x_step", lang),
                                         T.t("y_loss", lang)), key="ft_loss_chart")
    c2.plotly_chart(charts.curves_figure(v.curves, names, "acc", T.t("acc_title", lang), T.t("x_step", lang),
                                         T.t("y_acc", lang), v.majority, T.t("majority", lang)), key="ft_acc_chart")


def live_view(job: FinetuneJob, lang: str, running: bool) -> None:
    """Progress and curves, re-run every POLL_S seconds while the experiment runs."""
    st.fragment(guarded(_live), run_every=POLL_S if running else None)(job, lang, running)


def results(job: FinetuneJob, lang: str) -> None:
    """Our Table 5 beside the paper's, the best model's confusion matrix, and a sentence to classify."""
    v = job.view()
    names = {x: T.t(f"vs_{x}", lang) for x in VARIANTS}
    st.subheader(T.t("results", lang))
    order = [x for x in VARIANTS if x in v.settings.variants]
    yn = lambda b_: T.t("yes" if b_ else "no", lang)
    fmt = lambda r: f"{100 * r.mean:.1f} ± {100 * r.std:.1f}" if r.std else f"{100 * r.mean:.1f}"
    rows = [{T.t("col_model", lang): T.t(f"v_{x}", lang),
             T.t("col_pre", lang): yn(VARIANT_SPECS[x].pretrained), T.t("col_aux", lang): yn(VARIANT_SPECS[x].aux),
             T.t("col_arch", lang): T.t(f"arch_{VARIANT_SPECS[x].arch}", lang),
             T.t("col_ours", lang): fmt(v.results[x]) if x in v.results else "–",
             T.t("col_paper", lang): f"{PAPER[x]:.1f}"} for x in order]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.plotly_chart(charts.results_figure(order, names, {x: (r.mean, r.std) for x, r in v.results.items()}, PAPER,
                    v.majority, {"ours": T.t("ours", lang), "paper": T.t("paper", lang),
                                 "majority": T.t("majority", lang)},
                    T.t("results_title", lang), T.t("y_acc", lang)), key="ft_results_chart")
    n_held = len(v.task.heldout)
    names = {x: T.t(f"v_{x}", lang) for x in VARIANTS}
    table5_noise.show({x: v.results[x].accs for x in order if x in v.results}, names, n_held, lang)
    shipped = next((i for i in v.pretrain.values() if i.get("shipped")), None)
    # what the backbone read: the shipped models' card (megabytes of books), or this page's own short pre-training
    pre = (T.t("pre_shipped", lang, steps=shipped["steps"]) if shipped is not None else
           T.t("pre_own", lang, kb=len(job.source.data.train_text.encode()) // 1024))
    st.info(T.t("honest", lang, n_train=len(v.task.train), pre=pre, n_held=n_held, step=100 / max(1, n_held)))
    if shipped is not None:
        key = "shipped_clean" if shipped["seen_heldout"] == 0 else "shipped_honest"  # measured, never assumed
        st.info(T.t(key, lang, seen=100 * shipped["seen_heldout"], unk=100 * shipped["unknown"]))
    best = v.best()
    st.markdown(T.t("best", lang, name=T.t(f"v_{best}", lang), acc=100 * v.results[best].mean))
    st.plotly_chart(charts.confusion_figure(v.results[best].confusion, v.label_names(lang), T.t("confusion_title", lang,
                    name=names[best]), T.t("pred", lang), T.t("true", lang)), key="ft_confusion_chart")
    try_sentence(job, best, v.label_names(lang), v.settings.lang, names[best], lang)


def try_sentence(job: FinetuneJob, best: str, labels: list[str], corpus_lang: str, name: str, lang: str) -> None:
    """`labels`: the topics' names in the reader's language."""
    st.subheader(T.t("try", lang))
    model = job.model_for(best)
    st.caption(T.t("try_help", lang, n=job.max_tokens - 1))
    with st.form("ft_try_form"):
        text = st.text_area(T.t("sentence", lang), T.t(f"sentence_default_{corpus_lang}", lang), key="ft_sentence",
                            bind="query-params",
                            max_chars=2000, height=90)
        st.form_submit_button(T.t("classify", lang), key="ft_classify")
    if model is None:
        return
    try:
        checked = check_text(text, max_chars=2000)
        probs, n_read, n_total = predict(model, job.tokenizer, checked.text, job.max_tokens)
        if n_read < n_total:
            st.caption(T.t("cut", lang, n=n_read))
        unknown = job.tokenizer.encode(checked.text).count(0)  # id 0 is <unk> (chars and SentencePiece)
        if unknown:
            st.caption(T.t("unknown_chars", lang, n=unknown) + " " +
                       T.t("other_lang", lang, corpus=T.t(f"corpus_{corpus_lang}", lang)))
        st.plotly_chart(charts.probs_figure(probs, labels, T.t("probs_title", lang, name=name), T.t("x_prob", lang)),
                        key="ft_probs_chart")
    except UserInputError as e:
        shell.show_error(e)
