"""Who published a source, as the naming standard counts publishers ("two independent public
sources", `sharing/outbound/people.py`). No Django import.

`publisher_key` is the one home of the comparison; `Source.publisher_key` stores it (set on every
save and by the partner import's bulk writes) so the querysets count what the preview counts.
Two sources are one publisher when:

- their URLs are on the same site: the host without "www." and without its public suffix
  (news.example.co.uk and www.example.com are both "example"; an archive's copy, web.archive.org,
  is judged by the name instead);
- otherwise, their publisher names are the same once letter case, accents, punctuation, spaces, a
  leading "The" and trailing words such as News, Ltd, Inc, Group or Media are set aside ("Reuters",
  "Reuters.", "REUTERS News" and "reuters.com" are one). A source with neither counts for nothing.

This errs towards fewer publishers: two outlets on one host count once, which can only keep a
name back, never publish one.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Trailing words that do not tell two publishers apart (company forms, "news", "media").
_SUFFIXES = frozenset({"news", "inc", "incorporated", "ltd", "limited", "llc", "plc", "co", "corp", "corporation",
                       "company", "group", "media", "agency", "gmbh", "ag", "sa", "srl", "spa", "bv", "nv", "online",
                       "com", "network", "service", "services"})
# Second-level labels under a country code (example.co.uk, example.com.au).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})
# Hosts that carry copies of other publishers' pages: their sources are judged by the publisher's name.
_ARCHIVES = frozenset({"archive", "archive.org", "web.archive.org", "archive.ph", "archive.today", "archive.is"})
_WORD = re.compile(r"[^\W_]+")
_HOSTLIKE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def site(host: str) -> str:
    """The site a host belongs to: the label before its public suffix ("www.bbc.co.uk" -> "bbc")."""
    labels = [label for label in _folded(host).strip(".").split(".") if label]
    if labels[:1] == ["www"]:
        labels = labels[1:]
    if len(labels) < 2:
        return labels[0] if labels else ""
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL and len(_folded(host).rsplit(".", 1)[-1]) == 2:
        labels = labels[:-1]  # example.co.uk
    return labels[-1]


def _url_site(url: str) -> str:
    try:
        host = urlsplit((url or "").strip()).hostname or ""
    except ValueError:
        return ""
    if not host or host in _ARCHIVES or site(host) in _ARCHIVES:
        return ""
    return site(host)


def name_key(publisher: str) -> str:
    folded = _folded(publisher)
    if _HOSTLIKE.match(folded.removeprefix("https://").removeprefix("http://").split("/")[0]):
        return site(folded.removeprefix("https://").removeprefix("http://").split("/")[0])
    words = _WORD.findall(folded)
    if words[:1] == ["the"]:
        words = words[1:]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return "".join(words)[:300]


def publisher_key(publisher: str, url: str = "") -> str:
    """The key two sources share when they are one publisher (see the module docstring); "" for none."""
    return (_url_site(url) or name_key(publisher))[:300]
