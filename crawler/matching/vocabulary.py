"""Words the matcher looks for besides entity names, all searched in the same automaton pass.

Each phrase is written folded (see :mod:`crawler.matching.normalise`). Context words confirm or
discredit a candidate entity; sale signals give the sale score; data-type words fill the claims'
``data_types`` from the fixed taxonomy :data:`DATA_TYPES`.
"""

from __future__ import annotations

import re


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|") if phrase.strip())


#: Health context: a candidate with a weak alias needs one of these in the post.
HEALTH_WORDS = _phrases(
    """hopital|hopitaux|clinique|cliniques|patient|patients|patientes|sante|medical|medicale
    |medicaux|medicales|hospital|hospitals|clinic|clinics|healthcare|health|mutuelle|mutuelles
    |assurance maladie|carte vitale|securite sociale|dpi|dossier patient|dossiers patients
    |medecin|medecins|doctor|doctors|pharmacie|laboratoire|biologie|analyses medicales
    |ordonnances|prescriptions|soins|urgences|radiologie|imagerie|ehpad|chu|finess|ars|ght
    |tiers payant|logiciel medical|health data|donnees de sante|hds|hospitalier|hospitaliere
    |nir|assures|beneficiaires|resultats|labo|lab|labs|laboratoires|biologie medicale
    |lab results|test results|pcr|oncology|cancer|radiology|pacs|ris|emr|ehr
    |hospitalisation|hospitalization|home care|dialyse|dialysis|psychiatrie|psychiatry
    |psychiatric|medecine du travail|sante au travail|occupational health|nursing home
    |nursing homes|maison de retraite|handicap|disability|readaptation|rehabilitation"""
)
#: Markers of a place outside France (negative context near a candidate), hospitals' type
#: words of other languages among them ("Capio S:t Görans sjukhus"), and towns of French-
#: speaking countries that are no French commune's name ("Hôpital Saint-Jean-de-Dieu de Thiès").
FOREIGN_WORDS = _phrases(
    """belgique|belgium|belge|belgian|bruxelles|brussels|liege|namur|charleroi|anvers|antwerp
    |suedoise|suedois|italienne|espagnole|britannique|portugaise|neerlandaise|norvegienne
    |danoise|polonaise|canadienne|marocaine|algerienne|tunisienne|senegalaise|ivoirienne
    |camerounaise|libanaise|luxembourgeoise|monegasque|quebecoise|quebecois|swedish|sweden
    |gand|ghent|louvain|leuven|wallonie|flandre|suisse|switzerland|swiss|geneve|geneva|lausanne
    |zurich|berne|bern|vaud|valais|tessin|chuv|hug|quebec|montreal|canada|canadian|ontario
    |toronto|sherbrooke|gatineau|luxembourgeois|grand duche|maroc|morocco|casablanca|rabat
    |tunisie|tunisia|tunis|sfax|sousse|algerie|algeria|alger|oran|marrakech|tanger|agadir
    |liban|lebanon|beyrouth|beirut|yaounde|douala|bamako|kinshasa|monaco|monte carlo|andorre
    |andorra|fribourg|neuchatel|lugano|senegal|dakar|cameroun|abidjan|usa|u s a
    |united states|america|american|us hospital|texas|houston|dallas|austin|california
    |florida|new york|new orleans|ohio|michigan|illinois|chicago|boston|pennsylvania|arizona
    |georgia atlanta
    |nhs|united kingdom|england|london|germany|deutschland|spain|espana|italy|italia|mexico
    |brazil|india|australia|alabama|alaska|arkansas|colorado|connecticut|delaware|hawaii|idaho
    |indiana|iowa|kansas|kentucky|louisiana|maryland|massachusetts|minnesota|mississippi
    |missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|north carolina
    |north dakota|oklahoma|oregon|rhode island|south carolina|south dakota|tennessee|utah
    |vermont|virginia|wisconsin|wyoming|memorial hospital|medical center of|russia|russie
    |russian|moscow|moscou|brasil|bresil|sao paulo|rio de janeiro|argentina|argentine
    |buenos aires|chile|colombia|peru|espagne|spanish|barcelona|barcelone|madrid|valencia
    |allemagne|german|berlin|munich|portugal|lisbon|lisbonne|angleterre|royaume uni
    |etats unis|irlande|ireland|netherlands|pays bas|amsterdam|austria|autriche|poland|pologne
    |uk|sjukhus|sykehus|sygehus|ziekenhuis|krankenhaus|klinikum|ospedale|szpital|nemocnice
    |thies|ziguinchor|kaolack|bouake|yamoussoukro|lome|cotonou|porto novo|ouagadougou
    |bobo dioulasso|niamey|nouakchott|conakry|libreville|brazzaville|bangui|ndjamena
    |antananarivo|tananarive|port au prince|cap haitien|haiti|bujumbura|kigali|lubumbashi
    |djibouti|meknes|oujda|kenitra|tetouan|annaba|setif|tlemcen|bejaia|tizi ouzou|kairouan
    |bizerte|zahle|jounieh|hasselt|mechelen|kortrijk|courtrai|ostende|oostende|verviers
    |ottignies|yverdon|delemont|porrentruy|montreux|la chaux de fonds|trois rivieres
    |rimouski|saguenay|chicoutimi|longueuil|terrebonne|moncton|ottawa|esch sur alzette
    |ettelbruck|senegalais|ivoirien|malien|burkinabe|congolais|beninois|togolais|italian
    |portuguese|dutch|british|moroccan|algerian|tunisian|senegalese|lebanese|luxembourgish
    |ivorian|cameroonian|norwegian|danish|polish|austrian|irish|tuscany|toscane|lombardy
    |lombardie|catalonia|catalogne|bavaria|baviere|flanders|wallonia"""
)
#: Top-level domains of France and its overseas territories (and .eu): a bare domain under one
#: is a French victim's.
#: Departments whose names are frequent words in French text only as those departments' names
#: (the word lists count them ordinary for their frequency): they place a name as any
#: department does, where "Nord", "Lot", "Manche", "Somme" or "Paris" (bets) are words too,
#: and "Jura", "Meuse", "Moselle", "Ardennes" or "Vienne" other countries' places.
PROPER_DEPARTMENT_NAMES = frozenset(
    {
        "aisne",
        "ardeche",
        "charente",
        "dordogne",
        "essonne",
        "finistere",
        "gironde",
        "guadeloupe",
        "guyane",
        "herault",
        "isere",
        "martinique",
        "mayenne",
        "mayotte",
        "morbihan",
        "sarthe",
        "savoie",
        "vaucluse",
        "vendee",
        "vosges",
        "yvelines",
    }
)
FRENCH_TLDS = frozenset(
    ["fr", "re", "gp", "mq", "gf", "yt", "pm", "nc", "pf", "wf", "tf", "bl", "mf", "eu"]
)
#: France and its overseas departments and territories (ISO 3166-1): not foreign.
FRENCH_TERRITORIES = frozenset(
    {"FR", "GF", "GP", "MQ", "RE", "YT", "NC", "PF", "PM", "WF", "BL", "MF", "TF"}
)


