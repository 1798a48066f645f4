"""The page nginx shows when it rate-limits submissions: every language of the channel, and the
committed file is what the catalogues give today."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tnrwatch.intake import proxy_pages

from .test_i18n import english_left

ERRORS = Path(__file__).resolve().parents[3] / "deploy" / "nginx" / "errors"


def test_the_committed_page_is_what_the_catalogues_give():
    committed = (ERRORS / proxy_pages.FILE_NAME).read_text(encoding="utf-8")
    assert committed == proxy_pages.busy_page(), "run: tnrwatch intake_proxy_pages deploy/nginx/errors"


def test_each_language_has_its_own_section_without_english():
    page = proxy_pages.busy_page()
    for code, _name in settings.LANGUAGES:
        start = page.index(f'<section lang="{code}"')
        section = page[start:page.index("</section>", start)]
        if code != "en":
            assert english_left(section, code) == [], code
    assert '<section lang="ug" dir="rtl">' in page
    # nothing that loads from anywhere: no stylesheet, script or image, and links stay on this host
    assert "<link" not in page and "<script" not in page and "<img" not in page and "http" not in page
