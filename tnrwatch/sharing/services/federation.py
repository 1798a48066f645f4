"""Federation: pull a partner's TAXII collection into the record, on a schedule.

The partner's server sits behind a small interface (`TaxiiPeer`) with one adapter, taxii2-client.
A pull fetches every page (following `next`) and imports them in one transaction through
`services.stix_import`: new objects arrive as records and claims whose evidence cites the partner's
feed (keeping the partner's quote and marking), records already known by STIX id or by name are
linked, so a second pull of the same data changes nothing. Pulls are incremental: each asks only
for what the partner added after the last object of the previous pull (`added_after`, from the
server's X-TAXII-Date-Added-Last header); a partner that sends no such header is pulled whole.
"""

from __future__ import annotations

from typing import Any, Protocol

import requests
from django.db import transaction
from django.utils import timezone

from tnrwatch.audit.services import audit_record

from ..models import Subscription
from . import StixImportError, partner_source, stix_import

PAGE_SIZE = 1000


class TaxiiPeer(Protocol):
    def fetch_objects(self, added_after: str | None = None) -> tuple[list[dict], str | None]:
        """Every object added after `added_after` (all when None), and the new watermark (the
        server's X-TAXII-Date-Added-Last of the last page, or None if it sent none)."""
        ...


class BearerAuth(requests.auth.AuthBase):
    """A bearer token on every request (taxii2-client sends HTTP Basic or `Token` only)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


class Taxii2ClientPeer:
    """A partner's collection, read with taxii2-client (every page, following `next`)."""

    def __init__(self, api_root_url: str, collection_id: str, token: str) -> None:
        from taxii2client.v21 import Collection

        url = api_root_url.rstrip("/") + f"/collections/{collection_id}/"
        self.collection = Collection(url, auth=BearerAuth(token))
        self._last_added: str | None = None
        # taxii2-client returns bodies only; a response hook keeps the date-added header of each page.
        self.collection._conn.session.hooks["response"].append(self._keep_header)

    def _keep_header(self, response, *args, **kwargs):
        value = response.headers.get("X-TAXII-Date-Added-Last")
        if value and (self._last_added is None or value > self._last_added):
            self._last_added = value
        return response

    def fetch_objects(self, added_after: str | None = None) -> tuple[list[dict], str | None]:
        from taxii2client.v21 import as_pages

        self._last_added = None
        filters = {"added_after": added_after} if added_after else {}
        objects: list[dict] = []
        for envelope in as_pages(self.collection.get_objects, per_request=PAGE_SIZE, **filters):
            objects.extend(envelope.get("objects", []))
        return objects, self._last_added


def subscription_pull(*, subscription: Subscription, peer: TaxiiPeer | None = None) -> dict[str, Any]:
    """Pull one subscription. Returns what changed; errors are kept on the subscription."""
    peer = peer or Taxii2ClientPeer(subscription.api_root_url, subscription.collection_id, subscription.remote_token)
    partner = subscription.partner
    watermark = subscription.last_added or None
    try:
        objects, new_watermark = peer.fetch_objects(added_after=watermark)
    except Exception as exc:  # noqa: BLE001 - network and protocol errors of the peer are recorded, not raised
        result: dict[str, Any] = {"error": f"fetch failed: {type(exc).__name__}"}
    else:
        try:
            with transaction.atomic():
                imported = stix_import(data=objects, actor=None, actor_label=f"federation {partner.name}", partner=partner,
                                       via_source=partner_source(partner, subscription.api_root_url), channel="federation")
            result = imported.as_dict()
            # Next time, only what the partner added after the last object received.
            watermark = new_watermark or watermark
        except StixImportError as exc:
            result = {"error": exc.message, "errors": exc.errors[:50]}
    Subscription.objects.filter(pk=subscription.pk).update(last_pull_at=timezone.now(), last_result=result,
                                                           last_added=(watermark or "")[:40])
    audit_record(actor=None, actor_label="federation", action="partner.pull", subject_type="partner",
                 subject_id=partner.pk, data={"subscription": subscription.pk, **{k: v for k, v in result.items() if k != "errors"}})
    return result


def sync_partners() -> list[dict[str, Any]]:
    """Pull every enabled subscription of every active partner."""
    results = []
    for sub in Subscription.objects.filter(enabled=True, partner__active=True).select_related("partner"):
        results.append({"partner": sub.partner.name, "collection": sub.collection_id, **subscription_pull(subscription=sub)})
    return results
