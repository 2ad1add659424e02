"""GPT-1: the model (post-LN decoder, tied embeddings, learned positions), GELU, pre-training on the
corpus, the LSTM baseline, checkpoints, and fine-tuning with an auxiliary LM loss (the paper's Table 5).
"""
