"""``python -m crawler.cli``: the same as the ``leakwatch`` command."""

from crawler.cli import main

main()
