"""Likely duplicates of the registry: names normalised across the four languages, scored
without the database."""

from __future__ import annotations

import pytest

from cleanprod.web.enterprises.duplicates import (
    DuplicateIndex,
    fold,
    likely_duplicates,
    normalise_name,
    normalise_registration_number,
    registry_candidates,
)


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Công ty TNHH Mây tre Chương Mỹ", "may tre chuong my"),
        ("CHUONG MY RATTAN CO., LTD", "chuong my rattan"),
        ("Cty CP Đồng Tâm", "dong tam"),
        ("Công ty Cổ phần Bia Sài Gòn - Miền Tây", "bia sai gon mien tay"),
        ("Hợp tác xã Mây tre đan Phú Vinh", "may tre dan phu vinh"),
        ("Công ty TNHH MTV Dệt may Hà Đông", "det may ha dong"),
        ("Vientiane Soft Drinks Co., Ltd", "vientiane soft drinks"),
        ("Lao Brewery Company Limited", "lao brewery"),
        ("Angkor Paper JSC", "angkor paper"),
    ],
)
def test_normalise_name_drops_accents_punctuation_and_legal_forms(name, normalised):
    assert normalise_name(name) == normalised


def test_normalise_name_drops_lao_and_khmer_legal_forms_but_keeps_their_vowels():
    assert normalise_name("ບໍລິສັດ ນ້ຳດື່ມ ຈຳກັດ") == normalise_name("ບໍລິສັດນໍ້າດື່ມ ຈໍາກັດ")
    assert "ນ" in normalise_name("ບໍລິສັດ ນ້ຳດື່ມ ຈຳກັດ")
    assert "ບໍລິສັດ" not in normalise_name("ບໍລິສັດ ນ້ຳດື່ມ ຈຳກັດ")
    # Lao vowel signs are letters, not accents: ກິນ (eat) and ກັນ (each other) stay apart.
    assert normalise_name("ກິນ") != normalise_name("ກັນ")
    assert normalise_name("ក្រុមហ៊ុន អង្គរ ឯកជន") == "អង្គរ"


def test_normalise_name_of_only_a_legal_form_is_empty():
    assert normalise_name("Công ty TNHH") == ""


def test_fold_strips_vietnamese_accents_and_case():
    assert fold("  Hà   Nội ") == "ha noi"
    assert fold("ĐỒNG THÁP") == "dong thap"


def test_normalise_registration_number_keeps_letters_and_digits():
    assert normalise_registration_number(" 0101-234 567 ") == "0101234567"


REGISTRY = [
    {
        "pk": 1,
        "name": "Công ty TNHH Mây tre Chương Mỹ",
        "local_name": "",
        "registration_number": "0500123456",
        "country": "VN",
    },
    {
        "pk": 2,
        "name": "Lao Soft Drinks Co., Ltd",
        "local_name": "ບໍລິສັດ ນ້ຳດື່ມລາວ ຈຳກັດ",
        "registration_number": "",
        "country": "LA",
    },
    {
        "pk": 3,
        "name": "Phu Vinh Rattan Cooperative",
        "local_name": "Hợp tác xã Mây tre Phú Vinh",
        "registration_number": "",
        "country": "VN",
    },
]


def _pks(entry):
    return [found.candidate["pk"] for found in likely_duplicates(entry, REGISTRY)]


def test_likely_duplicates_by_name_across_spellings_and_legal_forms():
    assert _pks({"name": "CHƯƠNG MỸ MÂY TRE CO., LTD", "country": "VN"}) == [1]
    assert _pks({"name": "Cty May Tre Chuong My", "country": "vn"}) == [1]


def test_likely_duplicates_by_local_name_in_lao():
    assert _pks({"name": "LSD", "local_name": "ບໍລິສັດນໍ້າດື່ມລາວ ຈໍາກັດ", "country": "LA"}) == [2]


def test_likely_duplicates_by_registration_number_first():
    found = likely_duplicates(
        {"name": "Chuong My Furniture", "registration_number": "0500-123-456", "country": "VN"},
        REGISTRY,
    )
    assert [f.candidate["pk"] for f in found] == [1]
    assert found[0].same_registration_number and found[0].name_similarity == 0


def test_likely_duplicates_only_in_the_same_country():
    assert _pks({"name": "Lao Soft Drinks", "country": "VN"}) == []
    assert _pks({"name": "Lao Soft Drinks", "country": "LA"}) == [2]


def test_likely_duplicates_leave_other_workshops_of_a_village_apart():
    assert _pks({"name": "Công ty TNHH Gỗ Chương Mỹ", "country": "VN"}) == []
    assert _pks({"name": "Phu Nghia Rattan Cooperative", "country": "VN"}) == []


def test_likely_duplicates_ignore_a_name_that_is_only_a_legal_form():
    assert _pks({"name": "Công ty TNHH", "country": "VN"}) == []


def test_duplicate_index_finds_duplicates_among_rows_added_one_by_one():
    index = DuplicateIndex()
    rows = [
        {"row": 2, "name": "Savan Rattan Export", "country": "LA"},
        {"row": 3, "name": "Savan Bamboo Craft", "country": "LA"},
        {"row": 4, "name": "SAVAN RATTAN EXPORT CO., LTD", "country": "LA"},
    ]
    found = {}
    for row in rows:
        found[row["row"]] = [d.candidate["row"] for d in index.likely_duplicates(row)]
        index.add(row)
    assert found == {2: [], 3: [], 4: [2]}


def test_duplicate_index_of_thousands_answers_hundreds_quickly():
    import time

    candidates = [
        {"pk": n, "name": f"Cong ty TNHH San xuat {n} Ha Noi", "country": "VN"} for n in range(5000)
    ]
    start = time.perf_counter()
    index = DuplicateIndex.of(candidates)
    for n in range(200):
        index.likely_duplicates({"name": f"Xuong go {n} Bac Ninh", "country": "VN"})
    assert time.perf_counter() - start < 3


def test_registry_candidates_fetches_the_visible_entries_of_the_countries(
    people, enterprise, other_enterprise
):
    candidates = registry_candidates(people["consultant"], ["la"])
    assert [c["pk"] for c in candidates] == [enterprise.pk]
    assert candidates[0]["organisation__name"] == enterprise.organisation.name
    assert registry_candidates(people["consultant"], []) == []
