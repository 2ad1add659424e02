"""`python -m core.train ...`: the GPT-1 trainer's command line (alone or under torchrun).

The code lives in `core.gpt.train`; this name is kept because the README, the benchmarks and
torchrun invocations call it.
"""
from core.gpt.train import main

if __name__ == "__main__":
    main()
