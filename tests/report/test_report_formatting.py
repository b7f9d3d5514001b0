"""Figures as each report language writes them (Babel's CLDR data)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleanprod.report.formatting import Formatter


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "LAK", "LAK\u00a01,322,580,435"),
        ("en", "VND", "₫1,322,580,435"),
        ("vi", "VND", "1.322.580.435\u00a0₫"),
        ("lo", "LAK", "₭1.322.580.435"),
        ("km", "KHR", "1,322,580,435៛"),
        ("en", "USD", "$1,322,580,435.49"),
    ],
)
def test_money_whole_units_for_dong_kip_riel(language, currency, expected):
    assert Formatter(language).money(1_322_580_435.49, currency) == expected


def test_amount_without_currency_and_unit_price():
    assert Formatter("vi").amount(81_120_000.4, "VND") == "81.120.000"
    assert Formatter("en").amount(12.345, "USD") == "12.35"
    assert Formatter("en").unit_price(2600, "LAK", "m3") == "LAK\u00a02,600/m3"
    assert Formatter("en").unit_price(0.0523, "VND", "kWh") == "₫0.0523/kWh"
    assert Formatter("en").unit_price(11, "USD", "kg") == "$11.00/kg"


def test_value_with_standard_deviation_to_two_digits_of_sigma():
    fmt = Formatter("en")
    assert fmt.pm(28_420.132, 948.45, "m3") == "28,420 ± 948\u00a0m3"
    assert fmt.pm(12.3, 0.2) == "12.30 ± 0.20"
    assert fmt.pm(None, 1.0) == "—"
    assert fmt.pm(5.0, None) == "5.000"
    assert Formatter("vi").pm(0.4737, 0.0184) == "0,474 ± 0,018"


def test_signed_percent_p_value_and_separators():
    fmt = Formatter("en")
    assert fmt.signed(-2779.87, 1560) == "−2,780"
    assert fmt.signed(312.0, 523) == "+312"
    assert fmt.percent(0.1336) == "13%"
    assert fmt.percent(0.1336, 1) == "13.4%"
    assert fmt.p_value(0.0248) == "0.025"
    assert fmt.p_value(1.842e-15) == "1.8 × 10⁻¹⁵"
    assert Formatter("vi").p_value(0.00079) == "7,9 × 10⁻⁴"
    assert fmt.separators == ".,"
    assert Formatter("vi").separators == ",."


def test_dates_and_countries_in_each_language():
    day = dt.date(2007, 12, 31)
    assert Formatter("en").date(day) == "December 31, 2007"
    assert Formatter("vi").date(day) == "31 tháng 12, 2007"
    assert Formatter("en").country("LA") == "Laos"
    assert Formatter("lo").country("LA") == "ລາວ"
    assert Formatter("km").country("KH") == "កម្ពុជា"
