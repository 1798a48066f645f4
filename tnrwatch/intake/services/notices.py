"""Analysts hear that something arrived: an email through SMTP (settings.TNR_SMTP_URL; off by default).

Threat model: the mail provider, and anyone reading the analyst's mailbox, are outside the
server's protection. So a notice says only that there are new reports or replies in the inbox —
never their content, country, number or size — and comes at most once per
`notice_interval_minutes` per analyst, so its timing says little more than "something happened
in this interval". It is sent by the housekeeping thread (tasks.py), never on a reporter's request,
so a submission does not wait for, or fail because of, the mail server.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from tnrwatch.accounts.access import EDITORS
from tnrwatch.accounts.models import User

from ..config import intake_config
from ..models import AnalystNotice, Message, MessageAuthor, Report

logger = logging.getLogger(__name__)


def notices_send(*, now: datetime | None = None) -> int:
    """Email each analyst with news since their last notice (or sign-in), at most once per interval.

    Returns how many were sent. Does nothing unless TNR_SMTP_URL is set. An analyst whose mail
    cannot be delivered is tried again at the next round; nothing about the failure is kept but a
    log line without addresses.
    """
    if not getattr(settings, "TNR_SMTP_URL", ""):
        return 0
    now = now or timezone.now()
    interval = timedelta(minutes=intake_config().notice_interval_minutes)
    last_sent = dict(AnalystNotice.objects.values_list("user_id", "last_sent_at"))
    sent = 0
    connection = get_connection()
    for user in User.objects.filter(is_active=True, role__in=EDITORS).exclude(email=""):
        since = last_sent.get(user.pk) or user.last_login or user.date_joined
        if user.pk in last_sent and now - since < interval:
            continue
        if not _news_since(since):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("tnrwatch: new activity in the inbox")
            body = gettext("There are new reports or replies in the tnrwatch inbox. Sign in to read them.")
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection)
        except OSError:
            logger.warning("an analyst's notice could not be sent; retrying at the next round")
            continue
        AnalystNotice.objects.update_or_create(user=user, defaults={"last_sent_at": now})
        sent += 1
    return sent


def _news_since(since: datetime) -> bool:
    return (Report.objects.filter(created_at__gt=since).exists()
            or Message.objects.filter(author=MessageAuthor.REPORTER, created_at__gt=since).exists())
