"""Writes to the record. Every public function is keyword-only, atomic, and leaves an AuditEntry.

Callers pass `actor` (a User, or None for system jobs such as the demo loader, with `actor_label`
naming the job). Reads live in `selectors.py`. The modules, by sub-topic: `audit` (claim subject
types, the vocabulary check; the audit row itself is the audit app's `tnrwatch.audit.services.audit_record`, which callers
import from there), `entities` (creating sources, organisations, stations,
responses, incidents, figures, places, aliases), `claims` (claims and their evidence, claim status),
`edits` (the workspace's `*_update` edits, station status, markings), `people` (public actors,
addresses, the right of reply), `ties` (typed ties between entities, each with its claim) and
`merge` (reviewed, reversible merges of duplicates, ties moved with them).
Imports run one way: audit <- entities <- edits, audit <- claims, entities <- people <- ties, claims <- ties. Callers import from here:
`from tnrwatch.registry import services`.
"""

from tnrwatch.core.errors import ConflictError, ValidationError

from .audit import MODEL_SUBJECTS, SUBJECT_MODELS, subject_type_of
from .claims import claim_assert, claim_set_status, evidence_remove
from .edits import (
    campaign_update,
    figure_update,
    incident_update,
    marking_set,
    organization_update,
    response_update,
    source_reuse_set,
    source_update,
    station_set_status,
    station_update,
)
from .entities import (
    alias_add,
    campaign_create,
    country_get,
    figure_create,
    incident_create,
    organization_create,
    place_get_or_create,
    response_create,
    source_create,
    station_create,
)

# Last: a merge moves ties, so it reads the ties module's labels.
from .merge import MERGEABLE_TYPES, entity_merge, entity_unmerge, mergeable_model  # noqa: E402
from .people import (
    PersonNotPublicActorError,
    address_create,
    address_update,
    person_create,
    person_update,
    right_of_reply_record,
)
from .publication import (
    PublicationPreview,
    claim_publication_preview,
    claim_publication_state,
    claim_publish,
    claim_publish_propose,
    claim_unpublish,
)
from .ties import (
    DuplicateTieError,
    SelfTieError,
    TieDateOrderError,
    TieEndKindError,
    TieEndMissingError,
    tie_create,
    tie_end,
    tie_evidence_add,
    tie_update,
)

__all__ = [
    "MERGEABLE_TYPES",
    "entity_merge",
    "entity_unmerge",
    "mergeable_model",
    "DuplicateTieError",
    "PersonNotPublicActorError",
    "SelfTieError",
    "TieDateOrderError",
    "TieEndKindError",
    "TieEndMissingError",
    "address_create",
    "address_update",
    "tie_update",
    "person_create",
    "person_update",
    "right_of_reply_record",
    "tie_create",
    "tie_end",
    "tie_evidence_add",
    "MODEL_SUBJECTS",
    "PublicationPreview",
    "claim_publication_preview",
    "claim_publication_state",
    "claim_publish",
    "claim_publish_propose",
    "claim_unpublish",
    "SUBJECT_MODELS",
    "ConflictError",
    "ValidationError",
    "alias_add",
    "campaign_create",
    "campaign_update",
    "claim_assert",
    "claim_set_status",
    "country_get",
    "evidence_remove",
    "figure_create",
    "figure_update",
    "incident_create",
    "incident_update",
    "marking_set",
    "organization_create",
    "organization_update",
    "place_get_or_create",
    "response_create",
    "response_update",
    "source_create",
    "source_reuse_set",
    "source_update",
    "station_create",
    "station_set_status",
    "station_update",
    "subject_type_of",
]
