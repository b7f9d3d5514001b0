"""WSGI entry point: ``gunicorn cleanprod.web.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleanprod.web.settings")
application = get_wsgi_application()
