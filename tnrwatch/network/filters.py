"""The network view's query parameters, checked: hops, tie types, a date window, the node bound.

`?hops=2&type=operated_by&type=membership&from=2020-01-01&to=2023-12-31&nodes=60`. A bad value
raises `ValidationError` with a message that names the parameter (the views answer 400), never
anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from tnrwatch.core.errors import ValidationError

from .graph import DEFAULT_MAX_NODES, LIMIT_MAX_NODES, MAX_HOPS

KNOWN = {"hops", "type", "from", "to", "nodes", "lang"}


@dataclass(frozen=True)
class NetworkFilters:
    hops: int = 1
    tie_types: tuple[str, ...] = ()  # empty: every type
    date_from: date | None = None
    date_to: date | None = None
    max_nodes: int = DEFAULT_MAX_NODES

    def admits(self, tie_type: str, start: date | None, end: date | None) -> bool:
        """Whether a tie of this type and period is in the view: of a chosen type, and overlapping
        the window (a tie without dates is in every window; it may still hold)."""
        if self.tie_types and tie_type not in self.tie_types:
            return False
        if self.date_from and end and end < self.date_from:
            return False
        return not (self.date_to and start and start > self.date_to)

    def query(self, **changes: object) -> str:
        """The query string of these filters (with `changes`), for links and exports."""
        values = {"hops": self.hops, "type": list(self.tie_types), "from": self.date_from, "to": self.date_to,
                  "nodes": self.max_nodes, **changes}
        pairs: list[tuple[str, str]] = []
        for name, value in values.items():
            if value in (None, "", []):
                continue
            if name == "nodes" and value == DEFAULT_MAX_NODES:
                continue
            if name == "hops" and value == 1:
                continue
            for item in value if isinstance(value, list) else [value]:
                pairs.append((name, item.isoformat() if isinstance(item, date) else str(item)))
        return urlencode(pairs)


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = list(params.get(name, []))
    if len(values) > 1:
        raise ValidationError(_("Give the parameter “%(name)s” once.") % {"name": name})
    value = values[0] if values else ""
    if len(value) > 32 or any(ord(ch) < 32 for ch in value):
        raise ValidationError(_("The parameter “%(name)s” is not valid.") % {"name": name})
    return value.strip()


def _date(params: Mapping[str, Sequence[str]], name: str) -> date | None:
    raw = _one(params, name)
    if not raw:
        return None
    try:
        if len(raw) == 10 and raw.isascii():
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValidationError(_("The parameter “%(name)s” must be a date written YYYY-MM-DD.") % {"name": name})


def parse(params: Mapping[str, Sequence[str]], tie_types: Callable[[], Sequence[str]]) -> NetworkFilters:
    """The filters from query parameters (a QueryDict's lists: `dict(request.GET.lists())`)."""
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise ValidationError(_("Unknown parameter “%(name)s”; this view takes hops, type, from, to and nodes.")
                              % {"name": unknown[0][:32]})
    hops_raw = _one(params, "hops") or "1"
    if hops_raw not in {str(h) for h in range(1, MAX_HOPS + 1)}:
        raise ValidationError(_("The parameter “hops” must be 1 or 2."))
    nodes_raw = _one(params, "nodes") or str(DEFAULT_MAX_NODES)
    if not (nodes_raw.isascii() and nodes_raw.isdigit()) or not 2 <= int(nodes_raw) <= LIMIT_MAX_NODES:
        raise ValidationError(_("The parameter “nodes” must be a whole number from 2 to %(max)d.")
                              % {"max": LIMIT_MAX_NODES})
    types = list(params.get("type", []))
    known_types = set(tie_types())
    if len(types) > len(known_types) or any(t not in known_types for t in types):
        raise ValidationError(_("Unknown tie type in “type”; choose among: %(types)s.")
                              % {"types": ", ".join(sorted(known_types))})
    date_from, date_to = _date(params, "from"), _date(params, "to")
    if date_from and date_to and date_from > date_to:
        raise ValidationError(_("The date in “from” is after the date in “to”."))
    return NetworkFilters(hops=int(hops_raw), tie_types=tuple(sorted(set(types))), date_from=date_from,
                          date_to=date_to, max_nodes=int(nodes_raw))
