"""The inbox shows a report's coded answers (country code, choice slugs) as the words the reporter
chose from, in the analyst's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from tnrwatch.intake.forms import INVOLVED, TACTICS
from tnrwatch.registry.models import Country

register = template.Library()

_CHOICES = {"involved": dict(INVOLVED), "tactics": dict(TACTICS)}


@register.filter
def answer_labels(codes, question: str) -> str:
    """`{{ answers.tactics|answer_labels:"tactics" }}` -> "Threats to my family in China, …".
    A code the form no longer offers is shown as it was stored."""
    labels = _CHOICES[question]
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def answer_country(code: str) -> str:
    """"NL" -> "Netherlands (NL)" in the reader's language; an unknown code as it was stored."""
    if not code:
        return ""
    country = Country.objects.filter(iso2=code.upper()).first()
    return f"{country.name_for(get_language() or 'en')} ({country.iso2})" if country else code
