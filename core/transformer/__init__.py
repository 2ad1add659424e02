"""The Transformer's parts: scaled dot-product and multi-head attention with masks, positional
encodings, a small encoder-decoder (number words -> digits), pretrained models loaded offline, and the
bertviz HTML views.
"""
