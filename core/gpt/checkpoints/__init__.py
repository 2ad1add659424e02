"""A GPT's checkpoints: the file (safetensors with the config, tokenizer and optional resume state in its header),
the header's checks before anything is allocated, the resume state, and the page's autosave.

    files.py     save_checkpoint / load_checkpoint / Checkpoint, tokenizer_to_meta
    header.py    every header field checked (sizes, names, shapes, numbers) from the bytes alone
    resume.py    ResumeState: optimizer, RNG and curves, so a training goes on where it stopped
    autosave.py  the page's checkpoint under its `?run=` token, and the corpus it trained on
"""
