"""Publishing a claim: what becomes public, shown before anything changes, then changed at once.

`claim_publication_preview` lists exactly what publishing would make TLP:CLEAR: the claim, the
evidence items and their quotes, the sources (with the metadata the public will read), the record
the claim is about, and the public pages that change. `claim_publish` marks all of it CLEAR in one
transaction, with one audit row that records every previous marking; `claim_unpublish` puts those
markings back (a source or record that another public claim still rests on stays public, and the
audit row says so).

Guarantees: a claim without a quotable evidence item (a non-empty quote from a source that is not
TLP:RED) is refused with `ValidationError` and nothing changes; TLP:RED never becomes public
(RED evidence stays out, a RED subject refuses); the claim row is locked (`select_for_update`)
before it is read, so concurrent publish/unpublish of one claim serialise and end in one consistent
state. Who may call these is checked in `accounts.access` (`may_publish`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.audit.models import AuditEntry
from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError

from ..models import Claim, Evidence, Source, default_marking
from ..subjects import label_of
from .audit import SUBJECT_MODELS

PUBLIC_MARKING = "clear"
NEVER = "red"  # TLP:RED never becomes public, whatever the analyst clicks


@dataclass
class PublicationPreview:
    """What publishing `claim` would make public (nothing has changed yet)."""

    claim: Claim
    subject: Model | None
    evidence: list[Evidence] = field(default_factory=list)  # the quotes that will be public
    withheld: list[Evidence] = field(default_factory=list)  # RED or empty quotes: stay private
    sources: list[Source] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # the public pages that change, in words
    changes: list[tuple[Model, str]] = field(default_factory=list)  # (record, its marking now) to become CLEAR
    refusal: str = ""
    # For a claim naming a person (about them, or about a tie to them): the naming standard over
    # the sources above, met or missing (sharing/outbound/people.py decides; docs/people.md).
    naming: Any = None
    notes: list[str] = field(default_factory=list)  # what else the public page waits for

    @property
    def allowed(self) -> bool:
        return not self.refusal


def _subject(claim: Claim) -> Model | None:
    from django.apps import apps

    name = SUBJECT_MODELS.get(claim.subject_type)
    return apps.get_model("registry", name).objects.filter(pk=claim.subject_id).first() if name else None


def _label(obj: Model) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def claim_publication_preview(*, claim: Claim) -> PublicationPreview:
    """Exactly what `claim_publish` would make public, or why it refuses."""
    subject = _subject(claim)
    preview = PublicationPreview(claim=claim, subject=subject)
    if claim.subject_type in SUBJECT_MODELS and subject is None:
        preview.refusal = "The record this claim is about no longer exists."
        return preview
    for ev in claim.evidence.select_related("source").order_by("id"):
        usable = ev.quote.strip() and ev.marking != NEVER and ev.source.marking != NEVER
        (preview.evidence if usable else preview.withheld).append(ev)
    if not preview.evidence:
        preview.refusal = ("This claim has no quotable evidence (a verbatim quote from a source that is not "
                           "TLP:RED): add a quote before publishing.")
        return preview
    if claim.marking == NEVER or getattr(subject, "marking", None) == NEVER:
        preview.refusal = "This claim or the record it is about is TLP:RED, which never becomes public."
        return preview
    seen: set[int] = set()
    for ev in preview.evidence:
        if ev.source_id not in seen:
            seen.add(ev.source_id)
            preview.sources.append(ev.source)
    _naming(preview)
    if preview.refusal:
        return preview
    records: list[Model] = [claim, *preview.evidence, *preview.sources]
    if subject is not None and hasattr(subject, "marking"):
        records.append(subject)
    preview.changes = [(obj, obj.marking) for obj in records if obj.marking != PUBLIC_MARKING]
    preview.pages = _pages(claim, subject, preview.sources)
    return preview


def _naming(preview: PublicationPreview) -> None:
    """The naming standard for a claim about a person or a tie to one; family ties refused."""
    from tnrwatch.sharing.outbound import (
        PUBLIC,
        naming_check,
        outbound_queryset,
        supporting_sources,
    )

    from ..models import Tie

    subject, claim = preview.subject, preview.claim
    tie = subject if isinstance(subject, Tie) else None
    if tie is not None and tie.kind == "family" and not tie.public_reason:
        preview.refusal = ("A family tie is never public by default: a reviewer must first record why naming "
                           "it is in the public interest.")
        return
    if claim.subject_type != "person" and not (tie is not None and tie.involves_person()):
        return
    preview.naming = naming_check(supporting_sources(preview.evidence))
    if not preview.naming.met:
        preview.refusal = preview.naming.explanation
        return
    if tie is not None:
        for end_type, end_id in ((tie.from_type, tie.from_id), (tie.to_type, tie.to_id)):
            model = _model(end_type)
            if not outbound_queryset(model, PUBLIC).filter(pk=end_id).exists():
                preview.notes.append(gettext("The tie shows once its %(end)s is public too.")
                                     % {"end": label_of(end_type, end_id)})


def _model(subject_type: str) -> type[Model]:
    from django.apps import apps

    return apps.get_model("registry", SUBJECT_MODELS[subject_type])


def _pages(claim: Claim, subject: Model | None, sources: list[Source]) -> list[str]:
    pages = [label_of("claim", claim.pk)]
    country_page = gettext("Country page: %(country)s")
    if subject is not None:
        pages.append(gettext("%(kind)s page: %(record)s") % {"kind": label_of(claim.subject_type), "record": subject})
        country = getattr(subject, "country", None) or getattr(subject, "host_country", None)
        if country is not None:
            pages.append(country_page % {"country": country})
    elif claim.subject_type == "country":
        from ..models import Country

        country = Country.objects.filter(pk=claim.subject_id).first()
        if country is not None:
            pages.append(country_page % {"country": country})
    pages += [gettext("Source page: %(title)s") % {"title": s.title} for s in sources]
    return pages


def _locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


@transaction.atomic
def claim_publish(*, actor: Any, claim: Claim, actor_label: str | None = None) -> PublicationPreview:
    """Make the claim, its quotable evidence, their sources and its subject TLP:CLEAR, together.

    Raises ValidationError (nothing changed) when the preview refuses, ConflictError when the claim
    is already public."""
    claim = _locked(claim)
    preview = claim_publication_preview(claim=claim)
    if not preview.allowed:
        raise ValidationError(preview.refusal)
    if not preview.changes:
        raise ConflictError(gettext("This claim and everything it rests on are already public."))
    changed = []
    for obj, old in preview.changes:
        _touch(obj)
        changed.append({"record": _label(obj), "from": old})
    audit_record(actor=actor, actor_label=actor_label, action="claim.publish", subject_type="claim",
                 subject_id=claim.pk, data={"changed": changed, "evidence": [e.pk for e in preview.evidence],
                                            "withheld": [e.pk for e in preview.withheld]})
    return preview


def _touch(obj: Model) -> None:
    """Set the record CLEAR and save its timestamp (the atlas' caches follow the record version, which any write moves)."""
    obj.marking = PUBLIC_MARKING  # type: ignore[attr-defined]
    obj.save(update_fields=["marking", "updated_at"])


def _still_needed(record: Model, claim: Claim) -> bool:
    """Whether another public claim (by the publication rule) rests on this source or is about
    this record."""
    from tnrwatch.sharing.outbound import PUBLIC, claims_about, outbound_queryset

    if isinstance(record, Source):
        return outbound_queryset(Evidence, PUBLIC).filter(source=record).exclude(claim=claim).exists()
    return claims_about(PUBLIC, claim.subject_type, [record.pk]).exclude(pk=claim.pk).exists()


@transaction.atomic
def claim_unpublish(*, actor: Any, claim: Claim, actor_label: str | None = None) -> list[dict]:
    """Undo the claim's last publication: each record it made CLEAR gets its previous marking back,
    except a source or record another public claim still rests on (kept, and said in the audit row).
    A claim that was CLEAR without a publication (older data) goes to the default marking with its
    evidence. Raises ConflictError when the claim is not public."""
    claim = _locked(claim)
    if claim.marking != PUBLIC_MARKING:
        raise ConflictError(gettext("This claim is not public."))
    last = (AuditEntry.objects.filter(subject_type="claim", subject_id=str(claim.pk),
                                      action__in=["claim.publish", "claim.unpublish"])
            .order_by("-created_at", "-id").first())
    if last is not None and last.action == "claim.publish":
        plan = [(item["record"], item["from"]) for item in last.data.get("changed", [])]
    else:
        plan = [(_label(claim), default_marking())] + [(_label(e), default_marking()) for e in claim.evidence.all()]
    restored, kept = [], []
    for label, old in plan:
        record = _record(label)
        if record is None or record.marking != PUBLIC_MARKING:
            continue  # gone, or changed by someone since: theirs stands
        if isinstance(record, (Source, *_subject_models())) and _still_needed(record, claim):
            kept.append(label)
            continue
        record.marking = old
        record.save(update_fields=["marking", "updated_at"])
        restored.append({"record": label, "to": old})
    audit_record(actor=actor, actor_label=actor_label, action="claim.unpublish", subject_type="claim",
                 subject_id=claim.pk, data={"restored": restored, "kept_public": kept})
    return restored


def _subject_models() -> tuple[type[Model], ...]:
    from django.apps import apps

    return tuple(apps.get_model("registry", name) for key, name in SUBJECT_MODELS.items() if key not in ("country", "place"))


def _record(label: str) -> Model | None:
    from django.apps import apps

    model_name, _sep, pk = label.partition(":")
    try:
        model = apps.get_model("registry", model_name)
    except LookupError:
        return None
    return model.objects.filter(pk=pk).first()


def claim_publication_state(*, claim: Claim) -> dict:
    """The last publication action on the claim (for the workspace page): who and when, if any."""
    last = (AuditEntry.objects.filter(subject_type="claim", subject_id=str(claim.pk),
                                      action__in=["claim.publish", "claim.unpublish", "claim.publish_proposed"])
            .order_by("-created_at", "-id").first())
    return {"last": last}


@transaction.atomic
def claim_publish_propose(*, actor: Any, claim: Claim, note: str = "") -> None:
    """An analyst proposes the claim for publication; a reviewer decides (audit row only)."""
    note = (note or "").strip()
    if "\x00" in note or len(note) > 2000:
        raise ValidationError(gettext("The note must be at most 2,000 characters, without NUL."))
    preview = claim_publication_preview(claim=claim)
    if not preview.allowed:
        raise ValidationError(preview.refusal)
    audit_record(actor=actor, action="claim.publish_proposed", subject_type="claim", subject_id=claim.pk,
                 data={"note": note[:500]})
