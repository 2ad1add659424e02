"""Benches: each measures one of the app's stated goals and prints one JSON object on its last line.

Run one from the repository root as a module, `.venv/bin/python -m bench.<name> [options]` (the repository is
then on the path, nothing else is), or all with `make bench` (its list is the Makefile's BENCHES):

    pages            every page's re-render; `--interactions`: every widget change, warm
    first_open       every page's first open by a first visitor (fresh process, empty cache)
    first_start      seconds from Start (the training page's defaults) until the loss is under the bigram line
    ngram            n-gram training speed and held-out perplexity
    tokenizer_speed  our BPE trainer against a naive recount and SentencePiece; encoding throughput
    attention        MiniLM attention, bertviz HTML size, attention-page interactions
    gelu             GELU's approximation errors and the cost of each form
    train_gpt        the reference config's training step: tokens/s and MFU
    reference        our trainer against a nanoGPT-style reference (time to its final loss)
    finetune         the task formats' transfer from the shipped GPT (Figure 2, zero-shot)
    table5           GPT-1's Table 5 ablations at the fine-tuning page's quick budget
    soak             a real server under several browser sessions: health latency, memory, outbound requests
    shutdown         SIGTERM to exit while a page's job runs, and what it saved
    class_load       N simulated students (Streamlit's websocket protocol) on one server or K behind HAProxy

`spy` is soak's library (py-spy dumps during slow health checks); `gpu_check.sh` is the device check for a machine
with a GPU. Finished investigations are in docs/FINDINGS.md, with the commit that can rerun each.
"""
