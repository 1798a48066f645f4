"""Export formats of the sharing app, for the `tnrwatch export FORMAT` command.

`FORMATS` maps a format name to a callable `(out, *, partner=None) -> int` that streams the export
for the public (no partner) or the named partner into the text stream `out` and returns the number
of objects written. Every one reads through the outbound filter (via `selectors`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from followthemoney import model as ftm_model

from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import vocabulary as v

from . import stix
from .models import Partner
from .outbound import Audience
from .selectors import ExportContext, audience_for, export_objects, kinds_for
from .services import share_log_write
from .stix_network import ftm_network_entities


def export_stix(out: IO[str], *, partner: str | None = None) -> int:
    """A STIX 2.1 bundle of everything the audience may receive, streamed to `out`."""
    audience = audience_for(partner)
    ctx = ExportContext(audience)
    receiver = Partner.objects.get(name=partner) if partner else None
    shared: list[str] = []

    def objects() -> Iterator[dict]:
        for obj in export_objects(audience, kinds_for(audience), ctx=ctx):
            if receiver is not None:
                shared.append(obj["id"])
                if len(shared) >= 5000:  # the log is written as we go, so memory stays flat
                    share_log_write(partner=receiver, audience=audience, channel="stix", stix_ids=shared)
                    shared.clear()
            yield obj

    count = stix.write_bundle(out, objects(), seed=f"{ctx.instance_uuid}:{audience.name}")
    if receiver is not None:
        share_log_write(partner=receiver, audience=audience, channel="stix", stix_ids=shared)
    return count


def _ftm_id(stix_id: str) -> str:
    kind, _sep, rest = stix_id.partition("--")
    return f"tnrwatch-{kind}-{rest}"


FTM_DATASET_PREFIX = "tnrwatch_tlp_"
# FtM topics (its own vocabulary) for what the record holds: a public security bureau and the
# stations it is reported to run are security services of a state.
FTM_TOPICS = {"operating_bureau": "gov.security", "station": "gov.security", "government_body": "gov"}


def ftm_dataset(marking: str) -> str:
    """The FtM dataset of one marking: each entity is in exactly one, so the marking survives
    `ftm aggregate` (which keeps datasets) and Aleph can hold each marking as its own collection."""
    return FTM_DATASET_PREFIX + marking


def _marked(entity: Any, marking: str) -> dict:
    data = entity.to_dict()
    data["datasets"] = [ftm_dataset(marking)]
    if "keywords" in entity.schema.properties:
        data.setdefault("properties", {}).setdefault("keywords", []).append(stix.TLP_NAMES[marking])
    return data


def ftm_entities(objects: Iterator[dict]) -> Iterator[dict]:
    """FollowTheMoney entities (as dicts) from the STIX objects of an export, each carrying its
    marking as its dataset (links take the strictest marking of their ends, as in STIX)."""
    ext_id = stix.EXTENSION_ID
    for obj in objects:
        ext = (obj.get("extensions") or {}).get(ext_id) or {}
        kind = ext.get("kind")
        refs = obj.get("object_marking_refs") or []
        if not refs or refs[0] not in stix.MARKING_BY_ID:
            continue  # definitions and authors: not part of the record
        marking = stix.MARKING_BY_ID[refs[0]]
        if obj["type"] == "relationship" and kind is None and obj.get("description") in ("operated by", "hosted by"):
            yield _marked(_ftm_station_link(obj), marking)
        elif kind in _FTM_RECORDS:
            for entity in _FTM_RECORDS[kind](obj, ext):
                yield _marked(entity, marking)
        elif kind in ("person", "address", "tie"):
            for entity, link_marking in ftm_network_entities(obj, ext, marking, _ftm_id, ftm_model.make_entity):
                yield _marked(entity, link_marking)
        elif kind == "claim" and ext.get("subject_ref", "").split("--")[0] in ("identity", "infrastructure", "campaign"):
            for i, ev in enumerate(ext.get("evidence", [])):
                yield _marked(_ftm_documentation(obj, ext, i, ev), stix.strictest(marking, ev.get("marking") or marking))


def _ftm_station_link(obj: dict) -> Any:
    """A station's operator or host as an UnknownLink."""
    role = "operates" if obj["description"] == "operated by" else "hosts"
    link = ftm_model.make_entity("UnknownLink")
    link.id = _ftm_id(stix.relationship_id(obj["target_ref"], role, obj["source_ref"]))
    link.add("subject", _ftm_id(obj["target_ref"]))
    link.add("object", _ftm_id(obj["source_ref"]))
    link.add("role", role)
    return link


