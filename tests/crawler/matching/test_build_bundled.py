"""The builder on small files in the shape of the real sources (FHIR NDJSON in tar.gz, CSV)."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from crawler.matching.build_bundled import build, main
from crawler.matching.finess import is_valid_finess
from crawler.matching.finess_categories import categories
from crawler.matching.watchlist import load_bundled

ROOT = Path(__file__).resolve().parents[3]


def organization(ej: str, et: str, name: str, code: str, cp: str, city: str) -> dict[str, Any]:
    label = categories()[code].label
    coding = [
        {"system": "http://finess.sante.gouv.fr/valuesets/CAT_ETAB", "code": code, "display": label}
    ]
    return {
        "resourceType": "Organization",
        "id": f"{ej}-{et}",
        "name": name,
        "address": [{"postalCode": cp, "city": city}],
        "type": [{"coding": coding}],
    }


FHIR = [
    organization("010780054", "010000024", "CH DE FLEYRIAT", "355", "01440", "VIRIAT"),
    organization("710780156", "710011016", "SSIAD DU CH DE LA GUICHE", "354", "71220", "LA GUICHE"),
    organization(
        "710780156", "710780594", "EHPAD EMMANUEL BARDOT", "500", "71300", "MONT ST VINCENT"
    ),
    organization(
        "710780156", "710976861", "A VENIR - EHPAD DU CH DE LA GUICHE", "500", "71220", "LA GUICHE"
    ),
    organization(
        "710780156", "710978206", "CENTRE HOSPITALIER DE LA GUICHE", "106", "71220", "LA GUICHE"
    ),
    organization(
        "010002277", "010002285", "PHARMACIE DU CHAMP DE MARS", "620", "01500", "AMBERIEU EN BUGEY"
    ),
    organization("380016626", "380016634", "LBM ORIADE NOVIALE", "611", "38000", "GRENOBLE"),
    organization("300013877", "300013885", "EHPAD SENSEVIA", "500", "30000", "NIMES"),
    {
        "resourceType": "Location",
        "id": "010780054-010000024-loc",
        "position": {"latitude": 46.2227, "longitude": 5.2086},
    },
]


CURATED_HEADER = "name,kind,aliases,domains,country,source_url,note\n"


def built(tmp_path: Path, sources: list[Path]) -> dict[str, Any]:
    """The entities, by key, of the watchlist built from ``sources``."""
    output = tmp_path / "watchlist.jsonl.gz"
    build(sources, output)
    return {entity.key: entity for entity in load_bundled(output).entities}


def curated_list(tmp_path: Path, name: str, rows: str) -> Path:
    """A curated list file of ``rows`` (CSV lines, the header written first)."""
    path = tmp_path / name
    path.write_text(CURATED_HEADER + rows, encoding="utf-8")
    return path


def fhir_archive(path: Path, records: list[dict[str, Any]]) -> Path:
    """A FHIR NDJSON extract of ``records`` as FINESS ships it (one member in a tar.gz)."""
    payload = "".join(json.dumps(record) + "\n" for record in records).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(path.name.removesuffix(".tar.gz") + ".ndjson")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


@pytest.fixture
def sources(tmp_path: Path) -> list[Path]:
    fhir = fhir_archive(tmp_path / "etab0-10.tar.gz", FHIR)
    fhoff = tmp_path / "fhoff.csv"
    fhoff.write_text(
        "nofinesset,nofinessej,rs_courte,rs_longue,telephone,departement_code,departement_nom,"
        "ville_cp,categorie_libelle,categorie_groupe_libelle,statut_juridique_lib,siret\n"
        "010000024,010780054,CH DE FLEYRIAT,CENTRE HOSPITALIER DE BOURG-EN-BRESSE - FLEYRIAT,,01,"
        "AIN,01440 VIRIAT,Centre Hospitalier (C.H.),,Etablissement public de santé,\n",
        encoding="utf-8",
    )
    wikidata = tmp_path / "hospitals.tsv"
    wikidata.write_text(
        "item\titemLabel\tcountryLabel\tofficial_website\tgeo\n"
        "Q1\tCentre hospitalier de Bourg-en-Bresse\tFrance\thttps://www.ch-bourg01.fr/\t"
        "Point(5.2085 46.2228)\n",
        encoding="utf-8",
    )
    labs = tmp_path / "labs.csv"
    labs.write_text(
        "_id,id_ej,finess,rs,adresse,cpl_loc,do_prel,do_antigenic,longitude,latitude,mod_prel,"
        "public,horaire,horaire_prio,check_rdv,tel_rdv,web_rdv,date_modif\n"
        "x,710780156,710978206,CH LA GUICHE,,,,,,,,,,,,,www.doctolib.fr,\n",
        encoding="utf-8",
    )
    curated = curated_list(
        tmp_path,
        "vendors_groups.csv",
        "Mediboard,vendor,OX,openxtrem.com,FR,,\n"
        "GHT Bresse Haut-Bugey,group,CH de Fleyriat|GHT01,,FR,,\n",
    )
    return [fhir, fhoff, wikidata, labs, curated]


def test_build(tmp_path: Path, sources: list[Path]) -> None:
    output = tmp_path / "watchlist.jsonl.gz"
    assert build(sources, output) == 10  # 7 establishments (no pharmacy), 1 EJ, 1 vendor, 1 GHT
    watchlist = load_bundled(output)
    entities = {entity.key: entity for entity in watchlist.entities}
    assert "finess:010002285" not in entities  # pharmacies are not watched
    fleyriat = entities["finess:010000024"]
    assert fleyriat.name == "Centre Hospitalier de Bourg-En-Bresse - Fleyriat"  # 2025 wins
    assert "CH de Fleyriat" in fleyriat.aliases
    assert "ch-bourg01.fr" in fleyriat.domains
    assert "domain:wikidata:ch-bourg01.fr" in fleyriat.tags
    assert fleyriat.region == "Auvergne-Rhône-Alpes"
    assert fleyriat.category == "Centre Hospitalier (C.H.)"
    guiche = entities["finess-ej:710780156"]
    assert guiche.name == "Centre hospitalier de La Guiche"
    assert (
        "ej-name:shared-form" in guiche.tags and not guiche.domains
    )  # doctolib is no lab's domain
    ehpad = entities["finess:710976861"]
    assert ehpad.name == "EHPAD du CH de la Guiche"  # "A VENIR" is no name
    assert ehpad.parent_key == "finess-ej:710780156"
    assert entities["vendor:mediboard"].tags == ["country:FR", "domain:curated:openxtrem.com"]
    assert {"centre", "hospitalier"} <= watchlist.ordinary_words


def test_build_is_reproducible(tmp_path: Path, sources: list[Path]) -> None:
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    build(sources, first)
    build(list(reversed(sources)), second)
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()).startswith(b'{"meta": {"format": 2')


def test_build_does_not_depend_on_hash_order(tmp_path: Path, sources: list[Path]) -> None:
    outputs = []
    for seed in ("1", "2"):
        output = tmp_path / f"seed{seed}.jsonl.gz"
        command = [sys.executable, "-m", "crawler.matching.build_bundled", "--output", str(output)]
        command.append("--without-project-lists")  # the fixture has a GHT of the project's list
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*command, *map(str, sources)], check=True, env=environment, cwd=ROOT)
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_coined_brand_is_also_known_without_its_type(tmp_path: Path, sources: list[Path]) -> None:
    entities = built(tmp_path, sources)
    assert "Oriade Noviale" in entities["finess:380016634"].aliases  # "LBM" dropped
    assert "Sensevia" not in entities["finess:300013885"].aliases  # a nursing home needs its place
    assert "Bourg" not in str(entities["finess:010000024"].aliases)  # a town is no brand


def test_a_group_alias_written_as_an_establishment_is_the_establishment_s(
    tmp_path: Path, sources: list[Path]
) -> None:
    entities = built(tmp_path, sources)
    assert entities["group:ght-bresse-haut-bugey"].aliases == ["GHT01"]
    # The one establishment so named, with no legal entity of its own, is the group's.
    assert entities["finess:010000024"].parent_key == "group:ght-bresse-haut-bugey"


def test_the_project_lists_are_read_with_the_given_sources(
    tmp_path: Path, sources: list[Path]
) -> None:
    output = tmp_path / "watchlist.jsonl.gz"
    given = [path for path in sources if path.name != "vendors_groups.csv"]
    assert main(["--output", str(output), *map(str, given)]) == 0
    entities = {entity.key: entity for entity in load_bundled(output).entities}
    assert entities["occupational:presanse"].kind == "occupational"
    assert entities["insurer:uniprevoyance"].name == "Uniprévoyance"
    assert entities["group:ght-de-loire-atlantique"].kind == "group"


def test_a_row_two_curated_lists_give_is_refused(tmp_path: Path, sources: list[Path]) -> None:
    (curated,) = [path for path in sources if path.name == "vendors_groups.csv"]
    again = tmp_path / "again.csv"
    again.write_text(curated.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SystemExit, match="'Mediboard' \\(vendor\\) is already in a curated list"):
        build([curated, again], tmp_path / "watchlist.jsonl.gz")


def test_a_site_only_eurostat_gives_joins_the_legal_entity_its_name_shares(
    tmp_path: Path, sources: list[Path]
) -> None:
    # Real shapes: FINESS 2021 gives the EJ of the Saint-Plancard site of the CH Comminges
    # Pyrénées; its main site (Saint-Gaudens) is only in Eurostat's list, with no EJ number.
    eurostat = tmp_path / "eurostat_basic-services_healthcare_FR.csv"
    header = (
        "id,hospital_name,site_name,lat,lon,geo_qual,street,house_number,postcode,city,cc,"
        "country,cap_beds,cap_prac,cap_rooms,emergency,facility_type,public_private,list_specs,"
        "tel,email,url,ref_date,pub_date,comments\n"
    )
    rows = [
        "710011099,CENTRE HOSPITALIER DE LA GUICHE SITE DU BOURG,,,,,,,71220,LA GUICHE,FR,"
        "France,,,,,Centre Hospitalier (C.H.),public,,,,,,,\n",
        "710011107,CENTRE HOSPITALIER DE BELLEY,,,,,,,71220,LA GUICHE,FR,"
        "France,,,,,Centre Hospitalier (C.H.),public,,,,,,,\n",
    ]
    eurostat.write_text(header + "".join(rows), encoding="utf-8")
    entities = built(tmp_path, [*sources, eurostat])
    joined = entities["finess:710011099"]
    assert joined.finess_ej == "710780156"
    assert joined.parent_key == "finess-ej:710780156"
    assert entities["finess-ej:710780156"].name == "Centre hospitalier de La Guiche"
    assert entities["finess:710011107"].finess_ej is None  # another hospital's name


def test_a_legal_entity_named_as_a_curated_group_but_for_articles_is_its_member(
    tmp_path: Path, sources: list[Path]
) -> None:
    # Real shapes: the curated group "CHU Grenoble Alpes" and FINESS's "CHU de Grenoble Alpes"
    # are one hospital: the EJ's sites are the group's, no second family is made.
    curated = curated_list(tmp_path, "groups.csv", "Centre hospitalier La Guiche,group,,,FR,,\n")
    entities = built(tmp_path, [*sources, curated])
    assert "finess-ej:710780156" not in entities
    assert entities["finess:710978206"].parent_key == "group:centre-hospitalier-la-guiche"


def test_vendors_that_share_a_domain_are_the_company_and_its_products(
    tmp_path: Path, sources: list[Path]
) -> None:
    rows = (
        "Dedalus France,vendor,Dedalus,dedalus.com,FR,,\n"
        "Dedalus InVitro,vendor,,dedalus.com,FR,,\n"
        "DxCare,vendor,,dedalus.com,FR,,\n"
        "Acme Santé,vendor,,acme.fr,FR,,\n"
        "Acme Lab,vendor,,acme.fr,FR,,\n"
    )
    entities = built(tmp_path, [*sources, curated_list(tmp_path, "vendors.csv", rows)])
    assert entities["vendor:dxcare"].parent_key == "vendor:dedalus-france"
    assert entities["vendor:dedalus-invitro"].parent_key == "vendor:dedalus-france"
    assert entities["vendor:dedalus-france"].parent_key is None
    # Two names the domain spells alike: no company is guessed.
    assert entities["vendor:acme-lab"].parent_key is None
    assert entities["vendor:acme-sante"].parent_key is None


def test_a_curated_organisation_named_as_another_and_more_words_is_its_member(
    tmp_path: Path, sources: list[Path]
) -> None:
    rows = (
        "MSA,insurer,Mutualité sociale agricole,msa.fr,FR,,\n"
        "MSA Languedoc,insurer,,,FR,,\n"
        "Présanse,occupational,,presanse.fr,FR,,\n"
        "Présanse Bretagne,occupational,,,FR,,\n"
        "MSA Conseil,vendor,,,FR,,\n"  # another kind: no member
    )
    entities = built(tmp_path, [*sources, curated_list(tmp_path, "funds.csv", rows)])
    assert entities["insurer:msa-languedoc"].parent_key == "insurer:msa"
    assert entities["occupational:presanse-bretagne"].parent_key == "occupational:presanse"
    assert entities["vendor:msa-conseil"].parent_key is None
    assert entities["insurer:msa"].parent_key is None


def test_a_coined_word_several_sites_of_a_legal_entity_carry_names_it(
    tmp_path: Path, sources: list[Path]
) -> None:
    # Real shape: FINESS names the EJ after its head site ("Hôpital de Cernay") while its
    # sites carry the operator's acronym ("EHPAD Ghrmsa - Site Thann").
    records = [
        organization("680020336", "680000122", "HOPITAL DE CERNAY", "355", "68700", "CERNAY"),
        organization(
            "680020336", "680011269", "EHPAD GHRMSA - SITE THANN", "500", "68800", "THANN"
        ),
        organization(
            "680020336", "680020542", "CATTP MULHOUSE - GHRMSA", "425", "68100", "MULHOUSE"
        ),
        organization(
            "680020336", "680011236", "EHPAD GHRMSA - SITE ALTKIRCH", "500", "68130", "ALTKIRCH"
        ),
        # Ordinary words and a town shared by three sites name no operator.
        organization("690000005", "690000013", "EHPAD LES JARDINS BRON", "500", "69500", "BRON"),
        organization("690000005", "690000021", "SSIAD LES JARDINS BRON", "354", "69500", "BRON"),
        organization("690000005", "690000039", "FAM LES JARDINS BRON", "437", "69500", "BRON"),
    ]
    extra = fhir_archive(tmp_path / "etab11-20.tar.gz", records)
    entities = built(tmp_path, [*sources, extra])
    assert "Ghrmsa" in entities["finess-ej:680020336"].aliases
    assert not {"Jardins", "Bron"} & set(entities["finess-ej:690000005"].aliases)


def test_a_site_named_after_a_curated_group_s_brand_is_that_group_s(tmp_path: Path) -> None:
    # Real shapes: the EHPAD "Korian Pastoria" has a legal entity of its own (one site), and
    # "Résidence Korian" homes are the group's too; a home whose name holds no brand, or a
    # word several organisations share, stays on its own.
    records = [
        organization("250017290", "100008325", "EHPAD KORIAN PASTORIA", "500", "10000", "TROYES"),
        organization("690000005", "690000013", "EHPAD LES TILLEULS", "500", "69000", "LYON"),
        organization("750000002", "750000010", "CLINIQUE AVENIR SANTE", "365", "75015", "PARIS"),
    ]
    rows = (
        "Clariane,group,Korian|Groupe Korian,clariane.com,FR,,\n"
        "Avenir Santé Mutuelle,insurer,Avenir Santé,,FR,,\n"
        "Avenir Santé Group,group,Avenir Santé,,FR,,\n"
    )
    entities = built(
        tmp_path,
        [fhir_archive(tmp_path / "etab.tar.gz", records), curated_list(tmp_path, "g.csv", rows)],
    )
    assert entities["finess:100008325"].parent_key == "group:clariane"
    assert entities["finess:690000013"].parent_key is None
    assert entities["finess:750000010"].parent_key is None  # two organisations' brand


def test_a_legal_entity_whose_sites_carry_one_group_s_brand_is_that_group_s(
    tmp_path: Path,
) -> None:
    # Real shapes: Orpea's legal entity runs 187 homes, 38 of them named "EHPAD Orpea <town>".
    def number(prefix: str) -> str:
        return next(f"{prefix}{d}" for d in range(10) if is_valid_finess(f"{prefix}{d}"))

    ej = number("92003015")
    names = ["LES LILAS", "EHPAD ORPEA SOISSONS", "EHPAD ORPEA HIRSON", "EHPAD ORPEA BRASLES"]
    records = [
        organization(ej, number(f"0200000{index}"), name, "500", "02200", "SOISSONS")
        for index, name in enumerate(names)
    ]
    rows = "emeis,group,Orpea|Clinea,emeis.com,FR,,\n"
    entities = built(
        tmp_path,
        [fhir_archive(tmp_path / "etab.tar.gz", records), curated_list(tmp_path, "g.csv", rows)],
    )
    assert entities[f"finess-ej:{ej}"].parent_key == "group:emeis"
