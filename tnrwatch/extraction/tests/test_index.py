"""The prebuilt gazetteer index (index.py): read back, it finds what the built gazetteer finds;
it is keyed by its inputs, can be switched off, and a damaged file is rebuilt, never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tnrwatch.extraction import index
from tnrwatch.extraction.matcher import Gazetteer
from tnrwatch.extraction.places import CityRef, _decode, _encode

TEXT = "Stations in Rotterdam, v Praze, 在多伦多 and in Wien-Favoriten; the Rotterdamse police."


def _small() -> Gazetteer:
    gaz = Gazetteer()
    for name, cc in (("Rotterdam", "NL"), ("Praze", "CZ"), ("多伦多", "CA"), ("Wien", "AT")):
        gaz.add(name, CityRef(name, ((cc, 1000),)), capital=not name.startswith("多"))
    return gaz


def test_index_round_trip_finds_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TNR_EXTRACTION_CACHE", str(tmp_path))
    built = index.cached("test", _small, _encode, _decode)
    files = list(tmp_path.glob("test-*.marshal"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600
    read = index.cached("test", lambda: pytest.fail("rebuilt although the index is current"), _encode, _decode)
    assert read.find(TEXT) == built.find(TEXT) == _small().find(TEXT)
    assert [m.payload.name for m in read.find(TEXT)] == ["Rotterdam", "Praze", "多伦多", "Wien"]


def test_damaged_index_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TNR_EXTRACTION_CACHE", str(tmp_path))
    index.cached("test", _small, _encode, _decode)
    path = next(tmp_path.glob("test-*.marshal"))
    path.write_bytes(b"\x00not marshal")
    calls: list[int] = []

    def rebuild() -> Gazetteer:
        calls.append(1)
        return _small()

    gaz = index.cached("test", rebuild, _encode, _decode)
    assert calls == [1] and gaz.find(TEXT) == _small().find(TEXT)


def test_index_off_and_stale_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TNR_EXTRACTION_CACHE", "off")
    assert index.cache_dir() is None
    index.cached("test", _small, _encode, _decode)
    assert not list(tmp_path.iterdir())
    monkeypatch.setenv("TNR_EXTRACTION_CACHE", str(tmp_path))
    (tmp_path / "test-0000.marshal").write_bytes(b"old")  # an index of other inputs
    index.cached("test", _small, _encode, _decode)
    assert [p.name for p in tmp_path.iterdir()] == [f"test-{index.inputs_digest()}.marshal"]
