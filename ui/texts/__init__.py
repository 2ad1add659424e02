"""Bilingual strings (core.i18n.Catalog) used by several pages or by the shell; a page's own catalog is
`views/<page>/texts.py` (or `texts/`, with one module per section that has its own)."""
