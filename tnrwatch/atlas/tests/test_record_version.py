"""The record version the atlas caches under (atlas/record_version.py) moves with every write to the
registry, whatever path the write took, and the cached public pages follow it at once.

Fixture strategy: the atlas record (atlas_fixtures); each test writes through one path (a service,
a bulk queryset update, a raw SQL delete, an unpublish, a STIX import) and checks the version and a
warm (cached) public page. Runs on SQLite and PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from tnrwatch.atlas import public_cache, record_version
from tnrwatch.registry import models as m
from tnrwatch.registry import services

from .atlas_fixtures import atlas_record  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _warm(client, url: str) -> str:  # noqa: ANN001 - the test client
    """The page, requested twice: the second answer comes from the cache."""
    client.get(url)
    return client.get(url).content.decode()


def test_every_registry_table_has_the_triggers():
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                        [f"{record_version.TRIGGER}_%"])
            covered = {row[0] for row in cur.fetchall()}
        else:
            cur.execute("SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE t.tgname = %s", [record_version.TRIGGER])
            covered = {row[0] for row in cur.fetchall()}
    tables = set(record_version.tables())
    assert {"registry_claim", "registry_evidence", "registry_source", "registry_station",
            "registry_governmentresponse", "registry_governmentresponse_stations", "registry_country"} <= tables
    assert tables <= covered


def test_a_write_through_a_service_changes_the_version_and_the_page(client, atlas_record):  # noqa: F811
    station = atlas_record["station"]
    assert station.name_en in _warm(client, reverse("atlas:home"))
    before = public_cache.fingerprint()
    assert public_cache.fingerprint() == before  # stable while nothing is written
    services.marking_set(actor=None, obj=station, marking="amber")
    assert public_cache.fingerprint() != before
    assert station.name_en not in _warm(client, reverse("atlas:home"))


def test_a_bulk_update_that_bypasses_save_changes_the_page(client, atlas_record):  # noqa: F811
    station = atlas_record["station"]
    assert station.name_en in _warm(client, "/api/v1/map")
    before = public_cache.fingerprint()
    m.Station.objects.filter(pk=station.pk).update(name_en="Renamed by a bulk update")
    assert public_cache.fingerprint() != before
    assert "Renamed by a bulk update" in _warm(client, "/api/v1/map")
    assert "Renamed by a bulk update" in _warm(client, "/api/v1/stations")


def test_a_raw_sql_delete_changes_the_page(client, atlas_record):  # noqa: F811
    response = atlas_record["response"]
    mark = f'href="{reverse("atlas:response", args=[response.pk])}"'
    assert mark in _warm(client, reverse("atlas:compare"))
    before = public_cache.fingerprint()
    with connection.cursor() as cur:
        # The evidence behind the closure order goes: the response has no public quote any more.
        cur.execute("DELETE FROM registry_evidence WHERE claim_id IN "
                    "(SELECT id FROM registry_claim WHERE subject_type = 'response' AND subject_id = %s)", [response.pk])
    assert public_cache.fingerprint() != before
    assert mark not in _warm(client, reverse("atlas:compare"))


def test_unpublishing_changes_the_page(client, atlas_record):  # noqa: F811
    closure = atlas_record["closure"]
    mark = f'href="{reverse("atlas:response", args=[atlas_record["response"].pk])}"'
    assert mark in _warm(client, reverse("atlas:compare"))
    before = public_cache.fingerprint()
    services.claim_unpublish(actor=None, actor_label="test", claim=closure)
    assert public_cache.fingerprint() != before
    assert mark not in _warm(client, reverse("atlas:compare"))
    assert mark not in _warm(client, reverse("atlas:home"))


def test_a_stix_import_changes_the_version_and_the_map(client, atlas_record):  # noqa: F811
    from tnrwatch.sharing.services import stix_import

    bundle = {"type": "bundle", "id": "bundle--6a5b4f4e-2f63-4a8e-9a35-0d4f3f0c1a11", "objects": []}
    before = public_cache.fingerprint()
    stix_import(data=json.dumps(bundle), actor_label="test", trusted=True)
    # An empty bundle writes nothing to the record; the version may stay.
    station = atlas_record["station"]
    assert station.name_en in _warm(client, "/api/v1/map")
    from tnrwatch.sharing.tests.test_stix import export

    text = json.dumps(export())
    m.Evidence.objects.all().delete()
    emptied = public_cache.fingerprint()
    assert emptied != before
    assert station.name_en not in _warm(client, "/api/v1/map")
    stix_import(data=text, actor_label="test", trusted=True)
    assert public_cache.fingerprint() != emptied
    assert station.name_en in _warm(client, "/api/v1/map")


def test_the_as_of_day_and_the_language_stay_in_the_key(client, atlas_record):  # noqa: F811
    english = _warm(client, reverse("atlas:home") + "?as_of=2022-10-15")
    chinese = client.get(reverse("atlas:home") + "?as_of=2022-10-15", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>Netherlands" in english and "<title>荷兰" in chinese
    # The Dutch closure (2022-11-01) is after that day: the map of 2022-10-15 is not today's.
    today = _warm(client, reverse("atlas:home"))
    assert _map(today) != _map(english)


def _map(html: str) -> str:
    return html[html.index("<svg"):html.index("</svg>")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's concurrent writers")
def test_a_write_that_commits_after_a_newer_one_still_changes_the_version():
    # Given two writers on their own connections, the older one committing last (out of order)
    older, newer = (connection.get_new_connection(connection.get_connection_params()) for _ in range(2))
    # Writes that change nothing, to two different rows (neither waits for the other's row lock)
    touch = "UPDATE registry_country SET name_en = name_en WHERE iso2 = %s"
    try:
        older.execute(touch, ["NL"])
        newer.execute(touch, ["DE"])
        newer.commit()
        # When the newer has committed, the version is stable while the older is still running
        seen = record_version.current()
        assert record_version.current() == seen
        older.commit()
        # Then the older one's commit changes it too (its write may change a public page)
        assert record_version.current() != seen
    finally:
        older.close()
        newer.close()
