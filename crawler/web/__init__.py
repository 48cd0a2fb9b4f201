"""The web UI and JSON API (FastAPI, server-rendered Jinja2 templates, no JavaScript needed).

``create_app(settings)`` in :mod:`crawler.web.app` builds the application; ``leakwatch web``
serves it. See docs/web.md.
"""
