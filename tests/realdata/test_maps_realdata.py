"""Maps against the published boundaries in ../shared/realdata: the tile grid's order, the
administrator's boundary files for 63 and 34 units, and the boundary map drawn offline."""

import json
import shutil

import pandas as pd
import pytest

from helpers import run, spec
from provindex.catalog import get_catalog
from provindex.geo import load_shapes

pytestmark = pytest.mark.realdata
CAT = get_catalog()


def test_tile_grid_runs_north_to_south(realdata):
    """Rows follow latitude: checked against the public-domain boundaries' centroids."""
    features = json.loads((realdata / "geo63_geoboundaries" / "geoBoundaries-VNM-ADM1_simplified.geojson").read_text())
    iso = dict(zip(CAT.units_of("vn63")["iso_3166_2"], CAT.units_of("vn63")["code"]))
    latitude = {}
    for feature in features["features"]:
        ring = feature["geometry"]["coordinates"][0] if feature["geometry"]["type"] == "Polygon" else \
            max(feature["geometry"]["coordinates"], key=lambda p: len(p[0]))[0]
        latitude.setdefault(iso[feature["properties"]["shapeISO"]], sum(p[1] for p in ring) / len(ring))
    tiles = CAT.tiles[CAT.tiles["unit_set"] == "vn63"].set_index("code")
    rows = pd.Series({c: tiles.loc[c, "row"] for c in latitude})
    assert rows.corr(pd.Series(latitude), method="spearman") < -0.95


def test_public_boundaries_cover_all_63(realdata, tmp_path):
    shutil.copy(realdata / "geo63_geoboundaries" / "geoBoundaries-VNM-ADM1_simplified.geojson", tmp_path / "vn63.geojson")
    shapes, unmatched = load_shapes("vn63", CAT, tmp_path)
    assert unmatched == [] and len(shapes) == 63  # Côn Đảo joins Bà Rịa - Vũng Tàu through its ISO code


def test_2025_boundaries_from_one_file_per_unit(realdata, tmp_path):
    shutil.copytree(realdata / "admin2025_thanglequoc" / "geojson_34", tmp_path / "vn34")
    shapes, unmatched = load_shapes("vn34", CAT, tmp_path)
    assert unmatched == [] and [code for code, _ in shapes] == sorted(CAT.units_of("vn34")["code"])


def test_map_page_draws_boundaries_offline(realdata, tmp_path, demo_db, monkeypatch):
    shutil.copy(realdata / "geo63_geoboundaries" / "geoBoundaries-VNM-ADM1_simplified.geojson", tmp_path / "vn63.geojson")
    monkeypatch.setenv("PROVINDEX_GEO_DIR", str(tmp_path))
    app = run("map", demo_db, monkeypatch, year="2020", index="PCI", component="PCI:TOTAL", boundaries="1")
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    filled = [trace for trace in figure["data"] if trace.get("fill") == "toself"]
    assert len(filled) == 63
    assert not any(trace.get("type", "").startswith(("choropleth", "scattergeo")) for trace in figure["data"])
    assert "Đà Nẵng" in spec(app)
