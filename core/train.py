"""`python -m core.train ...`: the GPT-1 trainer's command line (alone or under torchrun); the code is core.gpt.cli.

The name stays because the shipped models' cards, the README and torchrun invocations call it."""
import sys

from core.gpt.cli import run

if __name__ == "__main__":
    sys.exit(run())
