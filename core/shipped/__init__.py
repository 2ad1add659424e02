"""What ships in `assets/models/` (built by `scripts/build_models.py`, `make models`) and how a page rebuilds it.

    paths.py    where shipped files are (assets/models/) and where a rebuild writes (the cache): every
                package's shipped files (tokenizers, sweeps, encoder–decoders, notes, GPT, LSTM) live under them
    models.py   the shipped GPT and LSTM: loading (checked, cached per process), cards, held-out loss
    rebuild.py  the Rebuild button: `build_models.py --only <kind>` as a background job
"""
