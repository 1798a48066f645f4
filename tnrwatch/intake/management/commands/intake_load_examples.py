"""Demo data for the protection-resources directory, every entry marked as an example.

The numbers are public emergency and police lines, but a deployment must check and replace them
with its own vetted contacts: the pages label these entries "Example entry". Names and how-to
texts are marked for translation (the help pages show them in the reader's language); they are
stored in English.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_noop as _

from tnrwatch.intake import services
from tnrwatch.intake.models import ProtectionResource
from tnrwatch.registry.models import Country

EXAMPLES = [
    ("NL", "emergency", _("Emergency services (example)"), "112", "", _("In immediate danger, call 112.")),
    ("NL", "police", _("Police non-emergency line (example)"), "0900 8844", "https://www.politie.nl/",
     _("Report threats, intimidation or surveillance to the police; you can ask for an interpreter.")),
    ("GB", "emergency", _("Emergency services (example)"), "999", "", _("In immediate danger, call 999.")),
    ("GB", "police", _("Police non-emergency line (example)"), "101", "https://www.police.uk/",
     _("Report harassment or intimidation by people acting for a foreign state to the police.")),
    ("US", "emergency", _("Emergency services (example)"), "911", "", _("In immediate danger, call 911.")),
    ("US", "government", _("FBI tips (example)"), "1-800-CALL-FBI", "https://tips.fbi.gov/",
     _("The FBI takes reports of transnational repression.")),
    ("CA", "government", _("RCMP National Security Information Network (example)"), "1-800-420-5805", "https://www.rcmp-grc.gc.ca/",
     _("Report foreign interference and intimidation to the RCMP.")),
    ("DE", "emergency", _("Emergency services (example)"), "110", "", _("Police emergency: 110.")),
]


class Command(BaseCommand):
    help = "Load example protection resources (marked as examples) for the demo."

    def handle(self, *args, **options):
        created = 0
        for iso2, kind, name, contact, url, how in EXAMPLES:
            country = Country.objects.filter(iso2=iso2).first()
            if country is None or ProtectionResource.objects.filter(country=country, name=name).exists():
                continue
            services.resource_save(actor=None, country=country, kind=kind, name=name, contact=contact, url=url,
                                   how_to_report=how, is_example=True)
            created += 1
        self.stdout.write(f"{created} example protection resource(s) loaded")
