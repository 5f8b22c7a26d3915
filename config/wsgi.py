"""WSGI entry point (refuses to load in production mode with the development SECRET_KEY)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from outsidein.common.secret_key import refuse_development_key_in_production  # noqa: E402

refuse_development_key_in_production()
