"""GPT-1 fine-tuning with an auxiliary LM loss, and the paper's ablations (Table 5) at a small scale.

GPT-1 (Radford et al. 2018, §3.2) puts a linear layer W_y on the pre-trained model's last hidden state
at an extract token and trains L3 = L2 + λ·L1 (classification NLL plus λ times the LM loss).
Ablations (Table 5): full (pre-trained, λ = 0.5), w/o pre-training (random init, λ = 0.5),
w/o aux LM (pre-trained, λ = 0), LSTM w/ aux LM (an LSTM LM pre-trained with the same budget).
The task is topic classification of passages of the shipped corpus (core.gpt.topic_data); pre-training
reads only the training paragraphs' text, so the held-out passages are unseen by every model.

    settings.py   variants, budgets, Settings, backbones, the task tokenizer
    heads.py      the extract token, TopicClassifier (W_y), batches, L1/L2/L3, evaluation, predict
    loops.py      LM pre-training and fine-tuning, both through core.runtime.trainer.Trainer
    backbones.py  the backbones not pre-trained here: the shipped GPT/LSTM (the quick budget) or a live GPT
    job.py        FinetuneJob (a core.runtime.jobs.BackgroundJob), results cached via core.runtime.diskcache

Every public name is importable from `core.gpt.finetune` itself.
"""
from core.gpt.finetune.heads import (IGNORE, Curves, Encoded, TopicClassifier, add_extract_token, encode_batch,
                                     encode_examples, evaluate, finetune_loss, predict)
from core.gpt.finetune.backbones import (LivePretrained, ShippedBackbones, check_live_fits, load_shipped_backbones,
                                         unknown_fraction)
from core.gpt.finetune.job import FT_STEP_COST, FinetuneJob, FinetuneView, VariantResult, run_experiment
from core.gpt.finetune.loops import Stopped, dump_state, finetune, load_state, pretrain
from core.gpt.finetune.settings import (BUDGETS, CACHE_VERSION, PAPER, PRETRAIN_SEED, VARIANT_SPECS, VARIANTS, VOCAB,
                                        Budget, Settings, Variant, cache_key, gpt_config, new_backbone, task_tokenizer)

__all__ = ["IGNORE", "Curves", "Encoded", "TopicClassifier", "add_extract_token", "encode_batch", "encode_examples",
           "evaluate", "finetune_loss", "predict", "FT_STEP_COST", "FinetuneJob", "FinetuneView", "LivePretrained",
           "VariantResult", "check_live_fits", "ShippedBackbones", "load_shipped_backbones", "unknown_fraction", "run_experiment", "Stopped", "dump_state", "finetune", "load_state",
           "pretrain", "BUDGETS", "CACHE_VERSION", "PAPER", "PRETRAIN_SEED", "VARIANT_SPECS", "VARIANTS", "VOCAB",
           "Budget", "Settings", "Variant", "cache_key", "gpt_config", "new_backbone", "task_tokenizer"]
