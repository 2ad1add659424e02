"""Running text for pre-training, installed from Debian's package archive by package name at build time.

The shipped corpus (core.corpus) is ~90 KB per language: the pages' default text, far too little for a
GPT to beat an n-gram. `make models` adds free books that Debian ships in both languages — the Debian
Reference and the Debian Administrator's Handbook, with the Developer's Reference and the New
Maintainers' Guide — fetched with `apt-get download`, unpacked with `dpkg-deb`, cleaned to paragraphs of
prose (core.sources.clean) and cached under the disk cache. Nothing here runs while the app serves pages,
and no source text is committed: the model cards record each package, its version, licence and the
hash of the text it gave.

    catalog.py  which packages, which files in them, under which licence
    debian.py   fetch and unpack one package (a clear SourceError naming the package and the command)
    clean.py    HTML -> paragraphs of prose: markup, code blocks and tables dropped, deduplicated
    text.py     the pre-training text of one language: every source's paragraphs plus the shipped corpus
"""
