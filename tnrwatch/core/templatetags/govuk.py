"""Django form fields as GOV.UK Frontend components (docs/design.md): which component a field is,
and its widget with the component's class. `templates/govuk/_form.html` lays out label, hint and
error around it, so a form is one include: `{% include "govuk/_form.html" %}`."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

# the most specific widget class first: a RadioSelect is also a Select
_KINDS: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Select, "select"),
    (forms.Textarea, "textarea"),
    (forms.FileInput, "file-upload"),
)
_WIDGET_CLASS = {"select": "govuk-select", "textarea": "govuk-textarea", "file-upload": "govuk-file-upload",
                 "input": "govuk-input", "checkbox": "govuk-checkboxes__input"}


@register.filter
def govuk_kind(field: forms.BoundField) -> str:
    """checkboxes, radios, checkbox (a single yes/no), select, textarea, file-upload or input."""
    widget = field.field.widget
    return next((kind for cls, kind in _KINDS if isinstance(widget, cls)), "input")


@register.filter
def govuk_widget(field: forms.BoundField) -> SafeString:
    """The field's widget with its component's class (and the error modifier) added to any it has;
    Django adds aria-describedby for the hint and the error."""
    kind = govuk_kind(field)
    base = _WIDGET_CLASS.get(kind, "")
    classes = (field.field.widget.attrs.get("class") or "").split()
    wanted = [base] + ([f"{base}--error"] if field.errors and kind != "checkbox" else [])
    classes += [c for c in wanted if c and c not in classes]
    return field.as_widget(attrs={"class": " ".join(classes)})


@register.filter
def claim_status_label(status: str) -> str:
    """"corroborated" -> "Corroborated", in the current language (the vocabulary's own label)."""
    from django.utils.translation import gettext

    from tnrwatch.registry import vocabulary

    label = vocabulary.CLAIM_STATUSES.get(status)
    return gettext(label) if label else status