def country_names() -> tuple[str, ...]:
    """Every other country's name in English and French, folded ("haiti", "nigeria",
    "coree"), from pycountry's ISO 3166-1 table and its French translation; the part of a
    name before a comma or a bracket ("Korea, Republic of" is "korea"). A name whose words are
    all words of watched names ("Maurice", "Dominique", "Sainte-Lucie") is left out where the
    index is built."""
    from crawler.matching.normalise import normalise_phrase

    names: set[str] = set()
    for code, written in written_countries():
        if code in FRENCH_TERRITORIES:
            continue
        for name in written[:3]:
            folded = normalise_phrase(re.split(r"[,(]", name)[0]) if name else ""
            if len(folded) >= 4:
                names.add(folded)
    return tuple(sorted(names))


def written_countries() -> list[tuple[str, tuple[str, str, str, str]]]:
    """Every country of pycountry's ISO 3166-1 table as ``(alpha-2 code, (name, common name,
    French name, official name))``; a name it does not have is ``""``."""
    import gettext

    import pycountry

    french = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True
    )
    return [
        (
            country.alpha_2,
            (
                country.name,
                getattr(country, "common_name", ""),
                french.gettext(country.name),
                getattr(country, "official_name", ""),
            ),
        )
        for country in pycountry.countries
    ]


