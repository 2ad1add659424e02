"""The "Train GPT-1 live" page's parts: the settings form, the polled live view, the views of the
current model (samples, attention, W_p) and the checkpoint panel. Widgets keep their `gpt_` keys."""
from __future__ import annotations

import streamlit as st

from core.charts import training as charts
from core.charts.positional import position_similarity_heatmap
from core.errors import UserInputError
from core.gpt import memory_budget
from core.gpt.checkpoints.files import load_checkpoint_bytes
from core.gpt.model import PRESETS
from core.gpt.job_settings import REFERENCE_LINES, JobSettings
from core.gpt.training_job import TrainingJob
from core.gpt.inside.attention import position_matrices, prompt_attention
from core.runtime import jobs
from core.runtime.jobs import JobSlot
from core.textcheck import check_text
from ui import shell
from ui.guard import guarded
from ui.corpus_picker import pick_corpus
from ui.safe import plain
from ui.shared_state import set_trained_gpt_source
from ui.texts.gpt_resume import T as R
from ui.train_session import trained
from views.gpt_train.texts import T, duration

POLL_S = 2.0  # a poll redraws three charts in the browser, which shares the CPU on a laptop
QUEUE_POLL_S = 3.0  # a queued training's place and wait: a few queued students' polls cost the server little
VIEWS_S = 10.0  # attention and W_p follow the training this often: each refresh copies the model and runs it
VOCABS = [256, 512, 1000, 2000, 3000, 4000, 8000]  # 1000 (en) and 3000 (ja) are the shipped models' sizes
DEFAULT = JobSettings()  # the widgets start at the job's defaults (measured in bench/first_start.py)
LRS = [1e-4, 3e-4, 6e-4, 1e-3, 2e-3, 3e-3, 1e-2, 3e-2, 0.1, 1.0]


def settings_form(lang: str, locked: bool):
    """The settings expander -> (JobSettings, picked corpus, whether the sizes fit together).

    Open for a new visitor, collapsed once a job exists (the buttons and the chart then need the
    screen); one key per case, so the user's own open/close of each is remembered in the session.
    """
    with st.expander(T.t("settings", lang), expanded=not locked, key=f"gpt_settings_{int(locked)}"):
        if locked:
            st.caption(T.t("settings_locked", lang))
        corpus = pick_corpus("gpt", default=lang, shipped_split=True)  # the shipped GPT's split: its loss is a line
        c1, c2, c3 = st.columns(3)
        tok = c1.radio(T.t("tokenizer", lang), ["char", "bpe", "unigram"], key="gpt_tok", bind="query-params",
                       disabled=locked, format_func=lambda k: T.t(f"tok_{k}", lang))
        vocab = c1.select_slider(T.t("vocab_size", lang), VOCABS, 1000, key="gpt_vocab", bind="query-params",
                                 disabled=locked or tok == "char", help=T.t("vocab_help", lang))
        presets = list(PRESETS) + ["custom"]
        preset = c2.selectbox(T.t("preset", lang), presets, index=presets.index(DEFAULT.preset), key="gpt_preset",
                              bind="query-params",
                              disabled=locked, format_func=lambda p: T.t("custom", lang) if p == "custom" else p)
        size = dict(PRESETS.get(preset, PRESETS["class-demo"]))
        if preset != "custom":
            c2.caption(T.t("preset_fmt", lang, name=preset, **size))
        else:
            size["n_layer"] = c2.slider(T.t("n_layer", lang), 1, 12, 4, key="gpt_layers", bind="query-params",
                                        disabled=locked)
            size["n_head"] = c2.select_slider(T.t("n_head", lang), [1, 2, 3, 4, 6, 8, 12], 4, key="gpt_heads",
                                              bind="query-params", disabled=locked)
            size["n_embd"] = c2.select_slider(T.t("n_embd", lang), [16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768],
                                              128, key="gpt_width", bind="query-params", disabled=locked)
            size["block_size"] = c2.select_slider(T.t("block_size", lang), [8, 16, 32, 64, 128, 256, 512], 64,
                                                  key="gpt_context", bind="query-params", disabled=locked)
        pre_ln = c2.radio(T.t("ln", lang), [False, True], key="gpt_preln", bind="query-params", horizontal=True,
                          disabled=locked,
                          format_func=lambda b: T.t("pre_ln" if b else "post_ln", lang), help=T.t("ln_help", lang))
        lr = c3.select_slider(T.t("lr", lang), LRS, DEFAULT.lr, key="gpt_lr", bind="query-params",
                              format_func=lambda x: f"{x:g}", disabled=locked, help=T.t("lr_help", lang))
        batch = c3.select_slider(T.t("batch", lang), [1, 2, 4, 8, 12, 16, 32, 64], DEFAULT.batch_size, key="gpt_batch",
                                 bind="query-params", disabled=locked)
        steps = c3.select_slider(T.t("steps", lang), [20, 100, 250, 500, 1000, 2000, 3000, 5000, 10000],
                                 DEFAULT.max_iters, key="gpt_steps", bind="query-params", disabled=locked)
        every = c3.select_slider(T.t("sample_every", lang), [0, 100, 250, 500, 1000], DEFAULT.sample_interval,
                                 key="gpt_sample_every", bind="query-params", disabled=locked)
    settings = JobSettings(tokenizer=tok, vocab_size=vocab, preset=preset, pre_ln=pre_ln, lr=lr, batch_size=batch,
                           max_iters=steps, sample_interval=every,
                           **{k: size[k] for k in ("n_layer", "n_head", "n_embd", "block_size")})
    valid = size["n_embd"] % size["n_head"] == 0
    if not valid:
        st.warning(T.t("bad_heads", lang, **size))
    elif not locked:
        valid = _memory_line(settings, corpus.train, lang)
    return settings, corpus, valid


