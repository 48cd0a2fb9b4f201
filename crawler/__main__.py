"""``python -m crawler`` runs the leakwatch CLI."""

from crawler.cli import main

main()
