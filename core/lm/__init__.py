"""Language models before neural networks: the chain rule, n-gram counts with smoothing, entropy and
perplexity, text normalization, and the units (characters, words, morphemes) the pages count.
"""
