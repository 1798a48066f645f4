"""The page nginx shows when it turns a report away before tnrwatch sees it.

The proxy limits submissions instance-wide (deploy/nginx, `limit_req` on /report/) and answers 429
itself, so tnrwatch's own "busy" page (templates/intake/busy.html, in the reader's language) never
renders then. nginx cannot choose a language, so this page carries the same words in every
language of the reporting channel, each in its own `lang` (and `dir`) section, taken from the same
catalogue entries as busy.html. It is a static file in deploy/nginx/errors/, written by
`tnrwatch intake_proxy_pages`; a test fails when the committed file differs from what the
catalogues give (a translation changed and the page was not rewritten).
"""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

FILE_NAME = "report-busy.html"


def _section(language: str) -> str:
    with translation.override(language):
        direction = "rtl" if translation.get_language_bidi() else "ltr"
        heading = gettext("The reporting channel is busy right now")
        reason = gettext("Many reports are arriving at the moment, more than we can safely take in. "
                         "Your report was not sent, and nothing of it was kept.")
        again = ngettext("Please try again in about %(minutes)s minute. Your browser may keep what you typed if you go back.",
                         "Please try again in about %(minutes)s minutes. Your browser may keep what you typed if you go back.",
                         1) % {"minutes": 1}
        back = gettext("Back to the form")
    return (f'<section lang="{language}" dir="{direction}">\n<h2>{escape(heading)}</h2>\n<p>{escape(reason)}</p>\n'
            f'<p>{escape(again)}</p>\n<p><a href="/report/">{escape(back)}</a></p>\n</section>\n')


def busy_page() -> str:
    """The whole page: English first, then every other language of the reporting channel."""
    sections = "".join(_section(code) for code, _name in settings.LANGUAGES)
    with translation.override("en"):
        title = gettext("Busy")
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title></head>\n<body>\n{sections}</body></html>\n")
