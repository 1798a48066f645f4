"""Synthetic record for benchmarks: `generate(claims=N)` fills an empty, migrated database.

Shape (documented in docs/benchmarks.md with the figures): claims and their evidence grow with N,
and so do sources (N/10). Entities grow with N too but level off where the real world does: there
are about a hundred known stations today, so at most 2,000 stations, 5,000 government responses,
2,000 incidents and 500 organisations, spread over 60 host countries (the Netherlands always among
them). About 10% of every kind of record is marked TLP:AMBER so the public filter has work to do;
every tenth claim has a second, refuting quote.

Speed: the few thousand entities go in with bulk_create; sources, claims and evidence (over 95% of
the rows at every size) with raw `executemany` inside one transaction, with the secondary indexes
of those three tables dropped first and rebuilt after the load (one sorted build per index instead
of a random B-tree insert per row, which made the million-claim load I/O-bound for over 20
minutes). Raw SQL is acceptable here and nowhere else: this is a benchmark fixture that fills a
throwaway database, never a write path of the application (those go through services, with audit).

Never run this against a real database: it is meant for a throwaway SQLite file under /tmp.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator

from django.db import connection, transaction

from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Claim,
    Country,
    Evidence,
    GovernmentResponse,
    Incident,
    Organization,
    Place,
    Source,
    Station,
    StationStatusChange,
    claim_key,
)

BATCH = 5000
PROPS = ("status", "operator", "first_reported", "address", "name", "action", "date", "count", "hosted_by")


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def sizes(claims: int) -> dict[str, int]:
    return {
        "claims": claims,
        "sources": max(20, claims // 10),
        "stations": _clamp(claims // 50, 20, 2000),
        "responses": _clamp(claims // 100, 10, 5000),
        "incidents": _clamp(claims // 200, 5, 2000),
        "organizations": _clamp(claims // 500, 6, 500),
        "places": _clamp(claims // 100, 20, 600),
    }


def _marking(rng: random.Random) -> str:
    return "amber" if rng.random() < 0.1 else "clear"


def _insert(model, fields: list[str], rows: Iterator[tuple]) -> None:
    """Plain executemany in batches (inside the caller's transaction): model instances and
    bulk_create's per-value preparation would triple the generation time. Values must already be
    in their database form (datetimes through `_db_datetime`)."""
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from the model, values bound
    batch: list[tuple] = []
    with connection.cursor() as cur:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH * 4:
                cur.executemany(sql, batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the plain indexes on these tables: not the primary keys
    and unique constraints, which must hold while rows go in."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 - placeholders only
                        f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})", tables)
        else:
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                        "AND indexdef NOT LIKE 'CREATE UNIQUE%%'", [tables])
        return list(cur.fetchall())


@contextlib.contextmanager
def _without_indexes(tables: list[str]) -> Iterator[None]:
    """Drop the secondary indexes of `tables` for the duration of the load, then rebuild them
    (same statements, so the database ends with exactly the indexes its migrations made)."""
    indexes = _secondary_indexes(tables)
    with connection.cursor() as cur:
        for name, _sql in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)


def _db_datetime(value: dt.datetime) -> object:
    # Converted once, not once per row: the same timestamp stamps every synthetic row.
    return connection.ops.adapt_datetimefield_value(value)


def generate(*, claims: int, seed: int = 1) -> dict[str, int]:
    """Fill the (empty, migrated) database with a synthetic record of `claims` claims."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    n = sizes(claims)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
            # A large page cache and in-memory sort space for the index rebuilds (about 256 MB at most).
            cur.execute("PRAGMA cache_size=-262144")
            cur.execute("PRAGMA temp_store=MEMORY")
    countries = list(Country.objects.exclude(iso2="CN").order_by("iso2"))
    hosts = [c for c in countries if c.iso2 == "NL"] + rng.sample([c for c in countries if c.iso2 != "NL"], 59)
    china = Country.objects.get(iso2="CN")
    today = dt.date(2024, 1, 1)

    def day() -> dt.date:
        return today - dt.timedelta(days=rng.randrange(3000))

    with transaction.atomic():
        Country.objects.filter(pk__in=[c.pk for c in hosts], latitude__isnull=True).update(latitude=50.0, longitude=5.0)
        places = [
            Place(id=i + 1, name_en=f"City {i + 1}", name_zh=f"城市{i + 1}", country=hosts[i % len(hosts)],
                  latitude=rng.uniform(-50, 60), longitude=rng.uniform(-120, 150))
            for i in range(n["places"])
        ]
        Place.objects.bulk_create(places)
        orgs = [
            Organization(id=i + 1, kind="operating_bureau" if i % 2 == 0 else "host_organization",
                         name_en=f"Organisation {i + 1}", name_zh=f"组织{i + 1}",
                         country=china if i % 2 == 0 else hosts[i % len(hosts)], marking=_marking(rng))
            for i in range(n["organizations"])
        ]
        Organization.objects.bulk_create(orgs)
        bureaus = [o.pk for o in orgs if o.kind == "operating_bureau"]
        host_orgs = [o.pk for o in orgs if o.kind == "host_organization"]
        stations = []
        for i in range(n["stations"]):
            place = places[i % len(places)]
            stations.append(Station(
                id=i + 1, name_en=f"Station {i + 1}", name_zh=f"服务站{i + 1}", country_id=place.country_id,
                place=place, operator_id=rng.choice(bureaus), host_organization_id=rng.choice(host_orgs),
                first_reported=day(), status=rng.choice(list(v.STATION_STATUSES)), marking=_marking(rng),
            ))
        Station.objects.bulk_create(stations)
        StationStatusChange.objects.bulk_create(
            StationStatusChange(station_id=s.pk, status=s.status, date=s.first_reported, reason="Recorded")
            for s in stations
        )
        responses = [
            GovernmentResponse(id=i + 1, country=hosts[i % len(hosts)], action=rng.choice(list(v.RESPONSE_ACTIONS)),
                               body="Ministry of the Interior", date=day(), summary=f"Response {i + 1}",
                               marking=_marking(rng))
            for i in range(n["responses"])
        ]
        GovernmentResponse.objects.bulk_create(responses)
        through = GovernmentResponse.stations.through
        by_country: dict[int, list[int]] = {}
        for s in stations:
            by_country.setdefault(s.country_id, []).append(s.pk)
        through.objects.bulk_create(
            through(governmentresponse_id=r.pk, station_id=rng.choice(by_country[r.country_id]))
            for r in responses if r.country_id in by_country
        )
        Incident.objects.bulk_create(
            Incident(id=i + 1, date=day(), origin_country=china, host_country=hosts[i % len(hosts)],
                     tactic=rng.choice(list(v.INCIDENT_TACTICS)), summary=f"Incident {i + 1}", marking=_marking(rng))
            for i in range(n["incidents"])
        )

    subjects = [("station", n["stations"])] * 4 + [("response", n["responses"])] * 2 + [
        ("organization", n["organizations"]), ("incident", n["incidents"]), ("source", n["sources"]),
        ("country", 0)]
    country_ids = [c.pk for c in hosts]

    now = _db_datetime(dt.datetime.now(dt.UTC))

    def source_rows() -> Iterator[tuple]:
        for i in range(n["sources"]):
            published = connection.ops.adapt_datefield_value(day())
            yield (i + 1, f"Report {i + 1} on overseas police stations", f"Publisher {i % 97}",
                   f"https://example.org/report/{i + 1}", published, "en", _marking(rng), "news", "", "", False,
                   "", now, now)

    def claim_rows() -> Iterator[tuple]:
        for i in range(claims):
            subject_type, count = subjects[i % len(subjects)]
            subject_id = rng.choice(country_ids) if subject_type == "country" else rng.randrange(1, count + 1)
            prop = PROPS[i % len(PROPS)]
            value = f"value {i}"
            yield (i + 1, claim_key(subject_type, subject_id, prop, value), subject_type, subject_id, prop, value,
                   "disputed" if i % 10 == 0 else "alleged", _marking(rng), now, now)

    def evidence_rows() -> Iterator[tuple]:
        pk = 0
        for i in range(claims):
            pk += 1
            yield (pk, i + 1, rng.randrange(1, n["sources"] + 1), f"the source says value {i}", "supports",
                   f"paragraph {i % 20}", "clear", now, now)
            if i % 10 == 0:
                pk += 1
                yield (pk, i + 1, rng.randrange(1, n["sources"] + 1), f"the source denies value {i}", "refutes",
                       "", "clear", now, now)

    tables = [Source._meta.db_table, Claim._meta.db_table, Evidence._meta.db_table]
    with transaction.atomic(), _without_indexes(tables):
        _insert(Source, ["id", "title", "publisher", "url", "published", "language", "marking", "kind", "author",
                         "text", "republish_allowed", "reuse_terms", "created_at", "updated_at"], source_rows())
        _insert(Claim, ["id", "key", "subject_type", "subject_id", "prop", "value", "status", "marking",
                        "created_at", "updated_at"], claim_rows())
        _insert(Evidence, ["id", "claim", "source", "quote", "stance", "location", "marking", "created_at",
                           "updated_at"], evidence_rows())
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return n
