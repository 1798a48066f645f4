from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles, from most to least powerful."""

    ADMIN = "admin", _("Admin")
    ANALYST = "analyst", _("Analyst")
    REVIEWER = "reviewer", _("Reviewer")
    READ_ONLY = "read_only", _("Read-only")


class User(AbstractUser):
    """A staff member. Reporters never have accounts: they hold a receipt instead."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.READ_ONLY)


class FailedLogin(models.Model):
    """Consecutive failed password attempts for one username, for exponential back-off.

    Keyed by a SHA-256 of the lower-cased username, so that a password typed into the username
    field by mistake is never stored, and unknown usernames are throttled like known ones.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count} failures"
