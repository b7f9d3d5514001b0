"""The Excel workbook: the template, the exact round trip, and clear problems in bad workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cleanprod.errors import DocumentError
from cleanprod.io import document_data, read_document, write_document
from cleanprod.io.workbook import SHEETS, write_template
from cleanprod.model import Assessment

RICH_DOCUMENT = {
    "format": "cleanprod/1",
    "title": "=Baseline that starts like a formula",
    "language": "vi",
    "notes": "Line one.\nLine two: water from pump hours.",
    "default_quality": "estimated",
    "enterprise": {
        "name": "Công ty Mây tre Việt",
        "country": "VN",
        "sector": "rattan",
        "isic": "3100",
        "currency": "VND",
        "location": "Hà Nội",
        "employees": 85,
    },
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "exchange_rates": {"USD": 25000.5},
    "layers": [{"id": "sulphur", "name": "Sulphur", "unit": "kg"}],
    "products": [
        {
            "id": "chairs",
            "name": "Rattan chairs",
            "quantity": "12000 piece",
            "flow": "chairs-out",
            "price": "850000 VND/piece",
        }
    ],
    "processes": [
        {
            "id": "yard",
            "name": "Cane yard",
            "stock": True,
            "stock_change": {"mass": {"value": "-2 t", "sd": "500 kg"}, "water": "0 m3"},
        },
        {
            "id": "boiling",
            "name": "Boiling in oil",
            "unit_operation": "boiling",
            "costs": {"energy": "120000000 VND", "system": "3000 USD"},
        },
        {"id": "weaving", "name": "Weaving", "description": "On steel frames"},
    ],
    "flows": [
        {
            "id": "cane",
            "name": "Green cane",
            "to": "yard",
            "kind": "input",
            "value": "310 t",
            "sd": "12000 kg",
            "price": "4500 VND/kg",
            "source": "weighbridge tickets",
        },
        {
            "id": "cane-to-boil",
            "name": "Cane to boiling",
            "from": "yard",
            "to": "boiling",
            "kind": "internal",
            "value": "300.5 t",
            "uncertainty": "7.5%",
        },
        {
            "id": "boiled",
            "name": "Boiled cane",
            "from": "boiling",
            "to": "weaving",
            "kind": "internal",
        },
        {
            "id": "chairs-out",
            "name": "Chairs",
            "from": "weaving",
            "kind": "product",
            "value": "140 t",
            "range": ["130000 kg", "150 Mg"],
        },
        {
            "id": "offcuts",
            "name": "Offcuts",
            "from": "weaving",
            "kind": "loss",
            "range": ["5 t", "9 t"],
            "costs": {"waste_management": "2500000 VND"},
        },
        {
            "id": "water",
            "name": "Water",
            "to": "boiling",
            "layer": "water",
            "kind": "input",
            "value": "1200 m3",
            "quality": "calculated",
            "price": "0.6 USD/m3",
        },
        {
            "id": "steam-loss",
            "name": "Evaporation",
            "from": "boiling",
            "layer": "water",
            "kind": "emission",
        },
        {
            "id": "so2",
            "name": "Sulphur burnt",
            "to": "yard",
            "layer": "sulphur",
            "kind": "input",
            "value": "300 kg",
        },
        {
            "id": "so2-out",
            "name": "Sulphur dioxide",
            "from": "yard",
            "layer": "sulphur",
            "kind": "emission",
            "value": "0 kg",
            "sd": "0 kg",
        },
    ],
    "finance": {"discount_rate": "12%", "escalation": "3.5%", "currency": "USD"},
    "options": [
        {
            "id": "heat-treat",
            "title": "Heat treatment instead of sulphur",
            "practice": "input material change",
            "status": "further-study",
            "processes": ["yard", "boiling"],
            "flows": ["so2"],
            "description": "Trial in 2025",
            "dates": {"identified": "2024-03-01", "further-study": "2024-05-15"},
            "technical": {"space": "Beside the yard", "supplier": "Kiln maker in Bắc Ninh"},
            "investment": "250000000 VND",
            "investment_uncertainty": "20%",
            "operating_cost_change": "-15000000 VND",
            "annual_savings": "3000 USD",
            "savings_uncertainty": "30%",
            "lifetime": 10,
            "salvage_value": "20000000 VND",
            "effects": [
                {"flow": "so2", "change": "-100%", "source": "no sulphur burnt"},
                {"flow": "water", "change": "+300 m3"},
            ],
            "source": "Quote of 2024-05-10",
        },
        {
            "id": "nozzles",
            "title": "Spray nozzles on the rinse",
            "practice": "equipment modification",
            "status": "implemented",
            "dates": {"planned": "2024-06-01", "implemented": "2024-09-30"},
            "investment": "900 USD",
            "lifetime": "18 month",
            "actual_investment": "1100 USD",
            "effects": [{"flow": "water", "change": "-12.5%"}],
            "excludes": ["heat-treat"],
        },
    ],
}


@pytest.fixture
def rich() -> Assessment:
    return Assessment.model_validate(RICH_DOCUMENT)


def test_write_workbook_round_trip_is_exact(rich, tmp_path):
    path = write_document(rich, tmp_path / "rich.xlsx")
    again = read_document(path)
    assert document_data(again) == document_data(rich)
    assert again == rich


def test_write_workbook_writes_numbers_in_number_cells(rich, tmp_path):
    path = write_document(rich, tmp_path / "rich.xlsx")
    flows = openpyxl.load_workbook(path)["flows"]
    header = [cell.value for cell in flows[1]]
    cane = {key: cell.value for key, cell in zip(header, flows[2], strict=True)}
    assert cane["value"] == 310
    assert cane["unit"] == "t"
    assert cane["sd"] == "12000 kg"  # another unit than the row's: written with its unit
    assert cane["price"] == 4500
    assert cane["price_unit"] == "VND/kg"


def test_write_workbook_writes_options_money_percents_and_dates_as_numbers(rich, tmp_path):
    workbook = openpyxl.load_workbook(write_document(rich, tmp_path / "rich.xlsx"))

    def rows(name):
        sheet = workbook[name]
        header = [cell.value for cell in sheet[1]]
        return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]

    heat, nozzles = rows("options")
    assert heat["investment"].value == 250000000
    assert heat["operating_cost_change"].value == -15000000
    assert heat["annual_savings"].value == "3000 USD"  # another currency: text
    assert heat["investment_uncertainty"].value == 20
    assert heat["investment_uncertainty"].number_format == '0.###"%"'
    assert (heat["lifetime"].value, heat["lifetime_unit"].value) == (10, "year")
    assert heat["date_identified"].value == dt.datetime(2024, 3, 1)
    assert heat["technical_space"].value == "Beside the yard"
    assert (nozzles["lifetime"].value, nozzles["lifetime_unit"].value) == (18, "month")
    assert nozzles["excludes"].value == "heat-treat"
    effects = rows("option_effects")
    assert [(row["option"].value, row["flow"].value) for row in effects] == [
        ("heat-treat", "so2"),
        ("heat-treat", "water"),
        ("nozzles", "water"),
    ]
    assert effects[0]["change"].value == -100
    assert effects[0]["change"].number_format == '0.###"%"'
    assert effects[1]["change"].value == "+300 m3"  # an absolute change: its text
    enterprise = {row[0].value: row[1] for row in workbook["enterprise"].iter_rows(min_row=2)}
    assert enterprise["discount_rate"].value == 12
    assert enterprise["discount_rate"].number_format == '0.###"%"'
    assert enterprise["escalation"].value == 3.5
    assert enterprise["finance_currency"].value == "USD"


def test_write_template_has_every_sheet_headers_and_drop_downs(tmp_path):
    path = write_template(tmp_path / "baseline.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["instructions", "enterprise", *SHEETS]
    flows = workbook["flows"]
    headers = [cell.value for cell in flows[1]]
    assert headers[:8] == ["id", "name", "from", "to", "layer", "kind", "value", "unit"]
    lists = {validation.formula1 for validation in flows.data_validations.dataValidation}
    assert '"input,product,by-product,loss,emission,internal"' in lists
    assert '"mass,water,energy"' in lists
    assert '"measured,calculated,estimated"' in lists
    assert "cleanprod validate" in "\n".join(
        str(row[0].value) for row in workbook["instructions"].iter_rows()
    )
    assert flows["G1"].comment is not None  # every header explains itself


def test_read_template_asks_for_each_missing_field(tmp_path):
    with pytest.raises(DocumentError) as raised:
        read_document(write_template(tmp_path / "baseline.xlsx"))
    text = str(raised.value)
    assert "sheet 'enterprise', row 3, column 'value' (B3): 'name' is required" in text
    assert "(B7): 'currency' is required" in text


def _edit(rich: Assessment, tmp_path: Path, edit) -> Path:
    path = write_document(rich, tmp_path / "edited.xlsx")
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def _set_plain(cell, value) -> None:
    """Type ``value`` in a cell of the General format."""
    cell.value = value
    cell.number_format = "General"


def _problems(path: Path) -> str:
    with pytest.raises(DocumentError) as raised:
        read_document(path)
    return str(raised.value)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(lambda wb: wb.remove(wb["flows"]), "has no sheet 'flows'", id="missing-sheet"),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("G2", "abc"),
            "sheet 'flows', row 2 (cane), column 'value' (G2): expected a number and a unit",
            id="text-in-number-cell",
        ),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("H2", None),
            "column 'value' (G2): the unit is missing",
            id="unit-missing",
        ),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("G2", "=B2*3"),
            "column 'value' (G2): the formula =B2*3 has no computed value",
            id="formula-without-value",
        ),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("Z1", "remarks"),
            "column 'remarks' (Z1): unknown column",
            id="unknown-column",
        ),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("C3", "yrad"),
            "row 3 (cane-to-boil), column 'from' (C3): no process has the id 'yrad' "
            "— did you mean 'yard'?",
            id="unknown-process",
        ),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("H7", "kg"),
            "row 7 (water), column 'value' (G7): the water layer is in m3",
            id="wrong-dimension",
        ),
        pytest.param(
            lambda wb: wb["stock_changes"].__setitem__("A2", "nowhere"),
            "sheet 'stock_changes', row 2, column 'process' (A2): no process has the id 'nowhere'",
            id="stock-change-unknown-process",
        ),
        pytest.param(
            lambda wb: wb["flows"].__setitem__("L6", None),
            "row 6 (offcuts), column 'range_min' (K6): a range needs both",
            id="half-a-range",
        ),
        pytest.param(
            lambda wb: wb["enterprise"].__setitem__("B7", "KIP"),
            "sheet 'enterprise', row 7, column 'value' (B7): 'KIP' is not an ISO 4217",
            id="bad-currency",
        ),
        pytest.param(
            lambda wb: wb["exchange_rates"].__setitem__("B2", "many"),
            "sheet 'exchange_rates', row 2, column 'rate' (B2): expected a number",
            id="text-rate",
        ),
        pytest.param(
            lambda wb: wb["options"].__setitem__("H2", "abc"),
            "sheet 'options', row 2 (heat-treat), column 'investment' (H2): expected an amount "
            "and an ISO 4217 currency code",
            id="text-investment",
        ),
        pytest.param(
            lambda wb: wb["option_effects"].__setitem__("A3", "heat-treet"),
            "sheet 'option_effects', row 3, column 'option' (A3): no option has the id "
            "'heat-treet' on the options sheet — did you mean 'heat-treat'?",
            id="effect-of-unknown-option",
        ),
        pytest.param(
            lambda wb: wb["option_effects"].__setitem__("B4", "nowhere"),
            "sheet 'option_effects', row 4, column 'flow' (B4): no flow has the id 'nowhere'",
            id="effect-on-unknown-flow",
        ),
        pytest.param(
            lambda wb: _set_plain(wb["option_effects"]["C2"], -20),
            "sheet 'option_effects', row 2, column 'change' (C2): write the change with a % sign",
            id="effect-change-without-percent",
        ),
        pytest.param(
            lambda wb: wb["enterprise"].__setitem__("B15", "ten"),
            "sheet 'enterprise', row 15, column 'value' (B15): expected a percentage",
            id="text-discount-rate",
        ),
    ],
)
def test_read_workbook_names_sheet_row_and_column(rich, tmp_path, edit, expected):
    assert expected in _problems(_edit(rich, tmp_path, edit))


def test_read_workbook_reports_every_problem_at_once(rich, tmp_path):
    def edit(workbook):
        workbook["flows"]["G2"] = "abc"
        workbook["flows"]["C3"] = "yrad"
        workbook["enterprise"]["B7"] = "KIP"

    text = _problems(_edit(rich, tmp_path, edit))
    assert "3 problems" in text
    assert "(G2)" in text and "(C3)" in text and "(B7)" in text


def test_read_workbook_reports_bad_effect_row_and_investment_cell_together(rich, tmp_path):
    def edit(workbook):
        workbook["options"]["H2"] = "abc"
        workbook["option_effects"]["A2"] = "nowhere"

    text = _problems(_edit(rich, tmp_path, edit))
    assert "2 problems" in text
    assert "sheet 'options', row 2 (heat-treat), column 'investment' (H2)" in text
    assert (
        "sheet 'option_effects', row 2, column 'option' (A2): no option has the id 'nowhere'"
        in (text)
    )


def test_read_workbook_reads_options_and_finance_as_typed_in_excel(rich, tmp_path):
    def edit(workbook):
        options, enterprise = workbook["options"], workbook["enterprise"]
        header = [cell.value for cell in options[1]]
        column = {key: index + 1 for index, key in enumerate(header)}
        options.cell(row=3, column=column["lifetime"], value=7)  # no unit: years
        options.cell(row=3, column=column["lifetime_unit"]).value = None
        options.cell(row=3, column=column["savings_uncertainty"], value="25%")
        options.cell(row=3, column=column["date_rejected"], value="2025-01-31")
        enterprise["B15"] = 0.07  # what Excel stores when a user types 7%
        enterprise["B15"].number_format = "0%"
        enterprise["B17"] = 4  # a plain number: per cent
        workbook["option_effects"]["C4"] = "-300 l"

    again = read_document(_edit(rich, tmp_path, edit))
    nozzles = again.options[1]
    assert str(nozzles.lifetime) == "7 year"
    assert nozzles.savings_uncertainty.value == 25
    assert nozzles.dates["rejected"] == dt.date(2025, 1, 31)
    assert nozzles.effects[0].change == "-300 l"
    assert str(again.finance.discount_rate) == "7%"  # not 7.000000000000001%
    assert again.finance.inflation.value == 4
    assert again.finance.escalation.value == 3.5


def test_read_workbook_rejects_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip")
    assert "is not an Excel workbook" in _problems(path)


def test_read_workbook_reads_excel_percent_cells(rich, tmp_path):
    def edit(workbook):
        cell = workbook["flows"]["J3"]
        cell.value = 0.075  # what Excel stores when a user types 7.5%
        cell.number_format = "0.0%"

    assert read_document(_edit(rich, tmp_path, edit)).flow("cane-to-boil").uncertainty.value == (
        pytest.approx(7.5)
    )


def test_read_workbook_ignores_columns_marked_as_notes(rich, tmp_path):
    def edit(workbook):
        workbook["flows"]["Z1"] = "# my remarks"
        workbook["flows"]["Z2"] = "checked with the plant manager"

    assert read_document(_edit(rich, tmp_path, edit)) == rich
