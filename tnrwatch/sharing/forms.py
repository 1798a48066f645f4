"""Forms of the sharing staff pages (partners, CSV import)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tnrwatch.registry import vocabulary as v

from .models import Collection

GRANTABLE = [(k, label) for k, label in v.MARKINGS.items() if k != "red"]


def _collections() -> list[tuple[str, str]]:
    return [(c.slug, c.title) for c in Collection.objects.all()]


class PartnerForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    max_marking = forms.ChoiceField(choices=GRANTABLE, label=_("Highest marking shared"),
                                    help_text=_("TLP:RED never leaves this instance."))
    read = forms.MultipleChoiceField(choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("May read"))
    write = forms.MultipleChoiceField(choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("May write"))
    active = forms.BooleanField(required=False, initial=True, label=_("Active"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read"].choices = self.fields["write"].choices = _collections()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if "\x00" in name:
            raise forms.ValidationError(_("NUL characters are not allowed."))
        return name


class TrustForm(forms.Form):
    trusted = forms.BooleanField(required=False, label=_("Trusted for publication"),
                                 help_text=_("What this partner sends as TLP:CLEAR becomes public without an analyst's review."))
    reason = forms.CharField(max_length=500, required=False, label=_("Why"))


class SubscriptionForm(forms.Form):
    api_root_url = forms.URLField(max_length=500, label=_("Partner's TAXII API root"), assume_scheme="https")
    collection_id = forms.CharField(max_length=64, label=_("Collection id"))
    remote_token = forms.CharField(max_length=200, label=_("Our token at the partner"), widget=forms.PasswordInput)


class CsvUploadForm(forms.Form):
    KINDS = [("station", _("Stations")), ("response", _("Government responses"))]
    file = forms.FileField(label=_("CSV file"))
    kind = forms.ChoiceField(choices=KINDS, label=_("Each row is"))
