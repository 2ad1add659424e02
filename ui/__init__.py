"""Streamlit glue shared by the pages: the shell (language, device), catalogs of UI text, pickers."""
