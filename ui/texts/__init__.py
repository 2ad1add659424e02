"""One module of bilingual strings per page (core.i18n.Catalog), plus `common` for the shell."""
