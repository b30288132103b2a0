import unicodedata

from provindex.text import compact, fold, format_number, format_signed, nfc, unit_key


def test_fold_removes_diacritics_and_tone_placement():
    assert fold("Đà Nẵng") == "da nang"
    assert fold("Hoà Bình") == fold("Hòa Bình") == "hoa binh"
    assert fold("Thanh Hoá") == fold("THANH HÓA")


def test_nfd_and_combining_marks_meet_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn Đà Nẵng")
    assert nfd != "Nguyễn Đà Nẵng"
    assert nfc(nfd) == "Nguyễn Đà Nẵng"
    assert fold(nfd) == fold("Nguyễn Đà Nẵng")
    # Windows-1258 keeps the tone as a combining mark after the base letter.
    assert nfc(b"Nguy\xea\xden".decode("cp1258")) == "Nguyễn"


def test_unit_key_strips_administrative_prefixes_only_as_whole_words():
    assert unit_key("Thành phố Đà Nẵng") == unit_key("TP. Đà Nẵng") == unit_key("Da Nang City") == "danang"
    assert unit_key("Tỉnh Thanh Hóa") == "thanhhoa"
    assert unit_key("Thanh Hóa") == "thanhhoa"  # "Thanh" is not the prefix "Thành phố"
    assert unit_key("Tiền Giang") == "tiengiang"
    assert compact("BR-VT") == compact("BRVT") == "brvt"


def test_number_formats_follow_language():
    assert format_number(70.123, "vi") == "70,12"
    assert format_number(70.123, "en") == "70.12"
    assert format_number(1234.5, "vi", 1) == "1.234,5"
    assert format_number(None) == "–"
    assert format_signed(-0.4, "vi") == "−0,40"
    assert format_signed(1.25, "en") == "+1.25"
