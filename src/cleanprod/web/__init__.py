"""The CP centre platform: a Django application over the calculation core.

Run it with ``python -m cleanprod.web`` (Django's management commands; ``start`` prepares the
embedded database, loads the demo data on first start and serves on http://127.0.0.1:8000).
"""