def _ftm_organization(obj: dict, ext: dict) -> list[Any]:
    schema = "PublicBody" if ext.get("organization_kind") in ("operating_bureau", "government_body") else "Organization"
    e = ftm_model.make_entity(schema)
    e.id = _ftm_id(obj["id"])
    e.add("name", obj["name"])
    e.add("alias", [ext.get("name_zh"), *ext.get("aliases", [])])
    e.add("country", ext.get("country"))
    e.add("description", obj.get("description"))
    e.add("classification", v.ORGANIZATION_KINDS.get(ext.get("organization_kind", ""), ""))
    e.add("topics", FTM_TOPICS.get(ext.get("organization_kind", "")))
    if ext.get("place"):
        e.add("address", f"{ext['place']['name']}, {ext['place']['country']}")
    return [e]


def _ftm_station(obj: dict, ext: dict) -> list[Any]:
    e = ftm_model.make_entity("Organization")
    e.id = _ftm_id(obj["id"])
    e.add("name", obj["name"])
    e.add("alias", [ext.get("name_zh"), *obj.get("aliases", [])])
    e.add("country", ext.get("country"))
    e.add("classification", "Overseas police service station")
    e.add("status", v.STATION_STATUSES.get(ext.get("status", ""), ""))
    e.add("description", obj.get("description"))
    e.add("topics", FTM_TOPICS["station"])
    e.add("incorporationDate", ext.get("first_reported"))
    if ext.get("place"):
        e.add("address", f"{ext['place']['name']}, {ext['place']['country']}")
    return [e]


def _ftm_response(obj: dict, ext: dict) -> list[Any]:
    """The response as an Event, after its acting body (when named) as a PublicBody."""
    out = []
    e = ftm_model.make_entity("Event")
    e.id = _ftm_id(obj["id"])
    e.add("name", obj["name"])
    e.add("summary", obj.get("description"))
    e.add("country", ext.get("country"))
    e.add("date", ext.get("date"))
    e.add("keywords", [ext.get("action"), ext.get("body")])
    e.add("involved", [_ftm_id(r) for r in ext.get("station_refs", [])])
    if ext.get("body"):
        # The acting body (a ministry, a court, the police) as the event's organiser.
        body = ftm_model.make_entity("PublicBody")
        body.id = f"tnrwatch-body-{stix.name_id('identity', 'body', ext['country'], ext['body'].casefold()).partition('--')[2]}"
        body.add("name", ext["body"])
        body.add("country", ext.get("country"))
        body.add("topics", "gov")
        out.append(body)
        e.add("organizer", body.id)
    out.append(e)
    return out


def _ftm_incident(obj: dict, ext: dict) -> list[Any]:
    e = ftm_model.make_entity("Event")
    e.id = _ftm_id(obj["id"])
    e.add("name", obj["name"])
    e.add("summary", obj.get("description"))
    e.add("country", ext.get("host_country"))
    when = "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(p for p in (ext.get("year"), ext.get("month"), ext.get("day")) if p))
    e.add("date", when or None)
    e.add("keywords", [ext.get("tactic"), ext.get("target_category")])
    e.add("involved", [_ftm_id(r) for r in ext.get("station_refs", [])])
    return [e]


def _ftm_source(obj: dict, ext: dict) -> list[Any]:
    e = ftm_model.make_entity("Article" if ext.get("source_kind") == "news" else "Document")
    e.id = _ftm_id(obj["id"])
    e.add("title", obj["name"])
    e.add("publisher", ext.get("publisher"))
    e.add("author", ext.get("author"))
    e.add("publishedAt", ext.get("date"))
    e.add("language", ext.get("language"))
    for ref in obj.get("external_references", []):
        e.add("sourceUrl", ref.get("url"))
    return [e]


def _ftm_documentation(obj: dict, ext: dict, i: int, ev: dict) -> Any:
    """One evidence item of a claim about an organisation or station, as Documentation."""
    d = ftm_model.make_entity("Documentation")
    d.id = _ftm_id(obj["id"]) + f"-{i}"
    d.add("entity", _ftm_id(ext["subject_ref"]))
    d.add("document", _ftm_id(ev["source_ref"]))
    d.add("role", f"{ext['prop']}: {ext['value']}"[:500])
    d.add("summary", ev["quote"])
    d.add("status", ext.get("status"))
    return d


# The entities of one record's STIX object, by the extension's kind.
_FTM_RECORDS: dict[str, Callable[[dict, dict], list[Any]]] = {
    "organization": _ftm_organization, "station": _ftm_station, "government-response": _ftm_response,
    "incident": _ftm_incident, "source": _ftm_source, "campaign": lambda obj, ext: [_ftm_campaign(obj, ext)],
}


