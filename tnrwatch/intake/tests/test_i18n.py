"""The reporting channel in the languages of the people it serves: no English left on the pages a
reporter sees, country names in their language, punctuation that is not doubled, and Uyghur laid
out right to left."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from .conftest import multipart_form

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "zh-hant", "ug", "bo", "vi"]
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
# Text that is the same in every language: the project's name, product names, and codes.
SAME_IN_EVERY_LANGUAGE = {"tnrwatch", "Tor Browser", "JavaScript", "English", "Tiếng Việt", "API"}
ATTRIBUTES_READ_ALOUD = ("aria-label", "title", "alt", "placeholder")


class _VisibleText(HTMLParser):
    """Every text node a reader sees or hears (not scripts, styles or <option> values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0
        self.html_attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = {k: v or "" for k, v in attributes.items()}
        if tag in ("script", "style", "title"):
            self._hidden += 1
        for name in ATTRIBUTES_READ_ALOUD:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def _english_msgids() -> set[str]:
    """The English side of the catalogue: every msgid (singular and plural) of the interface."""
    text = (LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    ids = set()
    for match in re.finditer(r'^msgid(?:_plural)? ((?:".*"\n)+)', text, re.M):
        ids.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))).replace('\\"', '"'))
    return {i for i in ids if i and not i.startswith("#")}


ENGLISH = _english_msgids()
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{3,})+")


def english_left(html: str, language: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text in SAME_IN_EVERY_LANGUAGE:
            continue
        if text in ENGLISH:
            found.append(text)
        elif language != "vi":
            # In scripts other than Latin, two English words in a row are English left behind
            # (Vietnamese is written in Latin letters: the catalogue check above covers it).
            leftover = LATIN_WORDS.sub(lambda m: "" if m.group(0) in SAME_IN_EVERY_LANGUAGE else m.group(0), text)
            if LATIN_WORDS.search(leftover):
                found.append(text)
    return found


def html_attrs(html: str) -> dict[str, str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.html_attrs


@pytest.fixture
def in_language(client):
    def use(language: str):
        client.post(reverse("atlas:set_language"), {"language": language, "next": "/"})
        return client
    return use


@pytest.mark.parametrize("language", LANGUAGES)
def test_reporting_pages_show_no_english(in_language, language, analyst):
    # Given the example help entries and a reader who chose their language
    call_command("intake_load_examples", verbosity=0)
    client = in_language(language)
    pages = {name: client.get(reverse(f"intake:{name}")).content.decode() for name in ("form", "follow_up", "safety", "help")}
    # the form sent back with an error, and a follow-up with a wrong receipt
    pages["form_error"] = client.post(reverse("intake:form"), multipart_form(what_happened="")).content.decode()
    pages["follow_up_invalid"] = client.post(reverse("intake:follow_up"), {"action": "open", "receipt": "NOPE"}).content.decode()
    # and the receipt of a report sent from the Netherlands
    pages["receipt"] = client.post(reverse("intake:form"), multipart_form()).content.decode()
    # and the reporter's own page, opened with that receipt
    receipt = re.search(r'id="receipt">([0-9A-Z-]+)<', pages["receipt"]).group(1)
    pages["case"] = client.post(reverse("intake:follow_up"), {"action": "open", "receipt": receipt}).content.decode()
    assert 'id="status"' in pages["case"]
    for name, html in pages.items():
        assert f'lang="{language}"' in html, name
        assert english_left(html, language) == [], (language, name)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("reason", ["busy", "interrupted", "bad_file_name", "too_many_files", "too_large"])
def test_refusal_pages_show_no_english(rf, language, reason):
    """The pages a reporter meets when a submission is turned away (the channel is busy, the upload
    broke off, a file name or the files are refused) are in their language too."""
    from django.utils import translation

    from tnrwatch.intake import views

    request = rf.post(reverse("intake:form"))
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = views._busy(request, 120) if reason == "busy" else views._refused(request, reason)
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert english_left(html, language) == [], (language, reason)


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_labels_carry_one_mark_of_punctuation(in_language, language):
    html = in_language(language).get(reverse("intake:form")).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", html)
    assert labels
    for label in labels:
        assert not re.search(r"[?？؟!.。:：།][:：]$", label), (language, label)


@pytest.mark.parametrize(("language", "netherlands"), [
    ("en", "Netherlands"), ("zh-hans", "荷兰"), ("zh-hant", "荷蘭"), ("ug", "گوللاندىيە"), ("vi", "Hoà Lan"),
    ("bo", "ཧའོ་ལན།"),
])
def test_country_list_is_in_the_readers_language(in_language, language, netherlands):
    html = in_language(language).get(reverse("intake:form")).content.decode()
    assert f'<option value="NL">{netherlands}</option>' in html


def test_uyghur_is_right_to_left_and_the_layout_mirrors(in_language):
    html = in_language("ug").get(reverse("intake:form")).content.decode()
    assert html_attrs(html).get("dir") == "rtl"
    # The stylesheets use logical properties (start/end), so the layout mirrors with dir=rtl.
    static = Path(__file__).resolve().parents[2] / "static" / "css"
    for sheet in ("tnrwatch.css", "intake.css"):
        css = (static / sheet).read_text(encoding="utf-8")
        assert not re.search(r"(margin|padding|border)-(left|right)\s*:|text-align:\s*(left|right)|float:\s*(left|right)", css), sheet
    assert html_attrs(in_language("zh-hans").get(reverse("intake:form")).content.decode()).get("dir") in (None, "ltr")


def test_every_catalogue_says_how_it_was_reviewed():
    catalogues = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
    assert {p.parts[-3] for p in catalogues} >= {"zh_Hans", "zh_Hant", "ug", "bo", "vi"}
    for path in catalogues:
        assert "# Translation review:" in path.read_text(encoding="utf-8")[:1500], path


def test_inbox_shows_answers_as_the_words_the_reporter_chose(client, make_staff, analyst):
    from django_otp import DEVICE_ID_SESSION_KEY

    from tnrwatch.intake.models import Report

    from .conftest import PASSPHRASE

    # Given a report sent in Simplified Chinese, opened by an analyst who reads English
    client.post(reverse("intake:form"), multipart_form(tactics=["family_threats", "return_demands"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(analyst.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = analyst.user.totpdevice_set.get().persistent_id
    session.save()
    client.post(reverse("inbox:unlock"), {"passphrase": PASSPHRASE})
    page = client.get(reverse("inbox:report", args=[Report.objects.get().pk])).content.decode()
    # Then the coded answers read as words, not codes
    assert "Netherlands (NL)" in page
    assert "A community association or hometown association" in page
    assert "Threats to my family in China, Demands that I return to China" in page
    assert "family_threats" not in page
