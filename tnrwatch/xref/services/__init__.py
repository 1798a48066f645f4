"""Writes of cross-referencing: a run, and the review of its proposals. Each leaves an audit row.

`xref_run` reads the file and matches it with nothing written (the file's entities and the
proposals wait in a temporary folder on disk), then writes the run, its problems and its proposals
in one short transaction: a run that fails leaves only its failed run row, never some proposals.
The temporary folder (spool, blocking index) is removed whatever happens. The file is copied into
`<TNR_DATA_DIR>/xref/kept/` only when the caller passes `keep=True`; otherwise what stays of it
is its name, size, SHA-256, the counts, the first problems, and the entities that were proposed.

Review: `proposal_merge` makes a record entity of the file's entity (its names) and merges it into
the matched one with `registry.services.entity_merge`, so its names become the record entity's
aliases; `proposal_undo` reverses it with `entity_unmerge` and deletes the entity it had made, which
puts the record back exactly as it was. `proposal_link` records the two as the same (an `XrefLink`)
and changes nothing else; `proposal_reject` rejects. Undo returns any decision to "pending".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.models import AuditEntry
from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError, ValidationError
from tnrwatch.registry import services as registry
from tnrwatch.registry.models import Alias, StationStatusChange

from .. import entity_file, matching, record
from ..models import XrefLink, XrefProblem, XrefProposal, XrefRun

_HASH_CHUNK = 1024 * 1024
_MAX_NAMES = 50  # names of one file entity taken into a merge


class _HashingReader:
    """A binary stream that hashes and counts what is read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def readline(self, limit: int = -1) -> bytes:
        data = self.raw.readline(limit)
        self.sha.update(data)
        self.size += len(data)
        return data

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def work_root() -> Path:
    root = Path(settings.DATA_DIR) / "xref"
    (root / "tmp").mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def _actor_label(actor: Any, actor_label: str | None) -> str:
    return actor_label or getattr(actor, "username", "") or "system"


def xref_run(*, actor: Any, path: Path, filename: str, dataset: str, keep: bool = False,
             algorithm: str = matching.DEFAULT_ALGORITHM, threshold: float = matching.DEFAULT_THRESHOLD,
             max_line_bytes: int = entity_file.MAX_LINE_BYTES, actor_label: str | None = None,
             on_progress: Callable[[str], None] | None = None) -> XrefRun:
    """Cross-reference the FtM entity file at `path` against the record; the run, with its proposals."""
    try:
        matching.algorithm_named(algorithm)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not 0 < threshold <= 1:
        raise ValidationError(gettext("The threshold is a score between 0 and 1."))
    if not Path(path).is_file():
        raise ValidationError(gettext("No such file: %(filename)s") % {"filename": filename})
    dataset = (dataset or "").strip()[:200] or filename[:200]
    started, cpu = time.monotonic(), time.process_time()
    with tempfile.TemporaryDirectory(dir=work_root() / "tmp") as folder:
        work = Path(folder)
        found = sqlite3.connect(work / "found.sqlite3")
        found.execute("CREATE TABLE m (file_id TEXT, record_id TEXT, score REAL, reasons TEXT, data TEXT)")
        file_spool = entity_file.Spool(work, "file")
        record_spool = entity_file.Spool(work, "record")
        try:
            for proxy in record.record_entities():
                record_spool.put(proxy, 0)
            with open(path, "rb") as raw:
                reader = _HashingReader(raw)
                summary = entity_file.read_entity_file(
                    reader, file_spool, max_line_bytes=max_line_bytes,  # type: ignore[arg-type]  # it reads lines only
                    known_id=lambda value: record_spool.get(value) is not None,
                    on_progress=(lambda n: on_progress(f"{n} lines read")) if on_progress else None)
                while reader.read(_HASH_CHUNK):  # the hash covers the whole file
                    pass
            if on_progress:
                on_progress(f"{summary.entities} entities read; matching")
            for found_match in matching.match(file_entities=file_spool.entities, file_entity=file_spool.get,
                                              record_entities=record_spool.entities, record_entity=record_spool.get,
                                              workdir=work, algorithm=algorithm, threshold=threshold):
                entity = file_spool.get(found_match.file_id)
                found.execute("INSERT INTO m VALUES (?, ?, ?, ?, ?)", (
                    found_match.file_id, found_match.record_id, found_match.score,
                    json.dumps(found_match.reasons), json.dumps(entity.to_dict() if entity else {}, ensure_ascii=False)))
            record_count = record_spool.count()
        finally:
            file_spool.close()
            record_spool.close()
        kept_path, made_copy = _keep(path, reader.sha.hexdigest()) if keep else ("", False)
        try:
            run = _write_run(actor=actor, actor_label=actor_label, filename=filename, dataset=dataset,
                             reader=reader, summary=summary, algorithm=algorithm, threshold=threshold,
                             found=found, record_count=record_count, kept_path=kept_path,
                             seconds=time.monotonic() - started, cpu=time.process_time() - cpu)
        except BaseException:
            if made_copy:  # a copy an earlier run of the same file kept is that run's: it stays
                Path(kept_path).unlink(missing_ok=True)
            raise
        finally:
            found.close()
    return run


