from __future__ import annotations

from typing import Any

from crawler.matching.bundle_domains import (
    derived_domains,
    host_of,
    is_own_domain,
    lab_domains,
    wikidata_domains,
)
from crawler.matching.bundle_sources import WikidataHospital


def test_host_of() -> None:
    assert host_of("https://www.chu-tours.fr/x") == "chu-tours.fr"
    assert host_of("covid19.biogroup.fr.") == "covid19.biogroup.fr"
    assert host_of("doctolib ou par téléphone") is None
    assert host_of("0474452636") is None


def test_platforms_mailboxes_and_town_halls_are_not_a_lab_s() -> None:
    towns = frozenset({"annecy", "tarbes"})
    for host in ("doctolib.fr", "www.keldoc.com", "gmail.com", "annecy.fr", "ars.sante.gouv.fr"):
        assert not is_own_domain(host.removeprefix("www."), towns), host
    assert is_own_domain("labo-barla.eu", towns)


def test_lab_domains() -> None:
    rows = [
        {"id_ej": "010001725", "web_rdv": "www.labo-barla.eu"},
        {"id_ej": "010001725", "web_rdv": "https://www.doctolib.fr/labo"},
        {"id_ej": "020000001", "web_rdv": "covid19.biogroup.fr"},
        {"id_ej": "030000001", "web_rdv": "covid19.biogroup.fr"},
        {"id_ej": "040000001", "web_rdv": "provence.synlab.fr"},
        {"id_ej": "050000001", "web_rdv": "www.ba.synlab.fr"},
        {"id_ej": "060000001", "web_rdv": "sur rendez-vous"},
    ]
    assert lab_domains(rows, frozenset()) == {
        "010001725": {"labo-barla.eu"},
        "040000001": {"provence.synlab.fr"},  # synlab.fr is shared: the host stays whole
        "050000001": {"ba.synlab.fr"},
    }


def entity(key: str, name: str, city: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": name, "aliases": [], "city": city, "tags": [], **extra}


def test_wikidata_join_by_name_and_place() -> None:
    entities = {
        "finess:370000606": entity(
            "finess:370000606", "CHRU de Tours", "Tours", finess_et="370000606"
        ),
        "finess:370000001": entity(
            "finess:370000001", "EHPAD Tours", "Tours", finess_et="370000001"
        ),
    }
    points = {"370000606": (47.39, 0.69), "370000001": (47.39, 0.70)}
    hospitals = [
        WikidataHospital("CHU Tours", "France", "http://www.chu-tours.fr", (47.3936, 0.689167)),
        WikidataHospital("CHU Tours", "France", "http://chu-far.fr", (45.0, 3.0)),  # too far
        WikidataHospital("Hôpital X", "France", "http://x.fr/page", (47.39, 0.69)),  # a page
        WikidataHospital("CHU Tours", "Belgium", "http://chu.be", (47.39, 0.69)),
    ]
    found = wikidata_domains(hospitals, entities, points, lambda e: "hospital", frozenset())
    assert found == {"finess:370000606": {"chu-tours.fr"}}


def test_domains_derived_only_where_one_entity_fits() -> None:
    entities = {
        "finess-ej:1": entity("finess-ej:1", "Centre hospitalier de Dax", "Dax"),
        "finess-ej:2": entity("finess-ej:2", "CH de Bretagne Atlantique Sud", "Vannes"),
        "finess-ej:3": entity("finess-ej:3", "CH de Bretagne Atlantique Sud", "Auray"),
        "finess:4": entity("finess:4", "CH de Vire", "Vire", parent_key="finess-ej:9"),
    }
    assert derived_domains(entities, frozenset({"dax", "vannes"})) == {
        "finess-ej:1": {"ch-dax.fr": "rule:town"}
    }
    alone = {"finess-ej:2": entities["finess-ej:2"]}
    assert derived_domains(alone, frozenset({"vannes"})) == {
        "finess-ej:2": {"chbas.fr": "rule:initials"}
    }
    assert derived_domains(alone, frozenset({"bretagne"})) == {}  # a town's word


def test_a_direction_is_no_town_word_for_initials() -> None:
    # "Wervicq Sud" makes "sud" a word of a town, yet "CH Sud Francilien" is chsf.fr.
    entities = {
        "finess-ej:1": entity("finess-ej:1", "Centre Hospitalier Sud Francilien", "Corbeil")
    }
    assert derived_domains(entities, frozenset({"wervicq sud", "corbeil"})) == {
        "finess-ej:1": {"chsf.fr": "rule:initials"}
    }


def test_wikidata_join_by_a_domain_that_spells_a_close_site_s_name() -> None:
    # Labels in another language ("Saint Joseph's Hospital") fit no name: a site within two
    # kilometres whose name the domain spells, by its initials or its words, gets it.
    entities: dict[str, dict[str, Any]] = {
        "finess:750000001": {
            "name": "Hôpital Paris Saint Joseph",
            "aliases": [],
            "finess_et": "750000001",
        },
        "finess:750000002": {
            "name": "Hôpital Léopold Bellan",
            "aliases": [],
            "finess_et": "750000002",
        },
    }
    points = {"750000001": (48.8294, 2.3121), "750000002": (48.8291, 2.3108)}
    hospitals = [
        WikidataHospital(
            "Saint Joseph's Hospital", "France", "http://www.hpsj.fr", (48.8294, 2.3122)
        ),
        WikidataHospital(
            "Leopold Bellan hospital", "France", "https://bellan.fr", (48.8290, 2.3108)
        ),
        # Too far for a domain alone.
        WikidataHospital("St Joseph Hospital", "France", "http://hpsj-bis.fr", (48.90, 2.40)),
    ]
    found = wikidata_domains(hospitals, entities, points, lambda e: "hospital", frozenset())
    assert found == {"finess:750000001": {"hpsj.fr"}, "finess:750000002": {"bellan.fr"}}
