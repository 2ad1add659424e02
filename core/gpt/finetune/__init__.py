"""GPT-1's fine-tuning (Radford et al. 2018, §3.2-3.3, Figures 1-2, Table 5): one engine for both pages.

One pre-trained backbone (the shipped GPT or LSTM, a live-trained GPT, or a pre-training here); new token
rows and a linear head W_y on the final state at the extract token; L3 = L2 + λ·L1 (classification NLL
plus λ times the LM loss on the rows' text), trained by loops.fit through the one core.runtime Trainer.
Table 5's variants: full (pre-trained, λ = 0.5), w/o pre-training (random init), w/o aux LM (λ = 0),
LSTM w/ aux LM. The fine-tuning page runs them on topic classification ("text [extract]", curves,
predictions); the task-formats page on the four formats of Figure 1, with Figure 2's layer sweep and
zero-shot curves.

    settings.py   variants, budgets, the fine-tuning page's Settings, FitConfig (a run's recipe), backbones, tokenizer
    tasks.py      the four tasks (classification = the topic task) as `Task`, and their rows (both layouts)
    heads.py      the new token rows, TaskModel (W_y for every task), LM targets, L3, evaluation, predict
    loops.py      LM pre-training and `fit` (one fine-tuning run), both through core.runtime.trainer.Trainer
    backbones.py  the one source of pre-trained weights (shipped, live, or pre-trained here), build_backbone
    job.py        FinetuneJob (a core.runtime.jobs.BackgroundJob): one experiment for either page, every run cached
    results.py    what a job reports: VariantResult (a Table 5 row), FinetuneView
    zeroshot.py   LM-only answers for Figure 2 (right): the shipped curves or snapshots of a pre-training here
    stats.py      mean ± spread over seeds, gaps with their standard error, NLL against cross entropy
    suite.py      all four tasks of one language as one JSON (bench/finetune.py; shipped as transfer-<lang>.json)

The fine-tuning page's names are importable from `core.gpt.finetune` itself; the rest from their modules.
"""
from core.gpt.finetune.backbones import LivePretrained, ShippedBackbones, load_shipped_backbones
from core.gpt.finetune.heads import IGNORE, TaskModel, evaluate, predict, task_loss
from core.gpt.finetune.job import FT_STEP_COST, FinetuneJob, run_experiment
from core.gpt.finetune.loops import Curves, fit, pretrain
from core.gpt.finetune.results import FinetuneView, VariantResult
from core.gpt.finetune.settings import (BUDGETS, CACHE_VERSION, PAPER, PRETRAIN_SEED, VARIANT_SPECS, VARIANTS, VOCAB,
                                        Budget, FitConfig, Settings, Variant, cache_key, gpt_config, new_backbone,
                                        task_tokenizer)

__all__ = ["LivePretrained", "ShippedBackbones", "load_shipped_backbones", "IGNORE", "TaskModel", "evaluate",
           "predict", "task_loss", "FT_STEP_COST", "FinetuneJob", "FinetuneView", "VariantResult", "run_experiment",
           "Curves", "fit", "pretrain", "BUDGETS", "CACHE_VERSION", "PAPER", "PRETRAIN_SEED",
           "VARIANT_SPECS", "VARIANTS", "VOCAB", "Budget", "FitConfig", "Settings", "Variant", "cache_key",
           "gpt_config", "new_backbone", "task_tokenizer"]
