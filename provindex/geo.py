"""Optional true choropleth: boundaries from a GeoJSON the administrator places on the server.

Nothing is fetched: files live in ``data/geo/`` (or ``$PROVINDEX_GEO_DIR``) as ``vn63.geojson`` /
``vn34.geojson``, or a folder ``vn34/`` of one file per unit. Features are matched to units by
a code property (``ma``, ``code``, ``gso_code``…), an ISO 3166-2 code, or their name through
the unit resolver. Coordinates are thinned so a page stays light.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from provindex import config
from provindex.catalog import Catalog

CODE_PROPERTIES = ("gso_code", "code", "ma", "ma_tinh", "province_code", "new_code_2025")
NAME_PROPERTIES = ("name_vi", "ten", "name", "shapeName", "NAME_1", "province")
ISO_PROPERTIES = ("shapeISO", "iso_3166_2", "ISO")
COORD_DECIMALS = 3
MAX_POINTS_PER_RING = 400


def geo_dir() -> Path:
    """The folder searched for boundary files (see :func:`provindex.config.geo_dir`)."""
    return config.geo_dir()


def geojson_paths(unit_set: str, directory: Path | None = None) -> list[Path]:
    """The unit set's boundary files: one ``<unit_set>.geojson``, else every file in a ``<unit_set>/`` folder."""
    directory = directory or geo_dir()
    single = directory / f"{unit_set}.geojson"
    if single.is_file():
        return [single]
    folder = directory / unit_set
    return sorted(folder.glob("*.geojson")) + sorted(folder.glob("*.json")) if folder.is_dir() else []


def match_feature(properties: dict, unit_set: str, catalog: Catalog) -> str | None:
    """The unit code a GeoJSON feature describes, or None."""
    for key in CODE_PROPERTIES:
        value = properties.get(key)
        if value is not None and str(value).strip().isdigit():
            code = str(value).strip().zfill(2)
            if catalog.has_unit(unit_set, code):
                return code
    resolver = catalog.unit_resolver
    for key in ISO_PROPERTIES + NAME_PROPERTIES:
        value = properties.get(key)
        if value:
            code = resolver.resolve(str(value), unit_set)
            if code:
                return code
    return None


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """Outer rings of a (Multi)Polygon, thinned and rounded so a page stays light."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = []
    for polygon in polygons:
        outer = polygon[0]
        step = max(1, len(outer) // MAX_POINTS_PER_RING)
        ring = [(round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)) for x, y, *_ in outer[::step]]
        if len(ring) >= 3:
            rings.append(ring + [ring[0]])
    return rings


def load_shapes(unit_set: str, catalog: Catalog, directory: Path | None = None) -> tuple[list, list[str]]:
    """([(code, rings)], unmatched feature names). Empty when no file was supplied."""
    return _load_shapes(unit_set, str(directory or geo_dir()), catalog.reference_dir)


@lru_cache(maxsize=4)
def _load_shapes(unit_set: str, directory: str, reference_dir: Path) -> tuple[list, list[str]]:
    """Reads and matches the boundary files once per unit set and folder (cached for the server process)."""
    from provindex.catalog import get_catalog

    catalog = get_catalog(str(reference_dir))
    shapes: dict[str, list] = {}
    unmatched: list[str] = []
    for path in geojson_paths(unit_set, Path(directory)):
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data.get("features", [data]) if isinstance(data, dict) else []
        for feature in features:
            geometry = feature.get("geometry") or {}
            if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            properties = feature.get("properties") or {}
            code = match_feature(properties, unit_set, catalog)
            if code is None:
                unmatched.append(str(next((properties[k] for k in NAME_PROPERTIES if properties.get(k)), path.name)))
                continue
            shapes.setdefault(code, []).extend(_rings(geometry))
    return sorted(shapes.items()), unmatched