#: Words that deny what follows them: a name written right after one is not the post's subject
#: ("rien à voir avec l'hôpital Saint-Louis", "not the CHU of Nantes").
#: Phrases that deny the name written right after them, those that make it a destination
#: ("patients transférés au CHU de Caen", "urgences réorientées vers le CHU de Lille": the
#: hospital that takes the patients is not the one attacked) and those that make it a landmark
#: ("un studio à côté de l'ancien hôpital Lariboisière") or a street ("la rue de
#: l'Hôpital-Bellevue", "l'arrêt Hôpital Nord"), an owner ("a private hospital, part of
#: Ramsay Santé"), an earlier attack ("l'attaque rappelle celle du CH Sud Francilien"), a
#: vendor's customer ("logiciel déjà déployé au CHU de Limoges") or a list of bodies not
#: concerned ("Non concernés : CHU de Rennes, CHU de Brest"), and data a buyer does not want
#: ("Not interested in old Doctolib scrapes").
NEGATION_CUES = _phrases(
    """rien a voir avec|n a rien a voir avec|aucun rapport avec|sans rapport avec|sans lien avec
    |aucun lien avec|ne concerne pas|ne vise pas|ne touche pas|pas l|pas le|pas la|pas les
    |pas du|pas au|pas chez|pas|ni l|ni le|ni la|ni au|ni chez|ni avec|nothing to do with
    |not related to|unrelated to|no link with|not the|isn t the|is not the|nor the
    |vers|transfere|transferes|transferee|transferees|transferred to|diverted to|redirected to
    |transferred from|a cote de|a cote du|pres de|pres du|en face de|en face du|non loin de
    |non loin du|face a|next to|opposite|across from|close to|rue|avenue|boulevard|allee|impasse
    |chemin|quai|place|square|parvis|arret|station|street|road
    |part of|member of|owned by|subsidiary of|a subsidiary of
    |run by|operated by|managed by|gere par|geree par|geres par|gerees par|exploite par
    |exploitee par
    |filiale de|filiale du|filiale d
    |membre de|membre du|rappelle celle de|rappelle celle du|rappelle celle d|comme celle de
    |comme celle du|comme celle d|apres celle de|apres celle du|apres celle d|similar to
    |mois apres l attaque contre|mois apres l attaque contre l|ans apres l attaque contre
    |ans apres l attaque contre l|an apres l attaque contre|an apres l attaque contre l
    |semaines apres l attaque contre|semaines apres l attaque contre l|months after the attack on
    |years after the attack on|a year after the attack on
    |deploye au|deploye a|deploye a l|deploye dans|deployee au|deployes au|installe au
    |installe dans|utilise au|utilise dans
    |deployed at|deployed in|in use at|customers include|clients dont|references dont
    |non concerne|non concernes|non concernee|non concernees|pas concernes|non touches
    |rappelant l attaque subie par|rappelle l attaque subie par|rappelant celle du
    |rappelant celle de|rappelant celle d|qui desservent|qui dessert|desservant|serving the
    |clients dont|ses clients dont|parmi ses clients|customers include|customers including
    |clients include|clients including|not interested in|not interested in old|pas besoin du
    |pas besoin de|pas besoin du vieux fichier|pas besoin de la vieille base|old stuff like
    |not|but not|pas de rapport avec|going to|headed to|se rendant a|se rendant au
    |as customers|as clients|comme clients|en tant que clients|referred to|sent to
    |evacuated to|orientes vers|adresses au|adresses a|technicians from|experts from
    |teams from|staff from|equipes du|experts du|techniciens du|did not affect|did not hit
    |did not impact|didn t affect|n a pas touche|n a pas affecte|n a pas atteint
    |n a pas impacte|sans toucher|sans affecter|qui avait frappe|qui avaient frappe
    |qui avait touche|qui avait vise|qui avait paralyse|vecu par|vecue par|voisine de
    |voisin de|voisine du|voisin du|a deux pas de|a deux pas du|next door to
    |exercice de crise au|exercice de crise cyber au|exercice au|crisis exercise at
    |exercise at|se faisant passer pour|usurpant l identite de|usurpant l identite d
    |impersonating|posing as|faux sms|fake sms|faux mails|faux courriels|travaillant pour
    |working for|prestataire de|prestataire du|supplier to|fournisseur de|fournisseur du
    |travaux au|travaux a l|travaux dans|chantier du|chantier au|works at|stages au|stage au
    |internship at|internships at|jamais attaque|jamais cible|jamais vise|jamais hacke|jamais pirate
    |jamais touche|never attacked|never hacked|never targeted|never hit|never breached
    |did not attack|did not hack|did not target|didn t attack|didn t hack|didn t target
    |n avons pas attaque|n avons pas hacke|n avons pas pirate|n avons pas cible|soi disant
    |pretendue|pretendu|so called|jour pour jour|years ago today"""
)
#: A headline's words for an attack, a leak or a sale (module headline).
BREACH_WORDS = _phrases(
    """cyberattaque|cyberattaques|cyber attaque|attaque|attaques|attaque informatique|victime
    |victimes|vise|visee|vises|visees|cible|ciblee|pirate|piratee|pirates|piratage|hacke|hackee
    |rancongiciel|ransomware|fuite|fuites|fuite de donnees|vol de donnees|donnees volees|en vente
    |vend|vends|vente|revendique|revendiquee|paralyse|paralysee|compromis|compromise|intrusion
    |cyberattack|cyberattacks|cyber attack|attack|attacks|attacked|hit|hits|hacked|hack|hackers
    |breach|breached|leak|leaked|leaks|data leak|stolen|selling|sell|sold|for sale|wts|dump
    |dumped|database|db|ddos|deni de service|extortion|extorsion|claims|claimed|compromised"""
)
#: Organisations that are no health organisation, as a headline names its victim: a title
#: saying one of them was hit, with no health word, leaves the story's hospitals background.
OTHER_SUBJECTS = _phrases(
    """mairie|mairies|hotel de ville|ville de|commune|communes|metropole|agglomeration
    |communaute de communes|communaute d agglomeration|conseil departemental|conseil regional
    |prefecture|collectivite|collectivites|town hall|town halls|city hall|city council
    |municipality|county council|lycee|lycees|college|colleges|ecole|ecoles|universite
    |universites|university|universities|school|schools|campus|rectorat|water utility
    |water company|regie des eaux|syndicat des eaux|utility|utilities|energy company
    |fournisseur d energie|bank|banque|banques|retailer|retailers|retail chain|enseigne
    |supermarche|supermarches|e commerce|ecommerce|online shop|boutique en ligne|football club
    |club de football|club de rugby|rugby club|salle de sport|salles de sport|gym|gyms
    |gym chain|fitness|airport|aeroport|airline|compagnie aerienne|law firm|cabinet d avocats
    |avocats|notaire|notaires|notary|industriel|usine|factory|manufacturer|fabricant
    |metallurgie|btp|logistics|logisticien|transporteur|hotels|hotel chain|hotellerie|restaurant
    |restaurants|agence de voyage|agence de voyages|travel agency|tour operator
    |agence immobiliere|real estate|bailleur social|office hlm|hlm|pharma|pharmaceutique
    |pharmaceutical|automobile|automaker|constructeur
    |concessionnaire|car dealer|telecom|operateur telecom|isp|fournisseur d acces|media
    |journal|newspaper|broadcaster|chaine de television|football|rugby|handball|basket"""
)
#: A headline's words for a crisis exercise ("Exercice de crise cyber : six hôpitaux normands
#: simulent une attaque", "Hospital runs ransomware drill").
DRILL_WORDS = _phrases(
    """exercice|exercices|exercice de crise|simulation|simulations|simulent|simule|simulee
    |simulant|s entraine|s entrainent|entrainement|drill|drills|exercise|exercises|tabletop"""
)
#: A headline's words for data really taken: a drill headline with one of them tells more.
TAKEN_WORDS = _phrases(
    """fuite|fuites|vol de donnees|donnees volees|rancon|revendique|revendiquee|pirate|piratee
    |piratage|hacke|hackee|leak|leaked|ransom|stolen|dump|dumped|vente|en vente|selling|sold
    |publie|publiees|published|exfiltre|exfiltrees|exfiltrated"""
)
#: A sentence that says its name was hit too ("a également été touché", "was also hit").
ALSO_WORDS = _phrases("egalement|aussi|also|as well|too|de meme|lui aussi|elle aussi|itself")
#: Markers of France (they outweigh a foreign word elsewhere in the post).
FRENCH_WORDS = _phrases("france|french|francais|francaise|francaises|fr|hexagone|metropole")

