"""GPT-1's transfer (Radford et al. 2018, §3.3, Figures 1 and 2, Table 5), trained for real at this app's scale.

One pre-trained backbone; four input layouts (core.gpt.tasks.transforms) and four heads; fine-tuning
with L3 = L2 + λ·L1 through the one core.runtime Trainer; how accuracy grows with the number of
pre-trained layers kept, and how zero-shot answers improve as pre-training goes on.

    heads.py     start/delim/extract rows, TaskModel (the four heads), LM targets, L3, NLL vs CE
    data.py      the four tasks (classification = the topic task) as `Task`, encoded to padded rows
    fit.py       the backbone source (the shipped GPT/LSTM, else a fallback pre-training), layers transferred,
                 one fine-tuning run through the Trainer
    zeroshot.py  LM-only answers for Figure 2 (right): the shipped curves (zeroshot-<lang>.json, built by
                 `make models`) or, as a fallback, snapshots of a pre-training run here
    stats.py     mean ± spread over seeds, the gap between variants with its standard error
    job.py       TransferJob (a core.runtime.jobs.BackgroundJob), every unit cached via diskcache
    suite.py     all four tasks of one language as one JSON (bench/finetune.py; shipped as transfer-<lang>.json)
"""