def _memory_line(settings: JobSettings, train: str, lang: str) -> bool:
    """The training's estimated memory against the per-training budget (core.gpt.memory_budget): a caption,
    or the message saying what fits (Start is then disabled; build_job refuses it anyway)."""
    vocab = len(set(train)) + 1 if settings.tokenizer == "char" else settings.vocab_size  # about what it trains
    try:
        est = memory_budget.check(settings.model_config(vocab), settings.batch_size)
    except UserInputError as e:
        shell.show_error(e)
        return False
    st.caption(T.t("memory", lang, need=f"{est.total_mb:,.0f}", budget=f"{memory_budget.budget_mb():,.0f}"))
    return True


def _fmt_params(n: int) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n / 1e3:.0f}k"


def live_view(slot: JobSlot, lang: str, page_status: str | None, views_shown: bool, read_only: bool = False) -> None:
    """Progress, metrics, curves and samples of this session's job (polled while it runs).

    `read_only` (a view shared on purpose): progress and curves only, without the samples or the text's name."""
    job = slot.job
    if job is None:
        return
    v = job.view()
    text = T.t("progress", lang, status=T.t(f"status_{v.status}", lang), step=v.step, total=v.max_iters)
    if v.eta_s is not None:
        text += T.t("eta", lang, eta=duration(v.eta_s, lang))
    st.progress(v.progress, text=text)
    if v.status == "queued":  # no model has moved yet: the place and the wait, not three empty charts
        if v.queue is not None:
            queued_line(v.queue, lang)
        if st.session_state.get("gpt_seen_status") != v.status:
            st.session_state["gpt_seen_status"] = v.status
        return
    if v.message is not None:
        shell.show_error(v.message)
    if not read_only and job.save_error is not None:  # a full disk: never lost without a word
        shell.show_error(job.save_error)
    refs = v.references
    ppl = st.session_state.get("gpt_ppl", False)
    names = {k: T.t(f"n_{k}", lang, n=int(refs.get("kn_n", 5))) for k in ("batch", "smoothed", "train", "val",
                                                                          "unigram", "bigram", "kn", "shipped")}
    x = T.t("x_step", lang)
    st.plotly_chart(charts.loss_figure(
        v.steps, v.loss, [e.step for e in v.evals], [e.train_loss for e in v.evals], [e.val_loss for e in v.evals],
        refs, names, T.t("ppl_title" if ppl else "loss_title", lang), x, T.t("y_ppl" if ppl else "y_loss", lang),
        perplexity=ppl, max_steps=v.max_iters, height=380), key="gpt_loss_chart")
    crossings_box(v, names, lang)
    m = st.columns(6)
    m[0].metric(T.t("m_step", lang), f"{v.step:,}")
    m[1].metric(T.t("m_loss", lang), f"{charts.ema(v.loss)[-1]:.3f}" if v.loss else "–")
    at_zero = bool(v.evals) and v.evals[-1].step == 0
    m[2].metric(T.t("m_val0" if at_zero else "m_val", lang), f"{v.last_val:.3f}" if v.last_val is not None else "–")
    m[3].metric(T.t("m_bigram", lang), f"{refs['bigram']:.3f}")
    m[4].metric(T.t("m_kn", lang, n=int(refs.get("kn_n", 5))),
                f"{refs['kn']:.3f}" if "kn" in refs else T.t("kn_pending", lang))
    m[5].metric(T.t("m_tps", lang), f"{v.tokens_per_s[-1]:,.0f}" if v.tokens_per_s else "–")
    st.toggle(T.t("show_ppl", lang), key="gpt_ppl", bind="query-params")
    st.caption(T.t("device_line", lang, device=v.device, threads=v.threads, params=_fmt_params(job.model.num_params()),
                   label="–" if read_only else plain(v.label)))
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.series_figure(v.steps, v.lr, T.t("y_lr", lang), T.t("lr_title", lang), x, T.t("y_lr", lang),
                                         max_steps=v.max_iters, tickformat="~g"), key="gpt_lr_chart")
    c2.plotly_chart(charts.series_figure(v.steps, v.tokens_per_s, T.t("y_tps", lang), T.t("tps_title", lang), x,
                                         T.t("y_tps", lang), smooth=True, max_steps=v.max_iters), key="gpt_tps_chart")
    if read_only:  # samples can reproduce the text it learns from, which may be the owner's upload
        return
    st.subheader(T.t("samples", lang))
    if v.samples:
        st.caption(T.t("samples_auto", lang))
        for step, s in reversed(v.samples[-3:]):
            st.caption(T.t("sample_at", lang, step=step))
            st.code(s, language=None, wrap_lines=True)
    if v.step > 0 and not views_shown:  # the model views below appear once there is a model
        st.rerun(scope="app")
    if st.session_state.get("gpt_seen_status") != v.status:  # buttons follow the job's state
        st.session_state["gpt_seen_status"] = v.status
        ended = not v.active and page_status in ("running", "paused")
        if ended or (page_status == "queued" and v.status != "queued"):
            st.rerun(scope="app")  # ended, or its turn came: the buttons change