#: Sale-post signals: category → (weight, phrases). The sale score combines the categories seen.
SALE_SIGNALS: dict[str, tuple[float, tuple[str, ...]]] = {
    "selling": (
        0.4,
        _phrases(
            """selling|sell|for sale|wts|vends|vend|vente|a vendre|je vends|on vend|sale|buy
            |buying|price is|achat|acheteur|buyer|buyers|offer|offre"""
        ),
    ),
    "data": (
        0.2,
        _phrases(
            """db|database|databases|base de donnees|bdd|dump|dumped|leak|leaked|leaks|fuite
            |fuites|breach|breached|combolist|data|donnees|hacked|exfiltrated|exfiltration|sql
            |csv|xlsx|json"""
        ),
    ),
    "records": (
        0.15,
        _phrases(
            """lines|records|rows|lignes|enregistrements|entries|patients|users|utilisateurs
            |clients|personnes|dossiers|accounts|comptes|fullz"""
        ),
    ),
    "price": (
        0.25,
        _phrases(
            """price|prix|tarif|usd|eur|euro|euros|dollars|btc|bitcoin|xmr|monero|usdt|ltc|eth
            |tether|crypto"""
        ),
    ),
    "escrow": (0.25, _phrases("escrow|middleman|tiers de confiance|garant|mm accepted")),
    "sample": (
        0.2,
        _phrases("sample|samples|echantillon|echantillons|preuve|preuves|proof|teaser|extrait"),
    ),
    "contact": (
        0.15,
        _phrases(
            """pm|dm|mp|pm me|dm me|contact|telegram|tg|tox|jabber|xmpp|session id|signal
            |inbox|hmu|message prive"""
        ),
    ),
    "exclusive": (
        0.15,
        _phrases("exclusive|exclusif|only one copy|one buyer|first hand|premiere main|private"),
    ),
    "ransom": (
        0.3,
        _phrases(
            """ransomware|ransom|rancon|countdown|deadline|will be published|publication
            |leak site|lockbit|alphv|blackcat|play team|akira|rhysida|medusa|bianlian"""
        ),
    ),
}

