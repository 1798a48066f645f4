"""Campaign pages, through the real HTTP stack: shown only by the publication rule (a public quote
behind them), with the links whose other end is public too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tnrwatch.registry import services as rs
from tnrwatch.sharing.tests.factories import build_record

pytestmark = pytest.mark.django_db


def _campaigns() -> dict:
    record = build_record()
    source = record["source"]
    amber_bureau = rs.organization_create(actor_label="t", kind="operating_bureau", name_en="Qingtian County PSB",
                                          country=record["bureau"].country, marking="amber")
    rs.claim_assert(actor_label="t", subject=amber_bureau, prop="role", value="bureau", source=source,
                    quote="Qingtian police", marking="amber")
    sky = rs.campaign_create(actor_label="t", name_en="Sky Net", marking="clear")
    fox = rs.campaign_create(actor_label="t", name_en="Fox Hunt", name_zh="猎狐", part_of=sky, marking="clear",
                             attributed_to=[record["bureau"], amber_bureau])
    fox.stations.set([record["station"]])
    unquoted = rs.campaign_create(actor_label="t", name_en="Unquoted operation", marking="clear")
    amber = rs.campaign_create(actor_label="t", name_en="Secret operation", marking="amber")
    for campaign, mark in ((sky, "clear"), (fox, "clear"), (amber, "amber")):
        rs.claim_assert(actor_label="t", subject=campaign, prop="name", value=campaign.name_en, source=source,
                        quote=f"the {campaign.name_en} operation", marking=mark)
    return record | {"fox": fox, "sky": sky, "unquoted": unquoted, "amber": amber}


def test_a_campaign_page_shows_its_public_links_and_quotes_and_hides_the_rest(client):
    rec = _campaigns()
    html = client.get(reverse("atlas:campaign", args=[rec["fox"].pk])).content.decode()
    assert "Fox Hunt" in html and "猎狐" in html and "the Fox Hunt operation" in html
    assert reverse("atlas:organization", args=[rec["bureau"].pk]) in html
    assert reverse("atlas:station", args=[rec["station"].pk]) in html
    assert reverse("atlas:campaign", args=[rec["sky"].pk]) in html
    assert "Qingtian County PSB" not in html  # an AMBER bureau stays hidden
    listing = client.get(reverse("atlas:campaigns")).content.decode()
    assert "Fox Hunt" in listing and "Sky Net" in listing
    assert "Unquoted operation" not in listing and "Secret operation" not in listing
    for hidden in (rec["unquoted"], rec["amber"]):
        assert client.get(reverse("atlas:campaign", args=[hidden.pk])).status_code == 404


def test_campaign_create_writes_one_audit_row():
    from tnrwatch.audit.models import AuditEntry

    before = AuditEntry.objects.filter(action="campaign.create").count()
    rs.campaign_create(actor_label="t", name_en="110 Overseas", marking="amber")
    assert AuditEntry.objects.filter(action="campaign.create").count() == before + 1
