"""A logging filter that keeps reporters' identifiers out of every log.

Django attaches the request to some log records (django.request, django.security); a handler that
formats it could print the path, and custom formatters could print REMOTE_ADDR or the user agent.
We drop the request object and any argument that carries request metadata, so no IP address, user
agent or referrer reaches a log line. See SECURITY.md.
"""

from __future__ import annotations

import logging


class DropRequestDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if hasattr(record, "server_time"):
            return False  # runserver access-log lines carry the client address
        return True