#: The fixed taxonomy of claimed data types → phrases that name them.
DATA_TYPES: dict[str, tuple[str, ...]] = {
    "identity": _phrases(
        """nom|noms|prenom|prenoms|nom prenom|full name|fullname|full names|first name|last name
        |names|identite|identites|civilite|identity"""
    ),
    "birth_date": _phrases(
        "date de naissance|dates de naissance|dob|date of birth|birth date|birthdate|ddn|naissance"
    ),
    "address": _phrases("adresse|adresses|address|addresses|adresse postale|code postal|zip"),
    "email": _phrases("email|emails|e mail|e mails|mail|mails|courriel|courriels"),
    "phone": _phrases(
        """telephone|telephones|tel|phone|phones|mobile|portable|numero de telephone
        |phone number|phone numbers"""
    ),
    "nir": _phrases(
        """nir|numero de securite sociale|numeros de securite sociale|securite sociale|secu
        |social security number|social security numbers|ssn|insee|numero insee"""
    ),
    "carte_vitale": _phrases("carte vitale|cartes vitales|vitale"),
    "mutuelle": _phrases(
        """mutuelle|mutuelles|complementaire sante|insurer|insurance|assurance|assureur
        |tiers payant|organisme complementaire"""
    ),
    "prescriptions": _phrases(
        "ordonnance|ordonnances|prescription|prescriptions|traitement|traitements|medicaments"
        "|medication|medications"
    ),
    "medical_records": _phrases(
        """dossier medical|dossiers medicaux|medical records|medical record|diagnostic
        |diagnostics|diagnosis|pathologie|pathologies|antecedents|compte rendu|comptes rendus
        |resultats d analyses|lab results|emr|ehr|sejours|hospitalisations|consultations
        |medical data|donnees medicales|health records|imaging|radiologie"""
    ),
    "doctor": _phrases(
        "medecin|medecins|medecin traitant|doctor|doctors|physician|physicians|praticien|rpps|adeli"
    ),
    "payment": _phrases(
        "iban|ibans|rib|ribs|carte bancaire|cartes bancaires|credit card|credit cards|cc|bic"
        "|payment|paiement"
    ),
}


