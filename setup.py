"""Build of the C fast path of the matcher's normalisation; everything else is in pyproject.toml.

The extension is optional: without a C compiler or the Python headers, the build warns and the
install goes on, and the matcher runs its pure-Python code (the reference the C code must equal).
Its character tables, ``_fold_tables.h``, are written from the Python ones by
``python -m crawler.matching.fold_header``.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "crawler.matching._fold",
            ["crawler/matching/_fold.c", "crawler/matching/_word_trie.c"],
            depends=["crawler/matching/_fold_tables.h", "crawler/matching/_word_trie.h"],
            optional=True,
        ),
    ]
)