def queued_line(queue: tuple[int, float | None], lang: str) -> None:
    """A training waiting for a turn: its place in the server's queue and about how long until it starts."""
    pos, wait_s = queue
    wait = (T.t("queued_wait", lang, wait=duration(wait_s, lang)) if wait_s is not None
            else T.t("queued_wait_unknown", lang))
    st.info(T.t("queued", lang, limit=jobs.MAX_CONCURRENT, pos=pos, wait=wait))


def crossings_box(v, names: dict[str, str], lang: str) -> None:
    """One line per reference line the held-out loss has crossed ("at step N the model beat …"), else
    the next line to beat; only numbers and our own texts go into the Markdown."""
    crossed = v.crossings()
    lines = [T.t(f"beat_{k}", lang, step=step, n=int(v.references.get("kn_n", 5))) for k, step in crossed.items()]
    if lines:
        st.success("  \n".join(lines))
    todo = [k for k in REFERENCE_LINES if k in v.references and k not in crossed]
    if todo and v.evals and v.evals[-1].step > 0:
        nxt = max(todo, key=lambda k: v.references[k])  # the highest line not yet under
        st.caption(T.t("not_yet", lang, step=v.evals[-1].step, val=v.last_val, name=names[nxt], ref=v.references[nxt]))


def show_live(slot: JobSlot, lang: str, page_status: str | None, views_shown: bool) -> None:
    """The live view as a fragment, re-run every POLL_S seconds while the job runs or is paused."""
    every = QUEUE_POLL_S if page_status == "queued" else POLL_S if page_status in ("running", "paused") else None
    st.fragment(guarded(live_view), run_every=every)(slot, lang, page_status, views_shown)


def show_watched(slot: JobSlot, lang: str) -> None:
    """A training shared on purpose (`?watch=`): its live view read-only, polled while it runs."""
    st.info(R.t("watching", lang))
    status = slot.job.status if slot.job is not None else None
    active = status in ("running", "paused")
    st.fragment(guarded(live_view), run_every=POLL_S if active else None)(slot, lang, status, True, True)


def model_views(slot: JobSlot, job: TrainingJob, corpus, lang: str) -> None:
    """Samples on demand, one layer's attention on a prompt, and W_p beside the sinusoidal encoding."""
    step = job.view().step
    corpus_lang = "ja" if corpus.lang_hint == "ja" else "en"  # default prompts the tokenizer knows
    st.button(T.t("refresh", lang, step=step), key="gpt_refresh", icon=":material/refresh:")
    with st.form("gpt_sample_form"):
        prompt = st.text_input(T.t("prompt", lang), T.t("prompt_default", corpus_lang), key="gpt_prompt",
                               bind="query-params", max_chars=500)
        f1, f2, f3 = st.columns(3)
        temp = f1.slider(T.t("temperature", lang), 0.0, 2.0, 0.8, 0.05, key="gpt_temp", bind="query-params",
                         help=T.t("temperature_help", lang))
        top_k = f2.slider(T.t("top_k", lang), 0, 200, 40, key="gpt_topk", bind="query-params")
        length = f3.slider(T.t("length", lang), 10, 500, 200, key="gpt_len", bind="query-params")
        if st.form_submit_button(T.t("generate", lang)):
            checked = check_text(prompt, max_chars=500, allow_empty=True)
            st.code(job.sample(checked.text, length, temp, top_k or None, seed=step), language=None, wrap_lines=True)

    running = job.view().status == "running"
    st.fragment(guarded(follow_views), run_every=VIEWS_S if running else None)(slot, corpus_lang, lang)
    st.caption(T.t("published", lang, label=plain(trained(slot).label)))