def known_phrases() -> list[str]:
    """Every phrase of this vocabulary: words the speller never takes for misspelt names."""
    phrases = [*HEALTH_WORDS, *FOREIGN_WORDS, *NEGATION_CUES, *FRENCH_WORDS]
    for _weight, signals in SALE_SIGNALS.values():
        phrases += signals
    for words in DATA_TYPES.values():
        phrases += words
    return phrases


#: The people of a town, as the press names a town's establishments ("l'association lyonnaise
#: Aural", "le CHU rennais", "la clinique bordelaise"): folded town → masculine singular
#: demonyms (their feminine and plural forms are derived by :func:`demonym_forms`).
DEMONYMS: dict[str, tuple[str, ...]] = {
    "paris": ("parisien",),
    "marseille": ("marseillais",),
    "lyon": ("lyonnais",),
    "toulouse": ("toulousain",),
    "nice": ("nicois",),
    "nantes": ("nantais",),
    "montpellier": ("montpellierain",),
    "strasbourg": ("strasbourgeois",),
    "bordeaux": ("bordelais",),
    "lille": ("lillois",),
    "rennes": ("rennais",),
    "reims": ("remois",),
    "toulon": ("toulonnais",),
    "grenoble": ("grenoblois",),
    "dijon": ("dijonnais",),
    "angers": ("angevin",),
    "nimes": ("nimois",),
    "clermont ferrand": ("clermontois",),
    "le mans": ("manceau",),
    "aix en provence": ("aixois",),
    "brest": ("brestois",),
    "tours": ("tourangeau",),
    "amiens": ("amienois",),
    "limoges": ("limougeaud",),
    "perpignan": ("perpignanais",),
    "metz": ("messin",),
    "besancon": ("bisontin",),
    "orleans": ("orleanais",),
    "rouen": ("rouennais",),
    "mulhouse": ("mulhousien",),
    "caen": ("caennais",),
    "nancy": ("nanceien",),
    "avignon": ("avignonnais",),
    "poitiers": ("poitevin",),
    "pau": ("palois",),
    "bayonne": ("bayonnais",),
    "la rochelle": ("rochelais",),
    "ajaccio": ("ajaccien",),
    "bastia": ("bastiais",),
    "le havre": ("havrais",),
    "saint etienne": ("stephanois",),
    "st etienne": ("stephanois",),
    "valence": ("valentinois",),
    "annecy": ("annecien",),
    "chambery": ("chamberien",),
    "troyes": ("troyen",),
    "lorient": ("lorientais",),
    "quimper": ("quimperois",),
    "vannes": ("vannetais",),
    "cherbourg en cotentin": ("cherbourgeois",),
    "saint nazaire": ("nazairien",),
    "st nazaire": ("nazairien",),
    "la roche sur yon": ("yonnais",),
    "colmar": ("colmarien",),
    "beziers": ("biterrois",),
}


def demonym_forms(demonym: str) -> tuple[str, ...]:
    """``demonym`` (masculine singular, folded) with its feminine and plural forms."""
    if demonym.endswith("ien"):
        return (demonym, f"{demonym}s", f"{demonym}ne", f"{demonym}nes")
    if demonym.endswith("eau"):
        return (demonym, f"{demonym}x", f"{demonym[:-3]}elle", f"{demonym[:-3]}elles")
    if demonym.endswith("s"):
        return (demonym, f"{demonym}e", f"{demonym}es")
    return (demonym, f"{demonym}s", f"{demonym}e", f"{demonym}es")
