"""The optional boundary map: an administrator's GeoJSON, matched to units, drawn without any network."""

import json
import shutil

import pytest

from provindex.catalog import get_catalog
from provindex.geo import load_shapes, match_feature
from test_pages import run, spec

CAT = get_catalog()


def test_features_match_by_code_iso_or_name():
    assert match_feature({"ma": "48"}, "vn34", CAT) == "48"
    assert match_feature({"shapeISO": "VN-DN"}, "vn63", CAT) == "48"
    assert match_feature({"shapeName": "Bà Rịa - Vũng Tàu"}, "vn63", CAT) == "77"
    assert match_feature({"ten": "Thành Phố Đà Nẵng"}, "vn34", CAT) == "48"
    assert match_feature({"name": "Atlantis"}, "vn63", CAT) is None


def test_no_file_means_no_shapes(tmp_path):
    assert load_shapes("vn63", CAT, tmp_path) == ([], [])


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
