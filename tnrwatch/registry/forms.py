"""Workspace forms. They parse and validate input only: views hand `cleaned_data` to a service.

Model forms are used for their validation (choices, lengths, foreign keys, dates); `save()` is
never called. Free-text fields without a database limit get one here, so oversized input is a
form error, not a 500. NUL characters are refused by Django's form fields.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from . import vocabulary as v
from .models import (
    Address,
    Evidence,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Person,
    Source,
    Station,
    Tie,
)
from .selectors import subject_get
from .subjects import CLAIM_SUBJECT_TYPES, subject

TEXT_MAX = 20_000
VALUE_MAX = 2_000
QUOTE_MAX = 5_000
REASON_MAX = 2_000
MAX_ID = 2**63 - 1
# The record types a claim can be about, with their labels (the value stays the slug).
_SUBJECT_CHOICES = [(s, subject(s).label) for s in CLAIM_SUBJECT_TYPES]


class DateInput(forms.DateInput):
    input_type = "date"


def _id_in_range(value) -> bool:
    """False for integers no database column can hold (they would raise instead of not matching)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return True  # not a number: Django's own lookup refuses it with a form error
    return -(2**63) <= number < 2**63


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _id_in_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _id_in_range(item):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": str(item)[:50]})
        return super()._check_values(value)


def _marking_choices(user=None) -> list[tuple[str, str]]:  # noqa: ANN001 - a User or None
    """The markings a form offers; TLP:CLEAR (public) only to those who may publish
    (`accounts.access.may_publish`): an analyst proposes, a reviewer publishes."""
    from tnrwatch.accounts.access import may_publish

    if user is not None and not may_publish(user):
        return [(k, label) for k, label in v.MARKINGS.items() if k != "clear"]
    return list(v.MARKINGS.items())


def _default_for(choices: list[tuple[str, str]]) -> str:
    from .models import default_marking

    offered = [k for k, _label in choices]
    return default_marking() if default_marking() in offered else offered[0]


FIELD_LABELS = {
    "name_en": _("Name (English)"),
    "name_zh": _("Name (Chinese, any script)"),
    "host_organization": _("Host organisation"),
    "operator": _("Operator (public security bureau)"),
    "body_kind": _("Kind of body"),
    "body": _("Body (who acted)"),
    "region": _("Province or state"),
}


class EntityForm(forms.ModelForm):
    """Base of the entity forms: bounded text, date pickers, optional `city` and `marking`."""

    with_city = False

    def __init__(self, *args, with_marking: bool = False, user=None, **kwargs):  # noqa: ANN001
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Same fields, plus a range check on ids (an out-of-range id is a form error, not a 500).
            if type(field) is forms.ModelChoiceField:
                field.__class__ = BoundedModelChoiceField
            elif type(field) is forms.ModelMultipleChoiceField:
                field.__class__ = BoundedModelMultipleChoiceField
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = TEXT_MAX
                field.validators.append(MaxLengthValidator(TEXT_MAX))
                field.widget.attrs["maxlength"] = str(TEXT_MAX)
        for name, label in FIELD_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        if self.with_city:
            self.fields["city"] = forms.CharField(
                label=_("City"), max_length=200, required=False,
                help_text=_("Looked up in the offline gazetteer for coordinates; leave empty if unknown."),
            )
            # Show the city right after the country it belongs to.
            order = list(self.fields)
            order.remove("city")
            anchor = "host_country" if "host_country" in order else "country"
            order.insert(order.index(anchor) + 1 if anchor in order else len(order), "city")
            self.order_fields(order)
        if with_marking:
            choices = _marking_choices(user)
            self.fields["marking"] = forms.ChoiceField(
                label=_("Marking (TLP)"), choices=choices, initial=_default_for(choices),
                help_text=_("Only TLP:CLEAR records appear on the public atlas."),
            )


class OrganizationForm(EntityForm):
    with_city = True

    class Meta:
        model = Organization
        fields = ["kind", "name_en", "name_zh", "country", "region", "description"]


class StationForm(EntityForm):
    with_city = True

    class Meta:
        model = Station
        fields = ["name_en", "name_zh", "country", "operator", "host_organization", "first_reported", "description"]
        widgets = {"first_reported": DateInput}


class ResponseForm(EntityForm):
    with_city = True

    class Meta:
        model = GovernmentResponse
        fields = ["country", "action", "body_kind", "body", "date", "date_precision", "stations", "summary"]
        widgets = {"date": DateInput}


