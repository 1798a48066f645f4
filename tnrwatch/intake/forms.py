"""The reporter's form and the inbox's small forms. Validation only; no writes here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from tnrwatch.registry import selectors as registry_selectors
from tnrwatch.registry.models import Country, Incident

from .models import ProtectionResource, ReportState, RiskLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INVOLVED = [
    ("station", _("An overseas \"police service station\"")),
    ("association", _("A community association or hometown association")),
    ("police_china", _("Police or officials in China")),
    ("other", _("Someone else")),
    ("unknown", _("I don't know")),
]

TACTICS = [
    ("family_threats", _("Threats to my family in China")),
    ("return_demands", _("Demands that I return to China")),
    ("home_visits", _("Visits at my home")),
    ("surveillance", _("Surveillance or being followed")),
    ("online_harassment", _("Online harassment")),
    ("informing", _("Being asked to inform on others")),
    ("documents", _("Pressure through documents or my passport")),
    ("other", _("Something else")),
]

WANTS_REPLY = [("yes", _("Yes, I will come back with my receipt")), ("no", _("No"))]


class _SharedChoicesMixin:
    """A choice field whose choices are the same for every form instance.

    Django deep-copies each field, choices included, for every form it builds; copying these
    lists of lazily translated labels was a third of building the report form on each submission.
    The choices are never changed per instance, so the copies share them (Field.__deepcopy__
    still copies the widget, error messages and validators).
    """

    def __deepcopy__(self, memo):  # noqa: ANN001, ANN204 - Django's signature
        return forms.Field.__deepcopy__(self, memo)


class SharedChoiceField(_SharedChoicesMixin, forms.ChoiceField):
    pass


class SharedMultipleChoiceField(_SharedChoicesMixin, forms.MultipleChoiceField):
    pass


def country_choices(language: str = "en") -> list[tuple[str, StrOrPromise]]:
    """The country list of the report form, named and sorted in the reader's language."""
    countries = Country.objects.only("iso2", "name_en", "name_zh_hans", "name_zh_hant")
    named = sorted((c.name_for(language), c.iso2) for c in countries)
    return [("", _("Prefer not to say"))] + [(iso2, name) for name, iso2 in named]


# The reporting pages use GOV.UK Frontend's form components (docs/design.md): the widgets carry
# their classes; templates/govuk/ lay out label, hint and error around them.
_TEXT = forms.TextInput(attrs={"class": "govuk-input"})


class ReportForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 10, "class": "govuk-textarea"}), max_length=20000,
        help_text=_("In your own words. Leave out anything you do not want us to know."),
    )
    when = forms.CharField(label=_("When did it happen?"), required=False, max_length=100, widget=_TEXT,
                           help_text=_("An approximate date is fine, e.g. \"spring 2024\"."))
    # A code checked against the table, not a ChoiceField: normalising 250 choices on every POST
    # costs more than the look-up. The template lists `country_choices()`.
    country = forms.CharField(label=_("In which country do you live?"), required=False, max_length=2)
    city = forms.CharField(label=_("City (optional)"), required=False, max_length=100, widget=_TEXT,
                           help_text=_("Only the city, never a street or an address."))
    involved = SharedMultipleChoiceField(label=_("Who was involved?"), required=False, choices=INVOLVED,
                                         widget=forms.CheckboxSelectMultiple)
    tactics = SharedMultipleChoiceField(label=_("What did they do?"), required=False, choices=TACTICS,
                                        widget=forms.CheckboxSelectMultiple)
    wants_reply = SharedChoiceField(label=_("Do you want a reply from us?"), choices=WANTS_REPLY,
                                    widget=forms.RadioSelect, initial="yes")

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").upper()
        if code and not registry_selectors.country_exists(code):
            raise forms.ValidationError(_("Choose a country from the list."))
        return code

    def clean(self):
        data = super().clean()
        # Django decodes invalid UTF-8 to U+FFFD; a report that arrived garbled is refused, not kept.
        items = self.data.lists() if hasattr(self.data, "lists") else self.data.items()
        for key, values in items:
            if "\ufffd" in key or any("\ufffd" in str(v) for v in (values if isinstance(values, list) else [values])):
                raise forms.ValidationError(_("Part of the form could not be read. Please check the text and send it again."))
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "what_happened": data["what_happened"], "when": data["when"], "country": data["country"],
            "city": data["city"], "involved": data["involved"], "tactics": data["tactics"],
            "wants_reply": data["wants_reply"] == "yes",
        }


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt"), max_length=100,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                             "class": "govuk-input"}))


class ReplyForm(ReceiptForm):
    # Optional: a reporter may add only files (the service refuses an addition with neither).
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6, "class": "govuk-textarea"}),
                           max_length=20000, required=False)


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(label=_("Passphrase"), widget=forms.PasswordInput, max_length=1000)


class NewKeyForm(forms.Form):
    passphrase = forms.CharField(label=_("New passphrase"), widget=forms.PasswordInput, min_length=12, max_length=1000)
    passphrase_again = forms.CharField(label=_("Repeat it"), widget=forms.PasswordInput, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("passphrase") != data.get("passphrase_again"):
            raise forms.ValidationError(_("The two passphrases differ."))
        return data


class OfflineKeyForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=150)
    public_key = forms.CharField(label=_("Public key"), max_length=100, help_text="age1…")


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ReportState.choices)


class RiskForm(forms.Form):
    risk = forms.ChoiceField(label=_("Risk"), choices=RiskLevel.choices)


class TextForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class LinkForm(forms.Form):
    station = forms.IntegerField(label=_("Station"), required=False, min_value=1)
    organization = forms.IntegerField(label=_("Organisation"), required=False, min_value=1)


class PromoteForm(forms.Form):
    host_country = forms.CharField(label=_("Host country"), max_length=2, help_text=_("ISO 3166 alpha-2, e.g. NL"))
    month = forms.DateField(label=_("Month"), required=False, help_text=_("Any day of the month (kept to the month)"))
    # The incident's own choices: the same codes, with labels translated like the rest of the record.
    tactic = forms.ChoiceField(label=_("Tactic"), choices=Incident._meta.get_field("tactic").flatchoices)
    target_category = forms.ChoiceField(label=_("Target category"), choices=Incident._meta.get_field("target_category").flatchoices,
                                        initial="unknown")
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                              help_text=_("De-identified: no names, no exact places, no details that point at a person."))


class ResourceForm(forms.Form):
    country = forms.CharField(label=_("Country"), max_length=2, help_text=_("ISO 3166 alpha-2"))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProtectionResource._meta.get_field("kind").flatchoices)
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    url = forms.URLField(label=_("Web address"), required=False, max_length=200, assume_scheme="https")
    how_to_report = forms.CharField(label=_("How to report"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                    max_length=5000)
    is_example = forms.BooleanField(label=_("Example entry (demo data)"), required=False)
