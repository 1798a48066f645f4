"""Who receives an output, and what markings that allows (TLP 2.0). No database access."""

from __future__ import annotations

from dataclasses import dataclass, field

from tnrwatch.registry import vocabulary as v

# Apps whose records never leave the instance, whatever the audience: the reporting channel and its
# inbox, the audit trail, and the sharing app's own bookkeeping (partners, tokens, private notes).
NEVER_OUTBOUND_APPS = frozenset({"intake", "accounts", "audit", "otp_totp", "sessions", "admin"})
NEVER_OUTBOUND_MODELS = frozenset({
    "sharing.privatenote", "sharing.partner", "sharing.partnergrant", "sharing.sharelog",
    "sharing.csvupload",
})


@dataclass(frozen=True)
class Audience:
    """Who receives the output: the public, or a partner with granted markings and collections."""

    name: str
    max_marking: str = "clear"  # the highest TLP marking this audience may receive
    collections: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_public(self) -> bool:
        return self.name == "public"

    def allowed_markings(self) -> list[str]:
        top = v.MARKING_LEVEL.get(self.max_marking, 0)
        if self.is_public:
            top = 0  # the public only ever sees TLP:CLEAR
        # RED never leaves the instance, whatever was granted.
        return [m for m, lvl in v.MARKING_LEVEL.items() if lvl <= top and m != "red"]

    def allows(self, marking: str) -> bool:
        """Whether one record's marking lets it reach this audience."""
        return marking in self.allowed_markings()


PUBLIC = Audience(name="public", max_marking="clear")


def strictest(*markings: str) -> str:
    """The strictest of `markings` (a link between records carries the strictest of its ends and
    its own); an unknown marking counts as RED, so a typo never loosens anything."""
    known = [m if m in v.MARKING_LEVEL else "red" for m in markings]
    return max(known, key=v.MARKING_LEVEL.__getitem__) if known else "red"
