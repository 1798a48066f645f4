"""Forms of the review pages: parse and bound the input; the services validate the meaning."""

from __future__ import annotations

from typing import Any

from django import forms

from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.services import MERGEABLE_TYPES


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError("NUL characters are not allowed.")


class CorrectionForm(forms.Form):
    country = forms.CharField(max_length=2, required=False, help_text="ISO 3166-1 alpha-2, e.g. NL")
    action = forms.ChoiceField(choices=[("", "—")] + list(v.RESPONSE_ACTIONS.items()), required=False)
    city = forms.CharField(max_length=200, required=False, validators=[_no_nul])
    operator = forms.CharField(max_length=300, required=False, validators=[_no_nul])
    value = forms.DecimalField(required=False, min_value=0, max_value=10**12 - 1, decimal_places=2, max_digits=16)
    what = forms.CharField(max_length=300, required=False, validators=[_no_nul])
    body = forms.CharField(max_length=300, required=False, validators=[_no_nul],
                           help_text="The acting body of a response, e.g. Ministry of Justice")
    date = forms.RegexField(regex=r"^\d{4}(-\d{2}(-\d{2})?)?$", required=False, help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    # People (public actors only) and addresses.
    name = forms.CharField(max_length=300, required=False, validators=[_no_nul])
    role = forms.CharField(max_length=300, required=False, validators=[_no_nul])
    organization = forms.CharField(max_length=300, required=False, validators=[_no_nul])
    basis = forms.ChoiceField(choices=[("", "—")] + list(v.PUBLIC_ACTOR_BASES.items()), required=False,
                              help_text="Why this person is a public actor")
    address = forms.CharField(max_length=300, required=False, validators=[_no_nul])

    def corrections(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("value") is not None:
            number = data["value"]
            data["value"] = int(number) if number == int(number) else float(number)
        return {k: (val if val not in ("",) else None) for k, val in data.items()}


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False, validators=[_no_nul])


class MergeForm(forms.Form):
    subject_type = forms.ChoiceField(choices=[(k, k) for k in MERGEABLE_TYPES])
    kept = forms.IntegerField(min_value=1, max_value=2**62)
    merged = forms.IntegerField(min_value=1, max_value=2**62)
    reason = forms.CharField(max_length=1000, required=False, validators=[_no_nul])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadedFilesField(forms.Field):
    """Every file of the field, as the upload handler left them. No check here: an empty, junk or
    too large file is that document's failure (as on the command line), not the form's."""

    widget = MultipleFileInput

    def clean(self, value):  # noqa: ANN001, ANN201 - Django's signature
        return [f for f in (value or []) if f]


class CaptureForm(forms.Form):
    urls = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), max_length=200 * 2000,
                           required=False, validators=[_no_nul], help_text="One http(s) URL per line.")
    files = UploadedFilesField(required=False, help_text="HTML, PDF or text files; several at once.")  # type: ignore[assignment]  # a field named like BaseForm.files (the metaclass takes it out of the class)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update(accept=".html,.htm,.xhtml,.pdf,.txt,.text,text/html,application/pdf,text/plain")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.url_list() and not data.get("files"):
            raise forms.ValidationError("Give at least one http(s) URL or one file.")
        return data

    def url_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("urls", "").splitlines() if line.strip()]
