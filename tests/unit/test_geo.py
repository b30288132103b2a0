"""The optional boundary map: an administrator's GeoJSON, matched to units, drawn without any network."""

from provindex.catalog import get_catalog
from provindex.geo import load_shapes, match_feature

CAT = get_catalog()


def test_features_match_by_code_iso_or_name():
    assert match_feature({"ma": "48"}, "vn34", CAT) == "48"
    assert match_feature({"shapeISO": "VN-DN"}, "vn63", CAT) == "48"
    assert match_feature({"shapeName": "Bà Rịa - Vũng Tàu"}, "vn63", CAT) == "77"
    assert match_feature({"ten": "Thành Phố Đà Nẵng"}, "vn34", CAT) == "48"
    assert match_feature({"name": "Atlantis"}, "vn63", CAT) is None


def test_no_file_means_no_shapes(tmp_path):
    assert load_shapes("vn63", CAT, tmp_path) == ([], [])