def _keep(path: Path, sha256: str) -> tuple[str, bool]:
    """(the kept copy's path, whether this call made it): one copy per content, by its SHA-256."""
    kept = work_root() / "kept"
    kept.mkdir(exist_ok=True, mode=0o700)
    target = kept / f"{sha256}.ftm.json"
    if target.exists():
        return str(target), False
    # Written beside it and renamed: a copy broken off (a full disk) never stands under the name
    # that says "this content is kept".
    fd, part = tempfile.mkstemp(dir=kept, suffix=".part")
    try:
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst, _HASH_CHUNK)
        os.chmod(part, 0o600)
        os.replace(part, target)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    return str(target), True


@transaction.atomic
def _write_run(*, actor: Any, actor_label: str | None, filename: str, dataset: str, reader: _HashingReader,
               summary: entity_file.ReadSummary, algorithm: str, threshold: float, found: sqlite3.Connection,
               record_count: int, kept_path: str, seconds: float, cpu: float) -> XrefRun:
    user = actor if getattr(actor, "is_authenticated", False) else None
    run = XrefRun.objects.create(
        created_by=user, created_by_label=_actor_label(actor, actor_label), dataset=dataset, filename=filename[:200],
        size=reader.size, sha256=reader.sha.hexdigest(), algorithm=algorithm, threshold=threshold,
        status=XrefRun.Status.COMPLETED, lines=summary.lines, entities=summary.entities, ties=summary.ties,
        fragments_merged=summary.fragments_merged, problem_counts=summary.problem_counts,
        record_entities=record_count, seconds=round(seconds, 2), kept_path=kept_path)
    XrefProblem.objects.bulk_create([XrefProblem(run=run, line=p.line, kind=p.kind, entity_id=p.entity_id[:1024],
                                                 message=p.message) for p in summary.problems], batch_size=500)
    batch: list[XrefProposal] = []
    proposals = 0
    for file_id, record_id, score, reasons, data in found.execute("SELECT * FROM m ORDER BY score DESC, file_id"):
        subject_type, subject_id = record.parse_record_id(record_id) or ("", 0)
        entity = json.loads(data)
        batch.append(XrefProposal(
            run=run, file_id=file_id[:1024], file_schema=entity.get("schema", ""),
            file_caption=entity_file.entity_caption(entity), file_entity=entity, subject_type=subject_type,
            subject_id=subject_id, subject_label=record.record_label(subject_type, subject_id),
            score=score, reasons=json.loads(reasons)))
        proposals += 1
        if len(batch) >= 500:
            XrefProposal.objects.bulk_create(batch)
            batch = []
    XrefProposal.objects.bulk_create(batch)
    audit_record(actor=actor, actor_label=actor_label, action="xref.run", subject_type="xref_run",
                          subject_id=run.pk, data={"filename": run.filename, "sha256": run.sha256, "size": run.size,
                                                   "dataset": dataset, "entities": run.entities,
                                                   "problems": summary.problem_counts, "proposals": proposals,
                                                   "kept": bool(kept_path), "cpu_seconds": round(cpu, 2)})
    return run


def _pending(proposal_id: Any) -> XrefProposal:
    proposal = _proposal(proposal_id)
    if proposal.status != XrefProposal.Status.PENDING:
        raise ConflictError(gettext("This proposal was already decided; undo that decision first."))
    return proposal