def _ftm_campaign(obj: dict, ext: dict) -> Any:
    """A campaign as an FtM `Event` (FtM has no campaign schema): dated to its stated grain, with the
    bodies it is attributed to as organisers and the stations it uses as involved."""
    e = ftm_model.make_entity("Event")
    e.id = _ftm_id(obj["id"])
    e.add("name", obj["name"])
    e.add("alias", [ext.get("name_zh"), *obj.get("aliases", [])])
    e.add("summary", obj.get("description"))
    e.add("description", obj.get("objective"))
    if ext.get("date"):
        grain = {"year": 4, "month": 7}.get(ext.get("date_precision", "day"), 10)
        e.add("startDate", ext["date"][:grain])
    e.add("organizer", [_ftm_id(r) for r in ext.get("attributed_refs", [])])
    e.add("involved", [_ftm_id(r) for r in ext.get("station_refs", [])])
    e.add("keywords", "campaign")
    return e


def ftm_validate(entity: dict) -> None:
    """Raise followthemoney's InvalidData if the entity does not fit its schema."""
    schema = ftm_model.get(entity["schema"])
    schema.validate({k: val for k, val in entity.items() if k != "datasets"})
    ftm_model.get_proxy({k: val for k, val in entity.items() if k != "datasets"}, cleaned=False)


def export_ftm(out: IO[str], *, partner: str | None = None) -> int:
    """FollowTheMoney entities, one JSON object per line (the format Aleph and `ftm` tools read)."""
    audience = audience_for(partner)
    ctx = ExportContext(audience)
    count = 0
    shared: list[str] = []
    for entity in ftm_entities(export_objects(audience, kinds_for(audience), ctx=ctx)):
        ftm_validate(entity)
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
        if partner:
            shared.append(entity["id"])
    if partner:
        share_log_write(partner=Partner.objects.get(name=partner), audience=audience, channel="ftm", stix_ids=shared)
    return count


def export_records_stix(out: IO[str], *, audience: Audience, records: dict[str, Iterable[int]]) -> int:
    """A STIX 2.1 bundle of some records ({kind: ids}, e.g. a network view's neighbourhood): those
    of them `audience` may receive, mapped as the whole export maps them."""
    ctx = ExportContext(audience)
    objects = export_objects(audience, kinds_for(audience), ctx=ctx, records=records)
    return stix.write_bundle(out, objects, seed=f"{ctx.instance_uuid}:{audience.name}")


def export_records_ftm(out: IO[str], *, audience: Audience, records: dict[str, Iterable[int]]) -> int:
    """FollowTheMoney entities (one JSON object per line) of some records, as `export_ftm` maps them."""
    ctx = ExportContext(audience)
    count = 0
    for entity in ftm_entities(export_objects(audience, kinds_for(audience), ctx=ctx, records=records)):
        ftm_validate(entity)
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def export_misp(out: IO[str], *, partner: str | None = None) -> int:
    """MISP core format: one event per TLP marking (see `misp.py`), as `{"response": [events]}`,
    the shape MISP's own search API returns and its import reads."""
    from django.utils import timezone

    from .misp import misp_events

    audience = audience_for(partner)
    ctx = ExportContext(audience)
    objects = list(export_objects(audience, kinds_for(audience), ctx=ctx))
    events = misp_events(objects, title=f"tnrwatch record for {audience.name}", date=timezone.now().date().isoformat())
    json.dump({"response": events}, out, ensure_ascii=False, sort_keys=True)
    out.write("\n")
    if partner:
        share_log_write(partner=Partner.objects.get(name=partner), audience=audience, channel="misp",
                        stix_ids=[o["id"] for o in objects])
    return sum(len(e["Event"]["Object"]) for e in events)


def _partner_option(options: dict[str, Any]) -> str | None:
    """`--partner NAME` (when the export command has it) or `--option partner=NAME`."""
    name = options.get("partner") or (options.get("extra") or {}).get("partner")
    if options.get("kind"):
        raise ValidationError(f"{options.get('format')} has no --kind: it holds the whole record.")
    unknown = set(options.get("extra") or {}) - {"partner"}
    if unknown:
        raise ValidationError(f"Unknown option(s): {', '.join(sorted(unknown))}; only partner=NAME.")
    return name or None


def write_stix(stdout: IO[str], options: dict[str, Any]) -> None:
    """Writer for `tnrwatch export stix [--option partner=NAME]` (the export command's signature)."""
    export_stix(stdout, partner=_partner_option(options))


def write_ftm(stdout: IO[str], options: dict[str, Any]) -> None:
    export_ftm(stdout, partner=_partner_option(options))


def write_misp(stdout: IO[str], options: dict[str, Any]) -> None:
    export_misp(stdout, partner=_partner_option(options))


# format name -> writer(stdout, options) -> None, merged into `tnrwatch export` (atlas owns the command).
FORMATS: dict[str, Callable[[IO[str], dict[str, Any]], None]] = {"stix": write_stix, "ftm": write_ftm, "misp": write_misp}
