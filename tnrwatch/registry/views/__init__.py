"""The analyst workspace: thin views that parse a form, check access, call one service or
selector, and render or redirect. They never write to the ORM."""

from .audit import audit
from .claims import (
    claim_create,
    claim_detail,
    claim_evidence_add,
    claim_list,
    claim_marking,
    claim_publish,
    claim_publish_propose,
    claim_status,
    claim_unpublish,
    evidence_marking,
)
from .entities import (
    entity_create,
    entity_detail,
    entity_edit,
    entity_list,
    entity_marking,
    reply_create,
    station_status,
)
from .home import home
from .sources import source_reuse

__all__ = [
    "audit", "claim_create", "claim_detail", "claim_evidence_add", "claim_list", "claim_marking",
    "claim_publish", "claim_publish_propose", "claim_status", "claim_unpublish", "evidence_marking", "entity_create", "entity_detail", "entity_edit", "entity_list", "entity_marking",
    "home", "reply_create", "source_reuse", "station_status",
]
