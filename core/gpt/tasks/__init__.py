"""GPT-1's transfer tasks, data side: three small bilingual tasks built by rule (entailment, similarity,
multiple choice), the paper's input transformations over token ids (Figure 1), and the strings a
plain language model would score for the zero-shot heuristics (Figure 2, right). No training here.
"""
