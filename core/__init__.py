"""Transformer Atlas's logic, with no Streamlit in it. One package per section of the app:
`lm` (language models), `tokenizers`, `transformer`, `gpt` (GPT-1), plus `runtime` (jobs, caches,
devices) and `charts` (pure functions that build plotly figures). Shared basics sit at the top:
`corpus`, `errors`, `i18n`, `textcheck`.
"""
