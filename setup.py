"""Build of the C fast path of the matcher's normalisation; everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("crawler.matching._fold", ["crawler/matching/_fold.c"]),
    ]
)
