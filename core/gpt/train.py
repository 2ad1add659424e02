"""GPT pre-training's public names in one place, for code written before the split.

The pieces live in `core.gpt.data` (TokenData, build_tokenizer, ngram_reference), `core.gpt.pretrain`
(TrainConfig, the LM loss and evaluation, gpt_trainer, generate_text), `core.gpt.cli` (the command
line) and `core.runtime.trainer` (the one training loop) / `core.runtime.threads` (ThreadTuner).
"""
from core.gpt.cli import main, model_config_from_args, parse_args
from core.gpt.data import TOKENIZERS, TokenData, build_tokenizer, ngram_reference
from core.gpt.pretrain import EvalInfo, TrainConfig, configure_optimizer, generate_text, gpt_trainer, summary
from core.runtime.threads import ThreadTuner
from core.runtime.trainer import StepInfo, Trainer, TrainResult

__all__ = ["main", "model_config_from_args", "parse_args", "TOKENIZERS", "TokenData", "build_tokenizer",
           "ngram_reference", "EvalInfo", "TrainConfig", "configure_optimizer", "generate_text", "gpt_trainer",
           "summary", "ThreadTuner", "StepInfo", "Trainer", "TrainResult"]

if __name__ == "__main__":
    main()
