"""Fixtures for the workspace tests.

Fixture strategy: the smallest record with one row of each kind the workspace edits (a station,
an organisation, a response, an incident, a source, a figure, a claim with evidence), built
through the services layer, and one signed-in client per role.
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def record(db):
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Country

    nl, cn = Country.objects.get(iso2="NL"), Country.objects.get(iso2="CN")
    label = "fixture"
    source = services.source_create(actor_label=label, title="International concern grows", publisher="RFA",
                                    url="https://www.rfa.org/example", marking="clear")
    bureau = services.organization_create(actor_label=label, kind="operating_bureau", name_en="Qingtian County PSB",
                                          name_zh="青田县公安局", country=cn, region="Zhejiang")
    station = services.station_create(actor_label=label, name_en="Rotterdam station", country=nl, operator=bureau)
    response = services.response_create(actor_label=label, country=nl, action="closure_ordered",
                                        summary="Ordered closure", stations=[station])
    incident = services.incident_create(actor_label=label, origin_country=Country.objects.get(iso2="VN"),
                                        host_country=Country.objects.get(iso2="DE"), tactic="rendition",
                                        summary="Abduction in Berlin")
    figure = services.figure_create(actor_label=label, kind="stations", value=54, label="stations counted")
    claim = services.claim_assert(actor_label=label, subject=nl, prop="response", value="closure_ordered",
                                  source=source, quote="ordered China to shut down")
    person = services.person_create(actor_label=label, name_en="Wang Wei", public_basis="court_record")
    address = services.address_create(actor_label=label, full="Coolsingel 1, Rotterdam", city="Rotterdam", country=nl)
    tie = services.tie_create(actor_label=label, kind="directorship", from_end=person, to_end=station, source=source,
                              quote="Wang Wei runs the station", role="head")
    return {"stations": station, "organizations": bureau, "responses": response, "incidents": incident,
            "sources": source, "figures": figure, "claim": claim, "nl": nl, "cn": cn,
            "people": person, "addresses": address, "ties": tie}


@pytest.fixture
def role_client(make_staff):
    """role_client(role) -> a new client signed in with that role and a verified second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    def _client(role: str, username: str | None = None) -> Client:
        user = make_staff(role, username or f"{role}-walker")
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
        client.user = user
        return client

    return _client
