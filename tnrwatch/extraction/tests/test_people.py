"""People (public actors only) and addresses the extractor proposes (extraction/people.py)."""

from __future__ import annotations

import pytest

from tnrwatch.extraction import extract


def people(text: str) -> list[tuple[str | None, str | None]]:
    return [(c.name, c.basis) for c in extract(text) if c.kind == "person"]


@pytest.mark.parametrize("text, expected", [
    ("Il ministro dell'Interno Marco Bellini ha annunciato verifiche.", [("Marco Bellini", "official")]),
    ("O ministro da Administração Interna, José Almeida, disse que o caso está a ser acompanhado.",
     [("José Almeida", "official")]),
    ("Hovorca Policajného zboru Michal Kováč potvrdil trestné stíhanie.", [("Michal Kováč", "official")]),
    ("The association's chairman Wu Deming denied any link.", [("Wu Deming", "organization_leader")]),
    ("One defendant, Chen Jinping, pleaded guilty.", [("Chen Jinping", "court_record")]),
    ("外交部发言人毛丽表示，报道不实。", [("毛丽", "official")]),
])
def test_a_name_with_a_public_role_is_proposed(text, expected):
    assert people(text) == expected


@pytest.mark.parametrize("text", [
    "The victim, Li Wei, told the court he had been followed.",
    "Reporter Sarah Collins first described the premises.",
    "Die Tochter eines Betroffenen, Mei Zhang, schilderte Drohanrufe.",
    "Anna Berg and Karin Wallin walked past the office.",  # no role at all
    "受害者家属王芳表示不愿透露更多。",
])
def test_victims_reporters_relatives_and_people_without_a_role_are_never_proposed(text):
    assert people(text) == []


def test_a_person_candidate_quotes_its_sentence_and_names_the_body():
    text = "Utrikesminister Karin Wallin säger att ambassadören har kallats till ett möte. Inget mer."
    (c,) = [c for c in extract(text) if c.kind == "person"]
    assert text[c.start:c.end] == c.quote and c.quote.startswith("Utrikesminister")
    assert (c.role, c.organization) == ("Utrikesminister", "Ministry of Foreign Affairs")
    assert c.to_dict()["name"] == "Karin Wallin" and c.to_dict()["basis"] == "official"


@pytest.mark.parametrize("text, address, country", [
    ("The office at Via Pistoiese 150 in Prato was searched.", "Via Pistoiese 150", "IT"),
    ("Die Station lag in der Kantstraße 5 in Berlin.", "Kantstraße 5", "DE"),
    ("Le local du 12 rue de la Paix à Paris a fermé.", "12 rue de la Paix", "FR"),
])
def test_street_addresses_with_their_country(text, address, country):
    found = [(c.address, c.country) for c in extract(text) if c.kind == "address"]
    assert found == [(address, country)]
