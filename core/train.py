"""`python -m core.train ...`: the GPT-1 trainer's command line (alone or under torchrun).

The code lives in `core.gpt.cli`; this name is kept because the README, the benchmarks and
torchrun invocations call it.
"""
import sys

from core.gpt.cli import main, run

__all__ = ["main", "run"]  # main: the in-process entry the tests and benchmarks call

if __name__ == "__main__":
    sys.exit(run())
