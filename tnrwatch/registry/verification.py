"""`tnrwatch verify`: check that what the instance publishes is what its evidence says.

Read-only. Three checks, each reported per item:

1. every stored evidence copy (a source with a SHA-256) is re-hashed from the blob store and must
   match; a source with no copy is "not captured" and its quotes are unverifiable (reported apart);
2. every quote must be found verbatim in its source's stored text, at its recorded offsets when it
   has them (anywhere in the text when it has none);
3. every public fact must pass the publication rule (`sharing.outbound`) on every path: a public
   claim has a public quote from a public source and a public subject, a public record has a
   public claim; a record marked TLP:CLEAR that the rule withholds (its only quote hidden, say) is
   reported, because an analyst believes it public; a public fact whose every public quote fails
   check 2 is a failure, one that rests only on unverifiable quotes is reported as such.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .models import Claim, Evidence, Source

CHUNK = 1024 * 1024


@dataclass
class VerifyReport:
    sources: int = 0
    quotes: int = 0
    public_facts: int = 0
    unverifiable: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # unverifiable items, one line each

    def summary(self) -> str:
        return (f"{self.sources} sources, {self.quotes} quotes, {self.public_facts} public facts, "
                f"{self.unverifiable} unverifiable, {len(self.failures)} failures")


def _hash_file(path) -> str:  # noqa: ANN001 - a Path
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_copies(report: VerifyReport, store) -> dict[int, bool]:  # noqa: ANN001 - a DocumentStore
    """{source id: its captured text can be trusted for quotes (a copy that verifies, with text)}."""
    trusted: dict[int, bool] = {}
    for pk, sha, has_text in Source.objects.order_by("pk").values_list("pk", "sha256", "text").iterator(chunk_size=500):
        report.sources += 1
        if not sha:
            trusted[pk] = False
            continue
        try:
            path = store.path_for(sha)
        except ValueError:
            report.failures.append(f"source #{pk}: recorded SHA-256 {sha!r} is not a SHA-256")
            trusted[pk] = False
            continue
        if not path.exists():
            report.failures.append(f"source #{pk}: evidence copy {sha} is missing from the blob store")
            trusted[pk] = False
            continue
        actual = _hash_file(path)
        if actual != sha:
            report.failures.append(f"source #{pk}: evidence copy does not match its SHA-256 (recorded {sha}, found {actual})")
            trusted[pk] = False
            continue
        trusted[pk] = bool(has_text)
    return trusted


def _check_quotes(report: VerifyReport, trusted: dict[int, bool]) -> tuple[set[int], set[int]]:
    """(ids of evidence whose quote verifies, ids of evidence that cannot be verified)."""
    verified: set[int] = set()
    unverifiable: set[int] = set()
    texts: dict[int, str] = {}
    rows = Evidence.objects.order_by("source_id", "pk").values_list("pk", "claim_id", "source_id", "quote", "start", "end")
    for pk, claim_id, source_id, quote, start, end in rows.iterator(chunk_size=2000):
        report.quotes += 1
        if not trusted.get(source_id):
            unverifiable.add(pk)
            report.unverifiable += 1
            report.notes.append(f"quote #{pk} (claim #{claim_id}): source #{source_id} not captured, quote unverifiable")
            continue
        if source_id not in texts:
            texts = {source_id: Source.objects.values_list("text", flat=True).get(pk=source_id)}
        text = texts[source_id]
        if start is not None and end is not None:
            ok = 0 <= start < end <= len(text) and text[start:end] == quote
            where = f"at characters {start}-{end}"
        else:
            ok = bool(quote) and quote in text
            where = "anywhere in the text"
        if ok:
            verified.add(pk)
        else:
            report.failures.append(f"quote #{pk} (claim #{claim_id}): not found verbatim in source #{source_id} {where}")
    return verified, unverifiable


def _check_rule(report: VerifyReport, verified: set[int], unverifiable: set[int]) -> None:
    from tnrwatch.sharing.outbound import (
        PUBLIC,
        claims_about,
        fact_models,
        outbound_queryset,
        withheld,
    )

    public_evidence: dict[int, list[int]] = {}
    for pk, claim_id in outbound_queryset(Evidence, PUBLIC).values_list("pk", "claim_id").iterator(chunk_size=2000):
        public_evidence.setdefault(claim_id, []).append(pk)
    for claim in outbound_queryset(Claim, PUBLIC).only("pk", "subject_type", "subject_id").iterator(chunk_size=2000):
        report.public_facts += 1
        quotes = public_evidence.get(claim.pk, [])
        if not quotes:
            report.failures.append(f"claim #{claim.pk}: public without a public quote")
        elif not any(q in verified for q in quotes):
            if all(q in unverifiable for q in quotes):
                report.notes.append(f"claim #{claim.pk}: public, resting only on quotes from sources not captured")
            else:
                report.failures.append(f"claim #{claim.pk}: public, but none of its public quotes verifies")
    for subject_type, model in fact_models().items():
        public_ids = set(outbound_queryset(model, PUBLIC).values_list("pk", flat=True))
        report.public_facts += len(public_ids)
        backed = set(claims_about(PUBLIC, subject_type, public_ids).values_list("subject_id", flat=True))
        for pk in sorted(public_ids - backed):
            report.failures.append(f"{subject_type} #{pk}: public without a public claim and quote")
        for pk, reason in withheld(model, PUBLIC):
            report.failures.append(f"{subject_type} #{pk}: marked TLP:CLEAR but not public ({reason})")
    for pk, reason in withheld(Claim, PUBLIC):
        report.failures.append(f"claim #{pk}: marked TLP:CLEAR but not public ({reason})")


def verify(*, store=None) -> VerifyReport:  # noqa: ANN001 - a DocumentStore
    """Run the three checks over the whole record; see the module docstring."""
    from tnrwatch.ingestion.blobs import default_store

    report = VerifyReport()
    trusted = _check_copies(report, store or default_store())
    verified, unverifiable = _check_quotes(report, trusted)
    _check_rule(report, verified, unverifiable)
    return report
