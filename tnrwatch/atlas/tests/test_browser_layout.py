# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""The public pages on a small phone and on paper, in Debian's headless Chromium.

- No public page scrolls sideways at 320 px or 390 px (a cheap phone, Tor Browser's default
  letterboxing goes as narrow), in English, both Chinese scripts and Uyghur (right to left):
  `document.documentElement.scrollWidth` never exceeds the window's inner width.
- A country page and a claim page printed for a briefing (Chromium's print media emulation): the
  print stylesheet (`static/css/print.css`, linked with media="print") hides the navigation, the
  language switch, the map's region links and date form and the exports; it prints each link's
  address after it and keeps the quotes black on white.

The browser has JavaScript on only so the test can measure the page; the pages ship no script.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (320, 390)
LANGUAGES = ("en", "zh-hans", "zh-hant", "ug")

# The widest elements, to say what overflows when something does.
_WIDEST = """
const limit = window.innerWidth;
return [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit + 0.5 || e.getBoundingClientRect().left < -0.5)
  .slice(-5).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                 + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right));
"""


def _public_pages(record) -> dict[str, str]:
    return {
        "home": reverse("atlas:home"),
        "home_europe": reverse("atlas:home") + "?region=europe",
        "country": reverse("atlas:country", args=["nl"]),
        "claim": reverse("atlas:claim", args=[record["closure"].pk]),
        "disputed_claim": reverse("atlas:claim", args=[record["disputed"].pk]),
        "source": reverse("atlas:source", args=[record["source"].pk]),
        "station": reverse("atlas:station", args=[record["station"].pk]),
        "compare": reverse("atlas:compare"),
        "search": reverse("atlas:search") + "?q=Rotterdam",
        "report": reverse("intake:form"),
    }


def _set_language(browser, live_server, language: str) -> None:
    browser.add_cookie({"name": "django_language", "value": language, "path": "/",
                        "domain": urlsplit(live_server.url).hostname})


@pytest.mark.django_db(transaction=True)
def test_no_public_page_scrolls_sideways_on_a_small_phone(browser_for_audits, live_server, atlas_record):
    from tnrwatch.accounts.models import User
    from tnrwatch.intake.services import recipient_key_create
    from tnrwatch.intake.tests.conftest import PASSPHRASE

    # the report form is served only once a recipient key exists
    recipient_key_create(actor=User.objects.create_user(username="layout-analyst", role="analyst"), passphrase=PASSPHRASE)
    browser = browser_for_audits
    browser.get(live_server.url + "/static/css/tnrwatch.css")  # a page on the host, to set cookies on
    overflowing = {}
    for language in LANGUAGES:
        _set_language(browser, live_server, language)
        for width in WIDTHS:
            browser.set_window_size(width, 800)
            for name, url in _public_pages(atlas_record).items():
                browser.get(live_server.url + url)
                assert f'lang="{language}"' in browser.page_source, (name, language)
                inner = browser.execute_script("return window.innerWidth")
                assert inner == width, (width, inner)  # the window really is that narrow
                scroll = browser.execute_script("return document.documentElement.scrollWidth")
                if scroll > inner:
                    overflowing[(language, width, name)] = (scroll, browser.execute_script(_WIDEST))
    assert not overflowing, "\n".join(f"{k}: {v}" for k, v in overflowing.items())


_PRINT_CHECKS = """
const shown = s => [...document.querySelectorAll(s)].filter(e => getComputedStyle(e).display !== 'none').length;
const source = document.querySelector('main .cite a[href], main a[href^="http"]');
const quote = document.querySelector('main blockquote');
return {
  nav: shown('header.site nav'), lang: shown('header.site form.lang'), skip: shown('a.skip'),
  forms: shown('main form'), regions: shown('nav.regions'), exports: shown('.exports'),
  link_after: source ? getComputedStyle(source, '::after').content : null,
  link_href: source ? source.getAttribute('href') : null,
  quote_colour: quote ? getComputedStyle(quote).color : null,
  quote_background: quote ? getComputedStyle(quote).backgroundColor : null,
  main_shown: shown('main'),
};
"""


@pytest.mark.django_db(transaction=True)
def test_country_and_claim_pages_print_without_chrome(browser_for_audits, live_server, atlas_record):
    browser = browser_for_audits
    browser.set_window_size(1280, 900)
    pages = {
        "country": reverse("atlas:country", args=["nl"]),
        "claim": reverse("atlas:claim", args=[atlas_record["closure"].pk]),
        "home": reverse("atlas:home"),  # the map's controls
    }
    for name, url in pages.items():
        browser.get(live_server.url + url)
        assert 'media="print"' in browser.page_source and "css/print.css" in browser.page_source
        # On screen the navigation is there ...
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
        on_screen = browser.execute_script(_PRINT_CHECKS)
        assert on_screen["nav"] == 1 and on_screen["lang"] == 1, (name, on_screen)
        # ... on paper it is not, nor any control; the content is.
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = browser.execute_script(_PRINT_CHECKS)
        assert printed["main_shown"] == 1, (name, printed)
        assert (printed["nav"], printed["lang"], printed["skip"]) == (0, 0, 0), (name, printed)
        assert (printed["forms"], printed["regions"], printed["exports"]) == (0, 0, 0), (name, printed)
        if name != "home":
            # a link's address printed after it; the quote black on white
            assert printed["link_href"] and printed["link_href"] in printed["link_after"], (name, printed)
            assert printed["quote_colour"] == "rgb(0, 0, 0)", (name, printed)
            assert printed["quote_background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (name, printed)
