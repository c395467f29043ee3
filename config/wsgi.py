import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

application = get_wsgi_application()

# The URLs and their views load on the first request unless asked for now; then everything
# start-up made is put out of the garbage collector's reach (kern.opstart).
from django.urls import get_resolver  # noqa: E402

from kern.opstart import langlevende_objecten_bevriezen  # noqa: E402

get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
langlevende_objecten_bevriezen()
