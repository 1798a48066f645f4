# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""English, Simplified and Traditional Chinese: the switch works without JavaScript on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_language_switch_as_a_plain_form(client, atlas_record):
    for url in [reverse("atlas:home"), reverse("atlas:compare"), reverse("atlas:country", args=["nl"]),
                reverse("atlas:claim", args=[atlas_record["closure"].pk]), "/countries/ZZ/"]:
        html = client.get(url).content.decode()
        assert f'action="{reverse("atlas:set_language")}" method="post"' in html, url
        assert 'value="zh-hans"' in html and 'value="zh-hant"' in html


def test_switching_to_simplified_chinese_renders_chinese(client, atlas_record):
    # Given an anonymous visitor who chooses Simplified Chinese with the form in the header
    response = client.post(reverse("atlas:set_language"), {"language": "zh-hans", "next": "/compare/"})
    assert response.status_code == 302 and response["Location"] == "/compare/"
    # Then the pages are in Chinese: interface strings, vocabulary and country names
    html = client.get(reverse("atlas:compare")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "各国做了什么" in html  # "Who has done what"
    assert "勒令关闭" in html  # "Closure ordered"
    assert "荷兰" in html  # the Netherlands, from Country.name_zh_hans
    country = client.get(reverse("atlas:country", args=["nl"])).content.decode()
    assert "政府回应" in country


def test_traditional_chinese(client, atlas_record):
    client.post(reverse("atlas:set_language"), {"language": "zh-hant", "next": "/"})
    html = client.get(reverse("atlas:home")).content.decode()
    assert "海外警察站與各國政府的回應" in html
    assert "勒令關閉" in html
    assert "荷蘭" in html  # map <title> and the table use Country.name_zh_hant


def test_unknown_language_keeps_english(client, atlas_record):
    client.post(reverse("atlas:set_language"), {"language": "xx\x00", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("atlas:home")).content.decode()


def test_language_switch_refuses_a_foreign_next_url(client):
    response = client.post(reverse("atlas:set_language"), {"language": "zh-hans", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_accept_language_header_is_honoured(client, atlas_record):
    html = client.get(reverse("atlas:home"), HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "勒令關閉" in html or '<html lang="zh-hant">' in html


def _po_entries(path):
    """(context, msgid, msgstr) of every translated, non-fuzzy entry of a .po file (singular form)."""
    import re

    def unquote(block: str) -> str:
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
        return "".join(parts).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

    for entry in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        if "#, fuzzy" in entry or "msgid " not in entry:
            continue
        head = re.search(r'^msgid ((?:".*"\n?)+)', entry + "\n", re.M)
        if head is None:  # an obsolete (#~) entry
            continue
        msgid = unquote(head.group(1))
        found = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', entry + "\n", re.M)
        msgstr = unquote(found.group(1)) if found else ""
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', entry + "\n", re.M)
        if msgid and msgstr:
            yield (unquote(context.group(1)) if context else None), msgid, msgstr


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant", "ug", "bo", "vi"])
def test_committed_mo_files_match_the_po_files(locale):
    # The compiled catalogues are committed so that a fresh clone shows Chinese without gettext
    # installed; this fails when someone edits a .po file and forgets to run msgfmt.
    import gettext
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "locale" / locale / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    entries = list(_po_entries(folder / "django.po"))
    assert len(entries) > 100
    for context, msgid, msgstr in entries:
        found = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert found == msgstr, msgid


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_chinese_catalogues_translate_every_string(locale):
    # Both Chinese catalogues cover the whole interface (atlas, workspace, inbox, reporting
    # channel): no entry left empty or fuzzy. After adding strings, run makemessages and translate
    # them (tnrwatch/locale/README.md). Uyghur, Tibetan and Vietnamese cover the reporting channel
    # (intake/tests/test_i18n.py) and fall back to English elsewhere.
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "locale" / locale / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = [e for e in text.split("\n\n")[1:] if re.search(r"^msgid ", e, re.M)]
    assert len(entries) > 900
    untranslated = [re.search(r"^msgid .*(?:\n\".*)?", e, re.M).group(0) for e in entries
                    if "#, fuzzy" in e or re.search(r'^msgstr(?:\[\d\])? ""\n(?!")', e + "\n", re.M)]
    assert untranslated == []


def test_claims_are_shown_in_words_of_the_chosen_language(client, atlas_record):
    url = reverse("atlas:claim", args=[atlas_record["closure"].pk])
    assert "Action: Closure ordered" in client.get(url).content.decode()
    client.post(reverse("atlas:set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(url).content.decode()
    assert "行动：勒令关闭" in html
    assert "The Dutch government ordered China to shut down" in html  # quotes stay verbatim


def test_every_vocabulary_label_is_marked_for_translation():
    from tnrwatch.atlas.vocabulary_i18n import VOCABULARY_LABELS
    from tnrwatch.registry import vocabulary as v

    for name in ("RESPONSE_ACTIONS", "RESPONSE_BODIES", "STATION_STATUSES", "CLAIM_STATUSES", "INCIDENT_TACTICS",
                 "TARGET_CATEGORIES", "ORGANIZATION_KINDS", "SOURCE_KINDS", "MARKINGS", "FIGURE_KINDS"):
        for label in getattr(v, name).values():
            assert label in VOCABULARY_LABELS, f"{name}: add {label!r} to atlas/vocabulary_i18n.py"
