"""Rule: names a post says are not concerned. A denial before the name ("rien à voir avec
l'…", "not the …"), a denial after it, an apposition of a few words at most between them ("Le
CHU de Rouen, attaqué en 2019, n'est pas touché", "X was not affected"), and a destination
("patients transférés au CHU de Caen", "urgences réorientées vers le CHU de Lille") and a
landmark ("un studio à côté de l'ancien hôpital Lariboisière") or a street ("la rue de
l'Hôpital-Bellevue", "l'arrêt Hôpital Nord") discredit the name; the same
entity named elsewhere in the post is still reported."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

ROUEN = establishment("760780239", "CHU de Rouen", "Rouen", "76")
CAEN = establishment("140000100", "CHU de Caen", "Caen", "14")
BACLESSE = establishment(
    "140000555", "Crlcc François Baclesse - Caen", "Caen", "14", tags=["category:131"]
)
ARMENTIERES = establishment("590782637", "Centre hospitalier d'Armentières", "Armentieres", "59")
LILLE = establishment("590780193", "CHU de Lille", "Lille", "59")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((ROUEN, CAEN, BACLESSE, ARMENTIERES, LILLE), {}))


@pytest.mark.parametrize(
    "text",
    [
        "Le centre de lutte contre le cancer a porté plainte. Le CHU de Rouen n'est pas touché.",
        "Le CHU de Rouen, attaqué en 2019, n'est pas touché par cette fuite.",
        "Le CHU de Rouen n'a pas été impacté.",
        "Les équipes du CHU de Rouen n'ont pas été sollicitées.",
        "The CHU de Rouen was not affected by the attack.",
        "Sans rapport avec le CHU de Rouen.",
        # A relative clause before the denial.
        "Le CHU de Rouen, qui partage certains réseaux de la métropole, n'est pas concerné.",
        # A longer relative clause (up to fourteen words).
        "The CHU de Rouen, which shares some network links, isolated its systems as a "
        "precaution and was not impacted.",
        # Said to work on, untouched.
        "Le CHU de Rouen, à deux pas, fonctionne normalement.",
        "Le CHU de Rouen assure ne pas être touché.",
        # An earlier victim.
        "En 2019, le CHU de Rouen avait subi une attaque similaire.",
        "Le CHU de Rouen, touché lui-même en début d'année, apporte son soutien technique.",
        # A hospital that helps.
        "Le CHU de Rouen a accueilli les patients les plus graves.",
        "Les équipes informatiques du CHU de Rouen appuient l'établissement.",
        # An earlier attack, an owner.
        "L'attaque rappelle celle du CHU de Rouen quelques mois plus tôt.",
        "A private clinic in Normandy, part of the CHU de Rouen.",
        "Quelques mois après l'attaque contre le CHU de Rouen, la mairie est visée.",
        "Deux ans après l'attaque contre le CHU de Rouen, la mairie est visée.",
        # The name read from its core after its type word.
        "Quelques mois après l'attaque contre le centre hospitalier universitaire de Rouen.",
        # Not linked, the first of a list said not to be concerned.
        "Le CHU de Rouen, touché quelques jours plus tôt, n'est pas lié à cet incident.",
        "Le CHU de Rouen et le centre communal d'action sociale ne sont pas concernés.",
        "Le CHU de Rouen, attaqué en 2024, et l'EPSM de la métropole ne sont pas concernés.",
    ],
)
def test_a_name_said_not_to_be_concerned_is_not_reported(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Fuite de données", text) == set()


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        (
            "Centre François Baclesse",
            "La radiothérapie a été perturbée ; des patients ont été transférés au CHU de Caen.",
            {BACLESSE.key},
        ),
        (
            "Centre hospitalier d'Armentières",
            "La direction a réorienté les urgences vers le CHU de Lille.",
            {ARMENTIERES.key},
        ),
        (
            "CHU de Lille",
            "Patients were transferred to the CHU de Caen.",
            {LILLE.key},
        ),
    ],
)
def test_a_destination_is_not_the_victim(
    matcher: Matcher, title: str, text: str, expected: set[str]
) -> None:
    assert keys(matcher, title, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le CHU de Rouen n'est pas en mesure d'assurer les consultations.",
        "Le CHU de Rouen a été touché par un rançongiciel.",
        "Le CHU de Rouen, victime d'une attaque, n'est plus joignable.",
        "Le CHU de Rouen, qui accueille 300 000 patients par an, a été attaqué.",
        "Le CHU de Rouen a été attaqué le 3 mars ; les urgences n'ont pas été touchées.",
    ],
)
def test_a_victim_is_still_reported(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Cyberattaque", text) == {ROUEN.key}


def test_the_entity_named_elsewhere_is_still_reported(matcher: Matcher) -> None:
    text = "Le CHU de Rouen, attaqué hier, a coupé ses accès. Le CHU de Caen n'est pas touché."
    assert keys(matcher, "CHU de Rouen", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        "Un studio en face de la gare, à côté de l'ancien CHU de Rouen. J'ai perdu 900 €.",
        "Appartement près du CHU de Rouen, arnaque au dépôt de garantie.",
        "Flat next to the CHU de Rouen, the landlord vanished with the deposit.",
    ],
)
def test_a_landmark_is_not_the_victim(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Arnaque à la location", text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "La ville a fermé la rue du CHU de Rouen pour travaux.",
        "Descendre à l'arrêt CHU de Rouen, puis marcher dix minutes.",
        "Rendez-vous place du CHU de Rouen à 18 h.",
    ],
)
def test_a_street_named_after_a_hospital_is_not_the_hospital(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Fermeture de voirie", text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Les patients sont transférés vers le CHU de Caen et le CHU de Rouen.",
        "Les patients sont transférés vers le CHU de Caen, le CHU de Lille et le CHU de Rouen.",
        "Urgences délestées vers le CHU de Caen (CHU de Rouen).",
        "Une clinique, filiale du CHU de Caen (ex-CHU de Rouen).",
        "A rehabilitation centre run by the CHU de Caen: patient files for sale.",
        "Un EHPAD géré par le CHU de Caen : fichiers des résidents en vente.",
    ],
)
def test_every_name_of_a_list_of_destinations_is_denied(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Cyberattaque au CH d'Armentières", text) == {ARMENTIERES.key}


def test_a_name_after_a_destination_that_is_no_list_is_still_reported(matcher: Matcher) -> None:
    text = "Patients transférés vers le CHU de Caen. Le CHU de Rouen est victime d'un rançongiciel."
    assert keys(matcher, "Cyberattaque", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        # A vendor's customers.
        "Nouveau module de notre SIH, déjà déployé au CHU de Caen et au CHU de Rouen.",
        "Le groupe fournit des logiciels à ses clients dont le CHU de Caen et le CHU de Rouen.",
        # Transport serving hospitals, an earlier attack recalled.
        "Les navettes qui desservent le CHU de Caen et le CHU de Rouen circulent normalement.",
        "L'université a été attaquée, rappelant l'attaque subie par le CHU de Rouen en 2019.",
        # A body that helps.
        "Le CHU de Rouen, établissement support du GHT, a dépêché ses équipes informatiques.",
        "Le CHU de Rouen accompagne l'établissement.",
        # Bodies said not to be concerned, listed after the words.
        "Rumeur de fuite. Non concernés d'après l'ARS : CHU de Caen, CHU de Rouen.",
    ],
)
def test_customers_and_bodies_listed_as_not_concerned_are_not_victims(
    matcher: Matcher, text: str
) -> None:
    assert keys(matcher, "Annonce", text) == set()


def test_the_attack_a_post_is_about_is_still_reported(matcher: Matcher) -> None:
    # "Après l'attaque contre X" with no time between: the attack the post is about.
    text = "Après l'attaque contre le CHU de Rouen, le CERT Santé publie des recommandations."
    assert keys(matcher, "Rançongiciel", text) == {ROUEN.key}


def test_a_victim_that_sends_its_teams_is_still_reported(matcher: Matcher) -> None:
    text = "Le CHU de Rouen, victime d'un rançongiciel, a dépêché ses équipes de crise."
    assert keys(matcher, "Fuite", text) == {ROUEN.key}


def test_a_platform_used_by_a_hospital_that_leaked_names_the_hospital(matcher: Matcher) -> None:
    text = "La plateforme utilisée par le CHU de Rouen a laissé fuiter 8 000 comptes rendus."
    assert keys(matcher, "Fuite", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        # Not in the data.
        "Vends dossiers RH du siège. Le CHU de Rouen n'est pas dedans, seulement la mutuelle.",
        # A fake sale or a reposted old list.
        "PS : la base du CHU de Rouen qui tourne est un fake recyclé, ne l'achetez pas.",
        "Scam alert: the guy selling 'CHU de Rouen full dump' is reposting an old combolist.",
        "Le mec qui vendait le CHU de Rouen, c'était un scam, bannissez-le.",
        "The CHU de Rouen story was big news but this is unrelated, another network.",
        # Data a buyer does not want.
        "Looking for lab data. Not interested in old CHU de Rouen combolists.",
        "Je cherche les résultats. Pas besoin du vieux fichier CHU de Rouen, je l'ai.",
    ],
)
def test_names_said_not_in_the_data_or_fake_are_not_victims(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Annonce", text) == set()


def test_a_sale_said_not_to_be_fake_still_names_the_victim(matcher: Matcher) -> None:
    text = "Dump du CHU de Rouen, 40k patients. Not a fake, sample on request."
    assert keys(matcher, "Vente", text) == {ROUEN.key}


def test_a_name_taken_up_by_its_type_word_and_denied_is_not_a_victim(matcher: Matcher) -> None:
    text = (
        "Les comptes rendus du CHU de Rouen transmis au labo apparaissent dans certains "
        "fichiers mais l'hôpital n'a pas été touché."
    )
    assert keys(matcher, "Vente base labo", text) == set()


def test_another_establishment_denied_later_leaves_the_name(matcher: Matcher) -> None:
    text = "Le CHU de Rouen a été attaqué hier, mais la clinique voisine n'a pas été touchée."
    assert keys(matcher, "Rançongiciel", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        "No hospitals this week, CHU de Rouen rumour is FAKE.",
        "Targets: Ville de Rouen. Hospital CHU de Rouen NOT touched, stop DMing.",
        "Hospital victims of other gangs (CHU de Caen, CHU de Rouen) not ours.",
        "La base « CHU de Rouen » qui circule est en fait celle de la mairie.",
        "Their passengers include patients going to CHU de Rouen.",
        "Includes hospitals as customers (CHU de Caen, CHU de Rouen), nothing medical.",
        "Pas de rapport avec la fuite du CHU de Rouen de l'an dernier.",
        "These are lab results from a private lab, not CHU de Rouen.",
        "Not interested in old stuff like the CHU de Caen/CHU de Rouen leak.",
        # "pas" right before the name, and a year between a denial and the name.
        "Base clients d'une clinique vétérinaire. Pas de la santé humaine, pas CHU de Rouen.",
        "Lab results portal scrape. Not the 2021 CHU de Rouen thing, this is new.",
        # A denial by the body itself.
        "Fausse alerte : le CHU de Rouen dément toute fuite de données.",
        "Rumeur de cyberattaque : le CHU de Rouen dément | Paris-Normandie",
        "Le CHU de Rouen a démenti mardi les informations parues sur un forum.",
        "The CHU de Rouen denies any intrusion into its systems.",
        "The CHU de Rouen said it found no evidence of a breach after the forum post.",
        "Le CHU de Rouen n'a constaté aucune intrusion dans son système d'information.",
        # A gang's own denial or retraction.
        "Nous n'avons JAMAIS attaqué le CHU de Rouen. La revendication est un faux.",
        "We never attacked the CHU de Rouen, we do not target hospitals.",
        "Le post d'hier « CHU de Rouen » était une erreur d'un affilié : la cible est la mairie.",
        # Disbelief and anniversaries.
        "⚠️ FAKE ALERT ⚠️ La soi-disant « fuite du CHU de Rouen » est un vieux fichier.",
        "📰 Il y a 2 ans jour pour jour : le CHU de Rouen subissait une cyberattaque.",
    ],
)
def test_names_denied_in_chatter_are_not_victims(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Post", text) == set()


def test_a_year_or_pas_elsewhere_still_names_the_victim(matcher: Matcher) -> None:
    text = "Vente 2021 CHU de Rouen, 40k patients. Pas cher, pas de sample."
    assert keys(matcher, "Vente", text) == {ROUEN.key}


def test_not_only_still_names_the_victim(matcher: Matcher) -> None:
    text = "Not only CHU de Rouen: 40k patient records for sale."
    assert keys(matcher, "Vente", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        # Hosts and helpers, an apposition between.
        "Le CHU de Rouen, partenaire de l'établissement, a accueilli quelques patients.",
        "Le CHU de Rouen a proposé son aide.",
        "Le CHU de Rouen a mis à disposition des postes informatiques.",
        "The CHU de Rouen said it was ready to receive transferred patients.",
        "Technicians from the CHU de Rouen were dispatched to help.",
        "The CHU de Rouen, hit in 2023, shared indicators of compromise with the IT teams.",
        # Destinations, landmarks, earlier victims, spared bodies.
        "Patients were temporarily referred to the CHU de Rouen.",
        "L'agence est voisine du CHU de Rouen, sans lien avec l'affaire.",
        "L'attaque ressemble à celle qui avait frappé le CHU de Rouen il y a quelques mois.",
        "Un scénario comparable à celui vécu par le CHU de Rouen.",
        "Le CHU de Rouen, victime l'an dernier, a partagé son retour d'expérience.",
        "The attack did not affect the CHU de Rouen, which operates separate systems.",
        "Le CHU de Caen et le CHU de Rouen, membres du même groupement hospitalier, "
        "n'ont pas été touchés.",
        # A crisis exercise.
        "Exercice de crise cyber au CHU de Rouen : une centaine d'agents mobilisés.",
    ],
)
def test_helpers_destinations_and_earlier_victims_in_press_are_not_victims(
    matcher: Matcher, text: str
) -> None:
    assert keys(matcher, "Cyberattaque", text) == set()


def test_a_victim_with_an_apposition_is_still_reported(matcher: Matcher) -> None:
    text = "Le CHU de Rouen, victime d'un rançongiciel, a accueilli les enquêteurs de l'ANSSI."
    assert keys(matcher, "Cyberattaque", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        "Patients were referred to the CHU de Caen and to the CHU de Rouen.",
        "Attention aux faux SMS CHU de Rouen qui demandent vos coordonnées bancaires.",
        "Des escrocs se faisant passer pour le CHU de Rouen appellent les patients.",
        "A phishing campaign impersonating the CHU de Rouen targets patients.",
    ],
)
def test_destinations_listed_and_impersonated_names_are_not_victims(
    matcher: Matcher, text: str
) -> None:
    assert keys(matcher, "Alerte", text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Vol de données d'une agence de nettoyage travaillant pour le CHU de Rouen.",
        "L'entreprise réalise actuellement des travaux au CHU de Rouen.",
        "Les candidats préparent les concours et les stages au CHU de Rouen.",
        "The laundry firm is a supplier to the CHU de Rouen.",
    ],
)
def test_suppliers_worksites_and_internships_name_no_victim(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Cyberattaque", text) == set()


HAGUENAU = establishment("670780337", "Centre hospitalier d'Haguenau", "Haguenau", "67")
CALYDIAL = establishment("690002225", "Calydial", "Vienne", "38")
VIENNE = establishment("380781435", "Centre Hospitalier Lucien Hussel de Vienne", "Vienne", "38")


@pytest.fixture(scope="module")
def stories() -> Matcher:
    return Matcher(Watchlist((HAGUENAU, ROUEN, CALYDIAL, VIENNE), {}))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Haguenau : l'hôpital dément avoir subi une cyberattaque",
            "Centre Hospitalier de Haguenau\ndomain: ch-haguenau.fr\nLe centre hospitalier de "
            "Haguenau affirme n'avoir subi aucune cyberattaque. La panne était électrique.",
        ),
        (
            "Haguenau : l'hôpital s'entraîne à faire face à une cyberattaque",
            "Centre Hospitalier de Haguenau\ndomain: ch-haguenau.fr\nLe centre hospitalier de "
            "Haguenau a organisé jeudi un exercice simulant une attaque par rançongiciel.",
        ),
        ("CH de Haguenau", "The CH de Haguenau ran a cyber crisis exercise with the ARS."),
        ("CH de Haguenau", "Rumours of a leak: the CH de Haguenau has not suffered any attack."),
    ],
)
def test_a_name_s_own_denial_or_drill_takes_its_other_mentions_along(
    stories: Matcher, title: str, text: str
) -> None:
    # The press record's victim line and the title name the hospital the summary says was not
    # hit, or only trained: not a victim (the spelling pass brings back none of it either).
    assert keys(stories, title, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # someone else is the sentence's subject: the data, another body
        "Le CHU de Rouen a été attaqué. Le CHU de Rouen assure que les données des patients "
        "n'ont pas été compromises.",
        "Le CHU de Rouen a été attaqué. L'ARS précise que le CHU de Rouen dont les serveurs "
        "n'ont pas été touchés fonctionne en mode dégradé.",
    ],
)
def test_a_denial_said_of_something_else_keeps_the_victim(stories: Matcher, text: str) -> None:
    assert keys(stories, "Cyberattaque au CHU de Rouen", text) == {ROUEN.key}


def test_a_name_inside_another_s_relative_clause_is_not_its_subject(stories: Matcher) -> None:
    text = (
        "Calydial\ndomain: leprogres.fr\nL'association Calydial a été touchée par une "
        "cyberattaque. Le centre hospitalier de Vienne, qui héberge un centre Calydial, indique "
        "que ses propres systèmes ne sont pas touchés."
    )
    assert keys(stories, "Dialyse : l'association Calydial touchée", text) == {CALYDIAL.key}


def test_the_denial_of_another_body_sharing_the_name_s_start_keeps_the_victim() -> None:
    # "Laborizon" is a name of the Maine-Anjou network; "Laborizon Bretagne" is another body.
    maine = replace(
        legal_entity("720018662", "Laborizon Maine Anjou", "Le Mans", "72"), aliases=("Laborizon",)
    )
    matcher = Matcher(Watchlist((maine,), {}))
    title = "Laborizon Maine-Anjou : des résultats d'analyses publiés par des pirates"
    text = (
        "Laborizon Maine Anjou\ndomain: laborizon-maine-anjou.fr\nLe réseau de laboratoires "
        "Laborizon Maine-Anjou a confirmé une intrusion. Le réseau Laborizon Bretagne, "
        "juridiquement distinct, n'est pas concerné."
    )
    assert keys(matcher, title, text) == {maine.key}
    # the same name denied with nothing after it is the victim's own denial
    text = "Laborizon Maine Anjou\ndomain: \nLe réseau Laborizon n'est pas concerné."
    assert keys(matcher, "Rumeur sur Laborizon Maine-Anjou", text) == set()


PAU = legal_entity("640781290", "Centre hospitalier de Pau", "Pau", "64")
PYRENEES = legal_entity("640780862", "Centre Hospitalier des Pyrenees", "Pau", "64")


def test_a_denial_after_an_apposition_between_commas_is_read() -> None:
    # Real shape (English tech press): the town's other hospital, with a long apposition, says
    # it is not concerned; the town's hospital is the victim.
    matcher = Matcher(Watchlist((PAU, PYRENEES), {}))
    text = (
        "Officials at the Pau Hospital Center in southwestern France confirmed the attack. The "
        "Centre Hospitalier des Pyrenees, the psychiatric hospital in the same city, said it "
        "had no link to the incident."
    )
    assert keys(matcher, "Pau hospital's IT outage caused by cyberattack", text) == {PAU.key}
    hit = text.replace("said it had no link to the incident", "was hit as well")
    assert PYRENEES.key in keys(matcher, "Pau hospitals hit by cyberattack", hit)


@pytest.mark.parametrize(
    "text",
    [
        "Base de données appartenant au CHU de Rouen, 80k patients, 900$.",
        "A threat actor leaked a database allegedly belonging to the CHU de Rouen.",
        "Ce fichier appartient au CHU de Rouen : nom, prénom, NIR.",
    ],
)
def test_data_belonging_to_a_name_makes_it_the_victim(matcher: Matcher, text: str) -> None:
    # "belonging to" says whose data it is, not who owns the name: the name is the victim.
    assert keys(matcher, "Vente", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        "Vente d'un accès VPN vers le CHU de Rouen, domain admin, 3k$.",
        "Les équipes du CHU de Rouen ont détecté une intrusion ; des données ont été volées.",
        "Credentials of staff working for the CHU de Rouen, 2k accounts.",
    ],
)
def test_a_cue_turned_around_by_the_word_before_it_keeps_the_victim(
    matcher: Matcher, text: str
) -> None:
    # An access "vers" a hospital goes into it, staff "working for" it are its own, its teams
    # that detected an intrusion detected their own.
    assert keys(matcher, "Vente", text) == {ROUEN.key}


@pytest.mark.parametrize(
    "text",
    [
        "Les patients ont été transférés vers le CHU de Rouen.",
        "Les équipes du CHU de Rouen ont été dépêchées pour aider la clinique.",
        "Un prestataire travaillant pour le CHU de Rouen a été piraté.",
    ],
)
def test_the_cues_still_deny_otherwise(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "Attaque à Dieppe", text) == set()


def test_a_word_that_starts_like_a_denial_denies_nothing(matcher: Matcher) -> None:
    text = "The CHU de Rouen dementia unit was hit by ransomware; patient files were stolen."
    assert keys(matcher, "Ransomware", text) == {ROUEN.key}
