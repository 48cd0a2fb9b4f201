"""Scrapy spiders, one package per source family (forums, telegram, pastes, feeds, leaksites),
found through spiders.registry. Spiders only parse and yield their family's items
(``spiders/<family>/items.py``), which the pipeline stores through ``to_post_record()``."""
