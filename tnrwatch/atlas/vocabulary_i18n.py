"""Marks the controlled-vocabulary labels for translation.

The registry models build their choices with `gettext_lazy(label)` from `registry/vocabulary.py`
(pure Python, no Django import), which makemessages cannot see. Listing the labels here puts them
in the catalogues, so "Closure ordered" shows as 勒令关闭 on the Chinese pages.
"""

from django.utils.translation import gettext_noop as _

VOCABULARY_LABELS = [
    # RESPONSE_ACTIONS
    _('Conviction'),
    _('Arrest or charge'),
    _('Closure ordered'),
    _('Legislation'),
    _('Investigation'),
    _('Diplomatic protest'),
    _('Monitoring'),
    _('Other action'),
    _('Official denial or dismissal'),
    _('No public response yet'),
    # RESPONSE_BODIES
    _('Government'),
    _('Ministry'),
    _('Police or security service'),
    _('Parliament'),
    _('Court or prosecutor'),
    _('Other body'),
    # STATION_STATUSES
    _('Reported'),
    _('Corroborated'),
    _('Disputed'),
    _('Denied'),
    _('Closed'),
    # CLAIM_STATUSES
    _('Alleged'),
    _('Retracted'),
    # INCIDENT_TACTICS
    _('Coercion by proxy (family in the home country)'),
    _('Threats'),
    _('Surveillance'),
    _('Detention'),
    _('Rendition or abduction'),
    _('"Persuaded to return"'),
    _('Assault'),
    _('Mobility controls (documents, passports)'),
    _('Online harassment'),
    _('Other'),
    # TARGET_CATEGORIES
    _('Dissident or activist'),
    _('Journalist'),
    _('Ethnic or religious minority'),
    _('Person accused of a crime'),
    _('Family member'),
    _('Community member'),
    _('Unknown'),
    # ORGANIZATION_KINDS
    _('Operating bureau (public security)'),
    _('Host organisation (association, business)'),
    _('Government body'),
    _('NGO or research group'),
    _('Media'),
    # SOURCE_KINDS
    _('News article'),
    _('Research report'),
    _('Official document'),
    _('Court record'),
    _('Official registry'),
    _('Partner feed'),
    _('Uploaded table'),
    # MARKINGS
    _('TLP:CLEAR'),
    _('TLP:GREEN'),
    _('TLP:AMBER'),
    _('TLP:AMBER+STRICT'),
    _('TLP:RED'),
    # FIGURE_KINDS
    _('Overseas police stations'),
    _('Countries with stations'),
    _('Continents with stations'),
    _('People "persuaded" to return'),
    _('Provinces with mandates'),
    _("Supports"),
    _("Refutes"),
]

# Titles and messages of the error pages (core/views.py passes them to core/error.html).
ERROR_PAGE_TEXTS = [
    _("Bad request"),
    _("The request could not be understood."),
    _("Forbidden"),
    _("You are not allowed to see this page."),
    _("Not found"),
    _("There is no page here."),
    _("Server error"),
    _("Something went wrong on our side. Nothing you sent was lost."),
]

# Django's form punctuation (BoundField.label_tag): the suffix added after a label, and the marks
# after which it is left out. Translated here so a Chinese label ending in "？" gets no ":" after it
# ("发生了什么？", not "发生了什么？:"), and a Chinese label gets "：" rather than ":". Also the one
# error message of Django's that the report form shows, for the languages Django has no catalogue
# for (Tibetan).
DJANGO_FORM_TEXTS = [
    _(":"),
    _(":?.!"),
    _("This field is required."),
]
