"""The map of France as a tile grid (a grid cartogram, as newsrooms draw election maps).

Each department is one square tile placed roughly where it lies; Paris and its inner suburbs
(75, 92, 93, 94), too small to see on a real map, sit in a box of their own at the top left,
and the five overseas departments in a column at the bottom left. A tile grid needs no
boundary data: no shapefile, GeoJSON or licence, nothing fetched, and every department gets
the same room whatever its area (a small department with many hits stays visible). The layout
was drawn for leakwatch from the departments' approximate positions and adjusted by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.matching.display_names import REGION_OF

TILE, GAP, MARGIN = 44, 3, 6
#: Department code → (official name, column, row).
DEPARTMENTS: dict[str, tuple[str, int, int]] = {
    "92": ("Hauts-de-Seine", 0, 0), "75": ("Paris", 1, 0), "93": ("Seine-Saint-Denis", 2, 0),
    "94": ("Val-de-Marne", 1, 1),
    "62": ("Pas-de-Calais", 6, 0), "59": ("Nord", 7, 0),
    "76": ("Seine-Maritime", 5, 1), "80": ("Somme", 6, 1), "02": ("Aisne", 7, 1),
    "08": ("Ardennes", 8, 1),
    "50": ("Manche", 2, 2), "14": ("Calvados", 3, 2), "27": ("Eure", 4, 2),
    "95": ("Val-d'Oise", 5, 2), "60": ("Oise", 6, 2), "51": ("Marne", 7, 2),
    "55": ("Meuse", 8, 2), "57": ("Moselle", 9, 2), "67": ("Bas-Rhin", 10, 2),
    "29": ("Finistère", 0, 3), "22": ("Côtes-d'Armor", 1, 3), "35": ("Ille-et-Vilaine", 2, 3),
    "61": ("Orne", 3, 3), "28": ("Eure-et-Loir", 4, 3), "78": ("Yvelines", 5, 3),
    "77": ("Seine-et-Marne", 6, 3), "10": ("Aube", 7, 3), "52": ("Haute-Marne", 8, 3),
    "54": ("Meurthe-et-Moselle", 9, 3), "68": ("Haut-Rhin", 10, 3),
    "56": ("Morbihan", 1, 4), "53": ("Mayenne", 2, 4), "72": ("Sarthe", 3, 4),
    "41": ("Loir-et-Cher", 4, 4), "91": ("Essonne", 5, 4), "45": ("Loiret", 6, 4),
    "89": ("Yonne", 7, 4), "21": ("Côte-d'Or", 8, 4), "88": ("Vosges", 9, 4),
    "90": ("Territoire de Belfort", 10, 4),
    "44": ("Loire-Atlantique", 1, 5), "49": ("Maine-et-Loire", 2, 5),
    "37": ("Indre-et-Loire", 3, 5), "36": ("Indre", 4, 5), "18": ("Cher", 5, 5),
    "58": ("Nièvre", 6, 5), "71": ("Saône-et-Loire", 7, 5), "39": ("Jura", 8, 5),
    "70": ("Haute-Saône", 9, 5), "25": ("Doubs", 10, 5),
    "85": ("Vendée", 1, 6), "79": ("Deux-Sèvres", 2, 6), "86": ("Vienne", 3, 6),
    "87": ("Haute-Vienne", 4, 6), "23": ("Creuse", 5, 6), "03": ("Allier", 6, 6),
    "69": ("Rhône", 7, 6), "01": ("Ain", 8, 6), "74": ("Haute-Savoie", 9, 6),
    "17": ("Charente-Maritime", 2, 7), "16": ("Charente", 3, 7), "24": ("Dordogne", 4, 7),
    "19": ("Corrèze", 5, 7), "63": ("Puy-de-Dôme", 6, 7), "42": ("Loire", 7, 7),
    "38": ("Isère", 8, 7), "73": ("Savoie", 9, 7),
    "33": ("Gironde", 2, 8), "47": ("Lot-et-Garonne", 3, 8), "46": ("Lot", 4, 8),
    "15": ("Cantal", 5, 8), "43": ("Haute-Loire", 6, 8), "07": ("Ardèche", 7, 8),
    "26": ("Drôme", 8, 8), "05": ("Hautes-Alpes", 9, 8),
    "40": ("Landes", 2, 9), "32": ("Gers", 3, 9), "82": ("Tarn-et-Garonne", 4, 9),
    "12": ("Aveyron", 5, 9), "48": ("Lozère", 6, 9), "30": ("Gard", 7, 9),
    "84": ("Vaucluse", 8, 9), "04": ("Alpes-de-Haute-Provence", 9, 9),
    "06": ("Alpes-Maritimes", 10, 9),
    "64": ("Pyrénées-Atlantiques", 2, 10), "65": ("Hautes-Pyrénées", 3, 10),
    "31": ("Haute-Garonne", 4, 10), "81": ("Tarn", 5, 10), "34": ("Hérault", 6, 10),
    "13": ("Bouches-du-Rhône", 8, 10), "83": ("Var", 9, 10), "2B": ("Haute-Corse", 11, 10),
    "09": ("Ariège", 4, 11), "11": ("Aude", 5, 11), "66": ("Pyrénées-Orientales", 6, 11),
    "2A": ("Corse-du-Sud", 11, 11),
    "971": ("Guadeloupe", 0, 7), "972": ("Martinique", 0, 8), "973": ("Guyane", 0, 9),
    "974": ("La Réunion", 0, 10), "976": ("Mayotte", 0, 11),
}  # fmt: skip
#: The box of Paris and its inner suburbs (columns, rows), drawn around their tiles.
INNER_PARIS = ((0, 0), (2, 1))
COLUMNS = 1 + max(column for _, column, _ in DEPARTMENTS.values())
ROWS = 1 + max(row for _, _, row in DEPARTMENTS.values())
WIDTH = 2 * MARGIN + COLUMNS * (TILE + GAP)
HEIGHT = 2 * MARGIN + ROWS * (TILE + GAP)
#: Counts at or above each bound get the next shade (0: none named).
SHADES = (1, 2, 5, 10, 25)


@dataclass(frozen=True)
class Tile:
    """One department on the map: where, how many establishments were named, its shade."""

    code: str
    name: str
    region: str | None
    x: int
    y: int
    count: int
    shade: int


@dataclass(frozen=True)
class RegionCount:
    """A region and the establishments named in it."""

    name: str
    count: int


def tiles(counts: dict[str, int]) -> list[Tile]:
    """Every department's tile with its count of named establishments (0 when none)."""
    return [
        Tile(
            code=code,
            name=name,
            region=REGION_OF.get(code),
            x=MARGIN + column * (TILE + GAP),
            y=MARGIN + row * (TILE + GAP),
            count=counts.get(code, 0),
            shade=shade(counts.get(code, 0)),
        )
        for code, (name, column, row) in DEPARTMENTS.items()
    ]


def region_counts(counts: dict[str, int]) -> list[RegionCount]:
    """Establishments named per region (from their departments), the most first; regions with
    none are listed too, after the others."""
    totals: dict[str, int] = {}
    for code, region in REGION_OF.items():
        totals[region] = totals.get(region, 0) + counts.get(code, 0)
    return [
        RegionCount(name, count)
        for name, count in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]


def shade(count: int) -> int:
    """0 for no establishment, then 1 to 5 by the bounds of SHADES."""
    return sum(1 for bound in SHADES if count >= bound)


def inner_paris_box() -> tuple[int, int, int, int]:
    """x, y, width, height of the box around Paris and its inner suburbs."""
    (left, top), (right, bottom) = INNER_PARIS
    x = MARGIN + left * (TILE + GAP) - 2
    y = MARGIN + top * (TILE + GAP) - 2
    return x, y, (right - left + 1) * (TILE + GAP) + 1, (bottom - top + 1) * (TILE + GAP) + 1