class IncidentForm(EntityForm):
    with_city = True

    class Meta:
        model = Incident
        fields = ["date", "date_precision", "origin_country", "host_country", "tactic", "target_category",
                  "stations", "summary"]
        widgets = {"date": DateInput}


class SourceForm(EntityForm):
    class Meta:
        model = Source
        fields = ["kind", "kind_confirmed", "title", "publisher", "author", "url", "published", "language"]
        widgets = {"published": DateInput}


class FigureForm(EntityForm):
    class Meta:
        model = Figure
        fields = ["kind", "value", "label", "period_start", "period_end", "country"]
        widgets = {"period_start": DateInput, "period_end": DateInput}


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    marking = forms.ChoiceField(label=_("Marking"), choices=[("", _("any"))] + _marking_choices(), required=False)


class ClaimFilterForm(ListFilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("any"))] + list(v.CLAIM_STATUSES.items()), required=False)
    subject_type = forms.ChoiceField(label=_("About"), choices=[("", _("any")), *_SUBJECT_CHOICES], required=False)


class EvidenceForm(forms.Form):
    source = BoundedModelChoiceField(label=_("Source"), queryset=Source.objects.order_by("title"))
    quote = forms.CharField(label=_("Verbatim quote"), max_length=QUOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Copy the exact words from the source."))
    stance = forms.ChoiceField(label=_("Stance"), choices=Evidence.Stance.choices, initial=Evidence.Stance.SUPPORTS)
    location = forms.CharField(label=_("Where in the source"), max_length=200, required=False,
                               help_text=_("Page, paragraph or section"))
    marking = forms.ChoiceField(label=_("Marking (TLP)"), choices=_marking_choices(), required=False,
                                help_text=_("Who may see this quote. New quotes start at the instance's default."))

    def __init__(self, *args, user=None, **kwargs):  # noqa: ANN001 - a User or None
        super().__init__(*args, **kwargs)
        self.fields["marking"].choices = _marking_choices(user)
        self.fields["marking"].initial = _default_for(self.fields["marking"].choices)


class ClaimForm(EvidenceForm):
    subject_type = forms.ChoiceField(label=_("About (record type)"), choices=_SUBJECT_CHOICES)
    subject_id = forms.CharField(label=_("Record id"), max_length=32,
                                 help_text=_("The number shown on the record's page; for a country, its ISO code (NL, CZE)."))
    prop = forms.CharField(label=_("Property"), max_length=64, help_text=_("e.g. status, operator, response, count"))
    value = forms.CharField(label=_("Value"), max_length=VALUE_MAX)

    field_order = ["subject_type", "subject_id", "prop", "value", "source", "quote", "stance", "location", "marking"]

    def clean_subject_id(self) -> str:
        value = self.cleaned_data["subject_id"].strip()
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            return value
        if value.isascii() and value.isalpha() and len(value) in (2, 3):
            return value.upper()
        raise forms.ValidationError(_("Enter a record number, or a country's ISO code."))

    def clean(self):
        data = super().clean()
        if data.get("subject_type") and data.get("subject_id"):
            subject = subject_get(data["subject_type"], data["subject_id"])
            if subject is None:
                self.add_error("subject_id", _("No such record."))
            else:
                data["subject"] = subject
        return data


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required: why the status changes, and on what evidence."))


class ClaimStatusForm(StatusForm):
    status = forms.ChoiceField(label=_("New status"), choices=list(v.CLAIM_STATUSES.items()))
    field_order = ["status", "reason"]


class StationStatusForm(StatusForm):
    status = forms.ChoiceField(label=_("New status"), choices=list(v.STATION_STATUSES.items()))
    date = forms.DateField(label=_("Date of the change"), required=False, widget=DateInput)
    field_order = ["status", "date", "reason"]


class SourceReuseForm(forms.Form):
    republish_allowed = forms.BooleanField(
        label=_("May be republished"), required=False,
        help_text=_("The public may read the captured text and download the copy. Off unless the terms allow it."))
    reuse_terms = forms.CharField(label=_("Licence or reason"), max_length=500, required=False,
                                  help_text=_("e.g. CC BY 4.0; official notice; court filing"))


class MarkingForm(forms.Form):
    marking = forms.ChoiceField(label=_("Marking (TLP)"), choices=_marking_choices())

    def __init__(self, *args, user=None, **kwargs):  # noqa: ANN001 - a User or None
        super().__init__(*args, **kwargs)
        self.fields["marking"].choices = _marking_choices(user)


class PublishForm(forms.Form):
    """Confirms a publication preview (the preview is recomputed when the form is posted)."""

    confirm = forms.BooleanField(label=_("I have read what will become public"), required=True)


class ProposeForm(forms.Form):
    note = forms.CharField(label=_("Note for the reviewer"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AuditFilterForm(forms.Form):
    subject = forms.CharField(label=_("Subject (type or type:id)"), max_length=100, required=False)
    actor = forms.CharField(label=_("Actor (username)"), max_length=150, required=False)
    action = forms.CharField(label=_("Action (prefix)"), max_length=64, required=False)


def _not_public(form: forms.Form) -> None:
    """A person or a tie to one is never created CLEAR: it becomes public only by publication."""
    field = form.fields.get("marking")
    if isinstance(field, forms.ChoiceField):
        field.choices = [(k, label) for k, label in v.MARKINGS.items() if k != "clear"]
        field.initial = "amber"


class PersonForm(EntityForm):
    """A public actor only: an official, an organisation's leader, a person named in a court record."""

    class Meta:
        model = Person
        fields = ["name_en", "name_zh", "public_basis", "position", "country", "birth_date",
                  "birth_date_precision", "description"]
        widgets = {"birth_date": DateInput}

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["public_basis"].help_text = _("Never a reporter, a victim or a relative: they are never recorded as persons.")
        self.fields["birth_date"].help_text = _("Only when a public record (a court filing, a registry) gives it.")
        _not_public(self)


class AddressForm(EntityForm):
    class Meta:
        model = Address
        fields = ["full", "street", "postcode", "city", "country", "latitude", "longitude"]


TIE_END_CHOICES = [(t, t) for t in v.TIE_END_TYPES]


class TieForm(EntityForm):
    """Creating a tie takes its two ends and the first quote; editing only its role and dates
    (and, for a family tie, the reason it may be public)."""

    class Meta:
        model = Tie
        fields = ["kind", "role", "start_date", "start_precision", "end_date", "end_precision", "public_reason"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, with_marking: bool = False, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, with_marking=with_marking, **kwargs)
        self.creating = with_marking  # the workspace's create view asks for a marking, its edit view does not
        self.fields["public_reason"].label = _("Why this family tie may be public")
        if self.creating:
            del self.fields["public_reason"]
            self.fields["from_type"] = forms.ChoiceField(label=_("From (record type)"), choices=TIE_END_CHOICES)
            self.fields["from_id"] = forms.IntegerField(label=_("From (record id)"), min_value=1, max_value=MAX_ID)
            self.fields["to_type"] = forms.ChoiceField(label=_("To (record type)"), choices=TIE_END_CHOICES)
            self.fields["to_id"] = forms.IntegerField(label=_("To (record id)"), min_value=1, max_value=MAX_ID)
            self.fields["source"] = BoundedModelChoiceField(label=_("Source"), queryset=Source.objects.order_by("title"))
            self.fields["quote"] = forms.CharField(label=_("Verbatim quote"), max_length=QUOTE_MAX,
                                                   widget=forms.Textarea(attrs={"rows": 4}))
            self.fields["location"] = forms.CharField(label=_("Where in the source"), max_length=200, required=False)
            self.order_fields(["kind", "from_type", "from_id", "to_type", "to_id", "role", "start_date",
                               "start_precision", "end_date", "end_precision", "source", "quote", "location"])
        else:
            del self.fields["kind"]

    def clean(self):
        data = super().clean()
        if not self.creating:
            return data
        # The names `registry.services.tie_create` takes.
        out = {k: data[k] for k in ("kind", "role", "start_precision", "end_precision", "source", "quote", "location",
                                    "marking") if k in data}
        if "from_type" in data and "from_id" in data:
            out["from_end"] = (data["from_type"], data["from_id"])
        if "to_type" in data and "to_id" in data:
            out["to_end"] = (data["to_type"], data["to_id"])
        out["start"], out["end"] = data.get("start_date"), data.get("end_date")
        return out


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Their response"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Their words; leave empty when they did not answer."))
    requested_on = forms.DateField(label=_("Asked on"), required=False, widget=DateInput)
    received_on = forms.DateField(label=_("Answered on"), required=False, widget=DateInput)
    source = BoundedModelChoiceField(label=_("Document of the reply"), queryset=Source.objects.order_by("title"),
                                     required=False)
    claim = forms.IntegerField(label=_("Claim it answers (number)"), min_value=1, max_value=MAX_ID, required=False,
                               help_text=_("Empty when it answers the record as a whole."))

    def clean_claim(self):
        from .models import Claim

        number = self.cleaned_data.get("claim")
        if number is None:
            return None
        claim = Claim.objects.filter(pk=number).first()
        if claim is None:
            raise forms.ValidationError(_("No such claim."))
        return claim
