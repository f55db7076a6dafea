"""The floor: what Django and gunicorn cost before any esep code runs.

esep's settings are loaded as they are (same apps, same middleware stack, same production
switches), but ROOT_URLCONF is swapped for bench/floor_urls.py, whose only view returns a plain
"ok". Every esep page benchmark is compared with this number.

Served by bench/run.py as `gunicorn bench.floor_wsgi:application` with /work/main on the path.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "esep.settings"
settings.ROOT_URLCONF = "bench.floor_urls"

application = get_wsgi_application()
