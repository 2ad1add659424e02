"""GPT-1: the model (post-LN decoder, tied embeddings, learned positions), GELU, pre-training on the
corpus (data, pretrain, cli; the loop itself is core.runtime.trainer), the page's training job, the
LSTM baseline, checkpoints, and fine-tuning with an auxiliary LM loss (the finetune package: Table 5).
"""
