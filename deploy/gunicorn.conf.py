"""gunicorn settings for tnrwatch in production (/etc/tnrwatch/gunicorn.conf.py; used by tnrwatch-web.service).

No access log: gunicorn's would hold client details, and nginx in front logs nothing either
(SECURITY.md, "No identifying trail"). Errors go to the journal without request details.
"""

import multiprocessing
import os

bind = os.environ.get("TNR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TNR_WEB_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
worker_class = "sync"
timeout = 120  # a 100 MB report over a slow link; nginx streams the body through
graceful_timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
capture_output = True
# Only nginx on this machine may say which scheme the client used.
forwarded_allow_ips = "127.0.0.1,::1"
# The request limits nginx also enforces, so an error gunicorn makes itself is rare (it still gets
# nginx's headers on the way out).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Workers are recycled now and then, so memory a large report used comes back.
max_requests = 2000
max_requests_jitter = 200