def follow_views(slot: JobSlot, corpus_lang: str, lang: str) -> None:
    """One layer's attention on a prompt, and W_p beside the sinusoidal encoding, of the model as it is
    now: a fragment re-run every VIEWS_S seconds while the job trains (not every poll: each copies the model)."""
    job = slot.job
    if job is None:
        return
    model = job.model_snapshot()
    step = job.view().step
    st.subheader(T.t("attention", lang))
    st.caption(T.t("attention_help", lang))
    a1, a2 = st.columns([3, 1])
    attn_prompt = a1.text_input(T.t("prompt", lang), T.t("attn_prompt_default", corpus_lang), key="gpt_attn_prompt",
                                bind="query-params", max_chars=500)
    layer = a2.selectbox(T.t("layer", lang), list(range(1, model.config.n_layer + 1)), key="gpt_attn_layer",
                         bind="query-params")
    try:
        tokens, atts = prompt_attention(model, job.tokenizer, check_text(attn_prompt, max_chars=500).text)
        if len(tokens) == model.config.block_size:
            st.caption(T.t("cut_prompt", lang, n=len(tokens)))
        st.plotly_chart(charts.attention_heads_figure(atts[layer - 1], tokens, T.t("attn_title", lang, layer=layer,
                        step=step), T.t("head", lang), T.t("keys", lang), T.t("queries", lang)), key="gpt_attn_chart")
    except UserInputError as e:
        shell.show_error(e)

    st.subheader(T.t("positional", lang))
    st.caption(T.t("positional_help", lang))
    wp, pe = position_matrices(model)
    p1, p2 = st.columns(2)
    pos = T.t("position", lang)
    p1.plotly_chart(position_similarity_heatmap(wp, T.t("wp_title", lang, step=step), cosine=True,
                                                x_title=pos, y_title=pos), key="gpt_wp_chart")
    p2.plotly_chart(position_similarity_heatmap(pe, T.t("sin_title", lang), cosine=True, x_title=pos, y_title=pos),
                    key="gpt_sin_chart")


def checkpoint_panel(slot: JobSlot, job: TrainingJob, settings: JobSettings, corpus, device, lang: str) -> None:
    """Download the training (resumable: weights, AdamW, schedule, batch generator, curves) or the weights
    alone; upload a checkpoint to continue from: a resumable one continues exactly (errors shown, never raised)."""
    st.subheader(T.t("checkpoint", lang))
    step = job.view().step
    d1, d2 = st.columns(2)
    d1.download_button(R.t("download_full", lang), data=lambda: job.checkpoint(with_optimizer=True),
                       file_name=f"gpt-step{step}-resumable.safetensors", mime="application/octet-stream",
                       key="gpt_download", on_click="ignore", help=R.t("download_full_help", lang))
    d2.download_button(R.t("download_small", lang), data=lambda: job.checkpoint(with_optimizer=False),
                       file_name=f"gpt-step{step}.safetensors", mime="application/octet-stream",
                       key="gpt_download_weights", on_click="ignore", help=R.t("download_small_help", lang))
    if job.saved_step is not None:
        st.caption(R.t("saved", lang, step=job.saved_step))
    up = st.file_uploader(T.t("upload", lang), key="gpt_ckpt_file", help=T.t("upload_help", lang))
    if up is not None and st.session_state.get("gpt_ckpt_loaded") != up.file_id:
        st.session_state["gpt_ckpt_loaded"] = up.file_id
        st.session_state.pop("gpt_ckpt_error", None)
        try:
            ck = load_checkpoint_bytes(up.getvalue())
            label = ck.extra.get("label") or up.name
            new = (TrainingJob.resumed(ck, corpus.train, corpus.heldout, device, label) if ck.resume is not None
                   else TrainingJob.from_checkpoint(ck, settings.train_config(), corpus.train, corpus.heldout, device,
                                                    label))
            slot.replace(new)
            set_trained_gpt_source(lambda: trained(slot))
            st.session_state["gpt_info"] = (ck.step, new.label)
            st.rerun()
        except UserInputError as e:
            st.session_state["gpt_ckpt_error"] = e
    if up is not None and "gpt_ckpt_error" in st.session_state:  # shown as long as the wrong file is there
        shell.show_error(st.session_state["gpt_ckpt_error"])
