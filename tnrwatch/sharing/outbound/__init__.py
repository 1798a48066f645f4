"""The outbound filter and the publication rule: every path by which records leave the instance
goes through here (public pages and API, CSV, GeoJSON, search, STIX, TAXII, FtM).

Threat model: the reader of any output (the public, or a partner holding a token) may be hostile or
careless. They must never receive
- a record marked above what they were granted (TLP 2.0); TLP:RED never leaves, whatever was granted;
- a fact without a quote they may read: a claim, station, organisation, response, incident or
  figure leaves only with at least one evidence item visible to them, from a source visible to
  them, with a quote (`records.py` states the rule in full);
- a private note, a partner's token, an audit row, or anything from the reporting channel (intake);
- an incident promoted from a report except through its de-identified fields (no summary, month at
  the finest, no link to a station that might point at the reporter);
- a claim, evidence item or link that would reveal a record they may not see (a CLEAR claim about a
  RED station is as revealing as the station), or a link marked looser than its strictest end;
- in public output, an incident count below `TNR_MIN_PUBLIC_COUNT` (default 3) at a finer grain
  than country and year: a count of one in a small city and month can point at a person.

This package is the one place that decides. Callers pass an `Audience` and get querysets or plain
rows that are safe for it; they never filter markings themselves (`tests/test_one_rule.py` fails
when a module outside this package does). Modules: `audience` (who receives, TLP arithmetic),
`records` (the rule as querysets), `people` (the naming standard for persons and ties to them),
`incidents` (de-identified rows and counts), `compiled` (the rule compiled once per process, for
readers that ask it many small questions).
"""

from .audience import NEVER_OUTBOUND_APPS, NEVER_OUTBOUND_MODELS, PUBLIC, Audience, strictest
from .compiled import compiled_queryset, rule_condition
from .incidents import (
    DEIDENTIFIED_INCIDENT_FIELDS,
    IncidentCount,
    IncidentRow,
    countable_reports,
    incident_counts,
    incident_row_date,
    incident_rows,
    min_public_count,
)
from .people import NamingCheck, naming_check, standard_claims, supporting_sources
from .records import (
    FACT_SUBJECTS,
    claims_about,
    fact_models,
    outbound_queryset,
    quoted_claims,
    readable_evidence,
    station_host,
    station_operator,
    visible_ids,
    visible_markings,
    visible_subject_q,
    with_marking,
    withheld,
)

__all__ = [
    "DEIDENTIFIED_INCIDENT_FIELDS",
    "FACT_SUBJECTS",
    "NEVER_OUTBOUND_APPS",
    "NEVER_OUTBOUND_MODELS",
    "PUBLIC",
    "Audience",
    "IncidentCount",
    "IncidentRow",
    "NamingCheck",
    "naming_check",
    "standard_claims",
    "supporting_sources",
    "claims_about",
    "compiled_queryset",
    "rule_condition",
    "fact_models",
    "countable_reports",
    "incident_counts",
    "incident_row_date",
    "incident_rows",
    "min_public_count",
    "outbound_queryset",
    "quoted_claims",
    "readable_evidence",
    "station_host",
    "station_operator",
    "strictest",
    "visible_ids",
    "visible_markings",
    "visible_subject_q",
    "with_marking",
    "withheld",
]
