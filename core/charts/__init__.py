"""Pure functions that build plotly figures (no Streamlit): pages show them, tests inspect them."""
