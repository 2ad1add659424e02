"""Transformer Atlas core: PyTorch and tokenizer logic. Never imports Streamlit."""
