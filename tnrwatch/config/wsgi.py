import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tnrwatch.config.settings")
application = get_wsgi_application()

# The embedded worker: orphan-blob sweep at start-up, then the intake's periodic work (see
# tnrwatch/intake/tasks.py; TNR_INTAKE_HOUSEKEEPING_SECONDS=0 turns it off).
from tnrwatch.intake.tasks import housekeeping_start  # noqa: E402 - needs the app registry loaded above

housekeeping_start()

# Search purges owed by deletions (search/tasks.py): the thread starts here and pays what an
# earlier process left owed.
from tnrwatch.search.tasks import purge_start  # noqa: E402

purge_start()
