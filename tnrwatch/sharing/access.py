"""Who may use the TAXII server: a partner, by its token, with per-collection read and write rights.

Threat model: TAXII endpoints are reachable without a staff session. A request without a valid
token, or for a collection not granted, gets the same answer as for one that does not exist, so
a caller learns nothing about which collections or partners exist.
"""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest

from tnrwatch.core.errors import NotFoundOrForbiddenError

from .models import Collection, Partner, PartnerGrant
from .services import partner_by_token


def token_from_request(request: HttpRequest) -> str:
    """The partner token: `Authorization: Bearer T`, `Token T` (taxii2-client's TokenAuth), or HTTP
    Basic with the token as password (taxii2-client's user/password)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme in ("bearer", "token"):
        return value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ""
        return decoded.partition(":")[2]
    return ""


def access_partner_by_request(request: HttpRequest) -> Partner | None:
    return partner_by_token(token_from_request(request))


def access_collection_by_partner(partner: Partner | None, collection_id: str, *, write: bool = False) -> tuple[Collection, PartnerGrant]:
    """The collection and the partner's grant on it, or NotFoundOrForbiddenError."""
    if partner is None:
        raise NotFoundOrForbiddenError()
    grant = PartnerGrant.objects.select_related("collection").filter(partner=partner, collection_id=_uuid_or_none(collection_id)).first()
    if grant is None or not (grant.can_write if write else grant.can_read):
        raise NotFoundOrForbiddenError()
    return grant.collection, grant


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