def _proposal(proposal_id: Any) -> XrefProposal:
    try:
        return XrefProposal.objects.select_for_update().select_related("run").get(pk=int(proposal_id))
    except (XrefProposal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundOrForbiddenError() from exc


def _subject(proposal: XrefProposal) -> Any:
    entity_model = record.matched_model(proposal.subject_type)
    obj = entity_model.objects.filter(pk=proposal.subject_id).first() if entity_model else None
    if obj is None:
        raise ConflictError(gettext("The record entity of this proposal no longer exists (merged or deleted)."))
    return obj


def _decided(proposal: XrefProposal, status: str, actor: Any) -> None:
    proposal.status = status
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.decided_at = timezone.now() if status != XrefProposal.Status.PENDING else None
    proposal.save(update_fields=["status", "decided_by", "decided_at", "merge_entry_id", "merged_entity_id"])


def _names(entity: dict[str, Any]) -> tuple[str, str, list[str]]:
    """The file entity's names: an English/Latin one, a Chinese one, and the others."""
    from tnrwatch.search.text import has_cjk

    props = entity.get("properties", {})
    names = [n for key in ("name", "alias", "previousName", "weakAlias") for n in props.get(key, [])
             if isinstance(n, str) and n.strip()]
    names = list(dict.fromkeys(n.strip()[:300] for n in names))[:_MAX_NAMES]
    latin = next((n for n in names if not has_cjk(n)), "")
    chinese = next((n for n in names if has_cjk(n)), "")
    return latin or chinese, chinese, [n for n in names if n not in (latin, chinese)]


@transaction.atomic
def proposal_merge(*, actor: Any, proposal_id: Any, actor_label: str | None = None) -> XrefProposal:
    """Merge the file's entity into the matched record entity: its names become aliases. Undoable."""
    proposal = _pending(proposal_id)
    kept = _subject(proposal)
    name_en, name_zh, others = _names(proposal.file_entity)
    if not name_en:
        raise ValidationError(gettext("The file's entity has no name to merge."))
    if proposal.subject_type not in record.MERGE_INTO:
        raise ValidationError(gettext("An address has no names to take in; link it instead."))
    label = _actor_label(actor, actor_label)
    fields = {"name_en": name_en, "name_zh": name_zh, "country": kept.country, "aliases": [(n, "") for n in others]}
    made: Any
    if proposal.subject_type == "organization":
        made = registry.organization_create(actor=actor, actor_label=label, kind=kept.kind, marking=kept.marking,
                                            **fields)
    elif proposal.subject_type == "person":  # AMBER, as every person starts; it is merged away at once
        made = registry.person_create(actor=actor, actor_label=label, public_basis=kept.public_basis, **fields)
    else:
        fields["marking"] = kept.marking
        station = registry.station_create(actor=actor, actor_label=label, **fields)
        # The status row station_create records is about the made entity only; it must not join the kept one.
        StationStatusChange.objects.filter(station=station).delete()
        made = station
    entry = registry.entity_merge(actor=actor, actor_label=label, subject_type=proposal.subject_type,
                                        kept_id=kept.pk, merged_id=made.pk,
                                        reason=f"cross-reference run {proposal.run_id}: {proposal.run.dataset} "
                                               f"{proposal.file_id}")
    proposal.merge_entry_id, proposal.merged_entity_id = entry.pk, made.pk
    _decided(proposal, XrefProposal.Status.MERGED, actor)
    audit_record(actor=actor, actor_label=label, action="xref.merge", subject_type="xref_proposal",
                          subject_id=proposal.pk, data={"merge_entry": entry.pk, "kept": kept.pk,
                                                        "subject_type": proposal.subject_type})
    return proposal


@transaction.atomic
def proposal_link(*, actor: Any, proposal_id: Any, actor_label: str | None = None) -> XrefProposal:
    """Record the record entity as the same as the file's entity; nothing else in the record changes."""
    proposal = _pending(proposal_id)
    _subject(proposal)
    XrefLink.objects.create(subject_type=proposal.subject_type, subject_id=proposal.subject_id,
                            dataset=proposal.run.dataset, external_id=proposal.file_id, proposal=proposal,
                            created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _decided(proposal, XrefProposal.Status.LINKED, actor)
    audit_record(actor=actor, actor_label=actor_label, action="xref.link", subject_type="xref_proposal",
                          subject_id=proposal.pk, data={"dataset": proposal.run.dataset,
                                                        "external_id": proposal.file_id,
                                                        "subject": f"{proposal.subject_type}:{proposal.subject_id}"})
    return proposal


@transaction.atomic
def proposal_reject(*, actor: Any, proposal_id: Any, reason: str = "", actor_label: str | None = None) -> XrefProposal:
    proposal = _pending(proposal_id)
    _decided(proposal, XrefProposal.Status.REJECTED, actor)
    audit_record(actor=actor, actor_label=actor_label, action="xref.reject", subject_type="xref_proposal",
                          subject_id=proposal.pk, data={"reason": (reason or "")[:1000]})
    return proposal


@transaction.atomic
def proposal_undo(*, actor: Any, proposal_id: Any, actor_label: str | None = None) -> XrefProposal:
    """Undo the decision on a proposal. A merge is undone exactly: `entity_unmerge` brings the made
    entity back with everything it took, and the made entity (its names only) is then deleted."""
    proposal = _proposal(proposal_id)
    previous = proposal.status
    label = _actor_label(actor, actor_label)
    if previous == XrefProposal.Status.PENDING:
        raise ConflictError(gettext("This proposal has no decision to undo."))
    if previous == XrefProposal.Status.MERGED:
        entry = AuditEntry.objects.filter(pk=int(proposal.merge_entry_id or 0), action="entity.merge").first()
        if entry is None:
            raise ConflictError(gettext("The merge's audit row is missing; it cannot be undone."))
        registry.entity_unmerge(actor=actor, actor_label=label, merge_entry_id=entry.pk)
        made = record.matched_model(proposal.subject_type).objects.get(pk=int(proposal.merged_entity_id or 0))
        Alias.objects.filter(subject_type=proposal.subject_type, subject_id=made.pk).delete()
        made.delete()
        audit_record(actor=actor, actor_label=label, action=f"{proposal.subject_type}.delete",
                              subject_type=proposal.subject_type, subject_id=made.pk,
                              data={"reason": f"made by cross-reference proposal {proposal.pk}, merge undone"})
        proposal.merge_entry_id = proposal.merged_entity_id = None
    elif previous == XrefProposal.Status.LINKED:
        XrefLink.objects.filter(proposal=proposal).delete()
    _decided(proposal, XrefProposal.Status.PENDING, actor)
    audit_record(actor=actor, actor_label=label, action="xref.undo", subject_type="xref_proposal",
                          subject_id=proposal.pk, data={"undone": previous})
    return proposal
