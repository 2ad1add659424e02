"""`python -m core.train ...`: the GPT-1 trainer's command line (alone or under torchrun).

The code lives in `core.gpt.cli`; this name is kept because the README, the benchmarks and
torchrun invocations call it.
"""
from core.gpt.cli import main

if __name__ == "__main__":
    main()
