"""Properties of the pure parts: highlighting never loses text; sniffing never fails unexpectedly."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tnrwatch.ingestion.highlight import segments
from tnrwatch.ingestion.limits import CaptureLimits
from tnrwatch.ingestion.text import DocumentError, extract_document, sniff

spans = st.lists(st.tuples(st.integers(-5, 300), st.integers(-5, 300), st.integers()), max_size=12)


@settings(deadline=None)  # no timing in tests: a loaded machine must not fail them
@given(text=st.text(max_size=200), spans=spans)
def test_segments_keep_the_text_and_cover_each_span(text, spans):
    parts = segments(text, spans)
    assert "".join(p.text for p in parts) == text
    offset = 0
    for part in parts:
        for start, end, obj in spans:
            s, e = max(0, start), min(len(text), end)
            inside = s <= offset and offset + len(part.text) <= e and s < e
            assert (obj in part.spans) or not inside
        offset += len(part.text)


@settings(deadline=None)
@given(head=st.binary(max_size=600), content_type=st.sampled_from(["", "text/html", "application/pdf", "text/plain"]))
def test_sniff_returns_a_kind_or_a_document_error(head, content_type):
    try:
        assert sniff(head, content_type=content_type) in {"pdf", "html", "text"}
    except DocumentError as exc:
        assert exc.message


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=0, max_size=2000))
def test_arbitrary_bytes_give_text_or_a_document_error(tmp_path_factory, data):
    path = Path(tmp_path_factory.mktemp("prop")) / "doc"
    path.write_bytes(data)
    try:
        result = extract_document(path, limits=CaptureLimits(), filename="doc")
    except DocumentError as exc:
        assert exc.message
    else:
        assert result.text and "\x00" not in result.text
