"""GPT-1: the model (post-LN decoder, tied embeddings, learned positions), GELU, the LSTM baseline, pre-training
on the corpus (data, pretrain, cli; the loop itself is core.runtime.trainer), the page's training job
(job_settings, training_job, memory_budget), and beside them:

    checkpoints/  the checkpoint file, its header checks, the resume state, the page's autosave
    finetune/     fine-tuning with an auxiliary LM loss (Table 5, the Task formats page): one engine
    tasks/        the datasets of the four task formats, and the pre-training text
    inside/       looking inside a trained GPT: attention, sampling, per-token guesses, logit lens, knockout, residual
    timing/       what the pages time: GELU's forms, an LSTM step against a Transformer's

The shipped GPT and LSTM (and the Rebuild button) are core.shipped, shared with the tokenizers' shipped files.
"""
