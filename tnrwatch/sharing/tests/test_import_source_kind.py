"""A partner's STIX file can say a source is a court record; that alone names no one (the naming
standard, sharing/outbound/people.py): the imported source's kind waits for an analyst.

Fixture strategy: the sharing record (factories.build_record) with its sources made court records,
exported for an AMBER partner, the database emptied (countries stay) and the bundle imported.
"""

from __future__ import annotations

import json

import pytest

from tnrwatch.registry import models as m
from tnrwatch.registry.publishers import publisher_key
from tnrwatch.sharing.outbound.people import naming_check
from tnrwatch.sharing.services import partner_create, stix_import

from .factories import build_record
from .test_stix import _empty_the_record, export

pytestmark = pytest.mark.django_db


def test_a_partners_court_record_is_unconfirmed_until_an_analyst_says_so():
    partner_create(actor=None, name="Partner A", max_marking="amber", read=["record"])
    build_record()
    m.Source.objects.update(kind="court")
    bundle = json.dumps(export("Partner A"))
    _empty_the_record()
    stix_import(data=bundle, actor_label="test", trusted=True)
    sources = list(m.Source.objects.all())
    assert sources and all(s.kind == "court" and not s.kind_confirmed for s in sources)
    assert all(s.publisher_key == publisher_key(s.publisher, s.url) for s in sources)  # the bulk write sets it
    assert not naming_check(sources).met
    sources[0].kind_confirmed = True
    assert naming_check(sources).condition == "court_or_registry"
