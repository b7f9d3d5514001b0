"""Gross-error diagnosis: serial elimination, the likely causes and the words that explain them.

Each case is a small made-up plant whose figures close except for one or two deliberate errors.
"""

from __future__ import annotations

import pytest

from cleanprod.core.balance.diagnose import (
    NO_CAUSE,
    PERIOD,
    REVERSED,
    UNIT_SLIP,
    diagnose,
    failing_balances,
)
from cleanprod.core.balance.network import build_networks
from cleanprod.core.balance.reconcile import reconcile
from cleanprod.model import Assessment


def document(
    flows: list[dict], processes: list[str], period: tuple[str, str] = ("2025-01-01", "2025-12-31")
) -> Assessment:
    """A document with the given flows; each process id is also its name, capitalised."""
    return Assessment.model_validate(
        {
            "format": "cleanprod/1",
            "enterprise": {"name": "Plant", "country": "VN", "sector": "food", "currency": "VND"},
            "period": {"start": period[0], "end": period[1]},
            "processes": [{"id": name, "name": name.capitalize()} for name in processes],
            "flows": flows,
        }
    )


def network_of(assessment: Assessment, layer: str):
    return next(network for network in build_networks(assessment) if layer in network.layers)


def water(id: str, name: str, value: str | None, sd: str | None, **ends) -> dict:
    flow = {"id": id, "name": name, "layer": "water", **ends}
    if value is not None:
        flow.update(value=value, sd=sd)
    return flow


def rinse_plant(rinse_value: str = "4.7 m3") -> Assessment:
    """City water is split between rinsing and cooling; both drains are unmetered."""
    return document(
        [
            water("city-water", "City water", "100 m3", "1 m3", to="distribution", kind="input"),
            water("rinse-water", "Rinse water", rinse_value, "0.094 m3",
                  **{"from": "distribution"}, to="rinsing", kind="internal"),
            water("cooling-water", "Cooling water", "53 m3", "1.06 m3",
                  **{"from": "distribution"}, to="cooling", kind="internal"),
            water("rinse-drain", "Rinse effluent", None, None, **{"from": "rinsing"}, kind="loss"),
            water("cooling-drain", "Cooling effluent", None, None,
                  **{"from": "cooling"}, kind="loss"),
        ],
        ["distribution", "rinsing", "cooling"],
    )  # fmt: skip


def test_diagnose_consistent_balance_has_no_suspects():
    plant = rinse_plant(rinse_value="47 m3")
    network = network_of(plant, "water")
    result = reconcile(network.problem)
    assert result.consistent
    assert diagnose(plant, network, result) == ()
    assert failing_balances(plant, network) == ()


def test_diagnose_decimal_slip_is_found_and_called_a_slip_of_one_decimal_place():
    plant = rinse_plant()
    network = network_of(plant, "water")
    result = reconcile(network.problem)
    assert not result.consistent and result.dof == 1

    suspects = diagnose(plant, network, result)

    # One equation holds all three figures: same test, so all three are listed, the one a
    # concrete slip explains first.
    assert suspects[0].id == "rinse-water"
    assert {suspect.id for suspect in suspects} == {"rinse-water", "city-water", "cooling-water"}
    assert len({round(suspect.test, 6) for suspect in suspects}) == 1
    first = suspects[0]
    assert first.cause == UNIT_SLIP
    assert first.factor == pytest.approx(10.0)
    assert first.measured == pytest.approx(4.7)
    assert first.expected == pytest.approx(47.0)
    assert first.expected_sd == pytest.approx((1.0**2 + 1.06**2) ** 0.5)
    assert first.corrected == pytest.approx(47.0)
    assert first.corrected_consistent and first.corrected_chi2 < first.corrected_critical
    assert first.unit == "m3"
    text = first.explanation
    assert text.startswith("Rinse water (4.7 m3) is about 10 times lower than the balance says")
    assert "(47.0 ± 1.5 m3)" in text
    assert "a slip of one decimal place" in text
    assert "with 47 m3 the water balance closes" in text
    assert "The data cannot tell this figure apart from cooling water and city water" in text
    assert set(first.indistinguishable) == {
        network.index("flow", "city-water"),
        network.index("flow", "cooling-water"),
    }
    # The others have no concrete cause: the balance just suggests another value.
    for other in suspects[1:]:
        assert other.cause == NO_CAUSE and other.factor is None
        assert other.explanation.startswith("The balance suggests")


def test_failing_balances_names_the_process_that_does_not_close():
    plant = rinse_plant()
    (failure,) = failing_balances(plant, network_of(plant, "water"))
    assert failure.id == "distribution"
    assert failure.imbalance == pytest.approx(100 - 4.7 - 53)
    assert failure.test > 1.96
    assert failure.explanation.startswith("The water balance of distribution does not close")
    assert "more comes in than goes out" in failure.explanation


def test_diagnose_reversed_flow():
    # The mixer puts out more than the feed: the "recycle" must be coming in, not going out.
    plant = document(
        [
            {"id": "feed", "name": "Feed", "to": "mixing", "kind": "input",
             "value": "100 t", "sd": "1 t"},
            {"id": "mix", "name": "Mix", "from": "mixing", "kind": "product",
             "value": "105 t", "sd": "1 t"},
            {"id": "recycle", "name": "Recycled fines", "from": "mixing", "kind": "loss",
             "value": "5 t", "sd": "0.25 t"},
        ],
        ["mixing"],
    )  # fmt: skip
    network = network_of(plant, "mass")
    suspects = diagnose(plant, network)
    first = suspects[0]
    assert first.id == "recycle"
    assert first.cause == REVERSED
    assert first.factor == -1.0
    assert first.expected == pytest.approx(-5.0, abs=0.01)
    assert first.corrected == pytest.approx(-5.0)
    assert first.corrected_consistent
    assert "runs the other way (5.0 ± 1.4 t from outside to mixing)" in first.explanation
    assert "'from' and 'to' are swapped" in first.explanation


def test_diagnose_monthly_bill_in_a_yearly_balance():
    # One month's electricity bill was entered for the year: the uses add up to 12 times more.
    plant = document(
        [
            {"id": "grid", "name": "Electricity bill", "to": "switchboard", "layer": "energy",
             "kind": "input", "value": "5000 kWh", "uncertainty": "1%"},
            {"id": "motors", "name": "Motors", "from": "switchboard", "layer": "energy",
             "kind": "loss", "value": "30000 kWh", "uncertainty": "3%"},
            {"id": "lights", "name": "Lighting", "from": "switchboard", "layer": "energy",
             "kind": "loss", "value": "30000 kWh", "uncertainty": "3%"},
        ],
        ["switchboard"],
    )  # fmt: skip
    suspects = diagnose(plant, network_of(plant, "energy"))
    first = suspects[0]
    assert first.id == "grid"
    assert first.cause == PERIOD
    assert first.factor == pytest.approx(365 / (365.25 / 12))
    assert first.corrected_consistent
    assert "about 12 times lower than the balance says" in first.explanation
    assert "it covers one month, not the whole period (365 days)" in first.explanation


def test_diagnose_monthly_sum_measurement_in_a_yearly_balance():
    # The same slip on a bill that covers two metered uses (a sum measurement).
    if "measurements" not in Assessment.model_fields:
        pytest.skip("the document model has no sum measurements yet")
    data = {
        "format": "cleanprod/1",
        "enterprise": {"name": "Plant", "country": "VN", "sector": "food", "currency": "VND"},
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "processes": [{"id": "pumps", "name": "Pumps"}, {"id": "dryer", "name": "Dryer"}],
        "flows": [
            {"id": "pump-power", "name": "Pump power", "to": "pumps", "layer": "energy",
             "kind": "input", "value": "30000 kWh", "uncertainty": "3%"},
            {"id": "dryer-power", "name": "Dryer power", "to": "dryer", "layer": "energy",
             "kind": "input", "value": "30000 kWh", "uncertainty": "3%"},
            {"id": "pump-heat", "name": "Pump heat", "from": "pumps", "layer": "energy",
             "kind": "loss"},
            {"id": "dryer-heat", "name": "Dryer heat", "from": "dryer", "layer": "energy",
             "kind": "loss"},
        ],
        "measurements": [
            {"id": "evn-bill", "flows": ["pump-power", "dryer-power"], "value": "5000 kWh",
             "uncertainty": "1%"},
        ],
    }  # fmt: skip
    plant = Assessment.model_validate(data)
    suspects = diagnose(plant, network_of(plant, "energy"))
    first = suspects[0]
    assert first.kind == "sum" and first.id == "evn-bill"
    assert first.cause == PERIOD
    assert "one month" in first.explanation


def test_diagnose_energy_figure_in_mj_entered_as_kwh():
    # 3600 MJ (1000 kWh) of steam heat written as 3600 kWh.
    plant = document(
        [
            {"id": "fuel", "name": "Fuel", "to": "boiler", "layer": "energy", "kind": "input",
             "value": "1250 kWh", "uncertainty": "1%"},
            {"id": "steam", "name": "Steam to the dryer", "from": "boiler", "to": "dryer",
             "layer": "energy", "kind": "internal", "value": "3600 kWh", "uncertainty": "2%"},
            {"id": "boiler-losses", "name": "Boiler losses", "from": "boiler", "layer": "energy",
             "kind": "loss", "value": "250 kWh", "uncertainty": "4%"},
            {"id": "dryer-exhaust", "name": "Dryer exhaust", "from": "dryer", "layer": "energy",
             "kind": "loss"},
        ],
        ["boiler", "dryer"],
    )  # fmt: skip
    first = diagnose(plant, network_of(plant, "energy"))[0]
    assert first.id == "steam"
    assert first.cause == UNIT_SLIP
    assert first.factor == pytest.approx(1 / 3.6)
    assert "a figure in MJ entered as kWh" in first.explanation
    assert "about 3.6 times higher" in first.explanation


def water_works(wash_drain: str = "30 m3", boiler_drain: str = "20 m3") -> Assessment:
    """Every flow metered: a well feeds washing, cooling and a boiler, each with its drain."""
    uses = [("wash", "Washing", 30.0), ("cooling", "Cooling", 50.0), ("boiler", "Boiler", 20.0)]
    drains = {"wash": wash_drain, "cooling": "50 m3", "boiler": boiler_drain}
    flows = [water("well", "Well water", "100 m3", "1 m3", to="tank", kind="input")]
    for id, name, amount in uses:
        flows.append(
            water(f"{id}-water", f"{name} water", f"{amount:g} m3", f"{0.02 * amount:g} m3",
                  **{"from": "tank"}, to=id, kind="internal")
        )  # fmt: skip
        flows.append(
            water(f"{id}-drain", f"{name} drain", drains[id], f"{0.02 * amount:g} m3",
                  **{"from": id}, kind="loss")
        )  # fmt: skip
    return document(flows, ["tank", "wash", "cooling", "boiler"])


def test_diagnose_serial_elimination_finds_two_independent_gross_errors():
    plant = water_works(wash_drain="36 m3", boiler_drain="25 m3")
    network = network_of(plant, "water")
    result = reconcile(network.problem)
    assert result.dof == 4 and not result.consistent

    suspects = diagnose(plant, network, result)

    assert [suspect.step for suspect in suspects] == [1, 2]
    assert [suspect.id for suspect in suspects] == ["boiler-drain", "wash-drain"]
    assert all(not suspect.indistinguishable for suspect in suspects)
    expected = {"wash-drain": 30.0, "boiler-drain": 20.0}
    for suspect in suspects:
        assert suspect.expected == pytest.approx(expected[suspect.id], rel=0.02)
    # Corrected one at a time: the first correction alone does not close the balance, the
    # second (with the first) does.
    assert not suspects[0].corrected_consistent
    assert "still does not close" in suspects[0].explanation
    assert suspects[1].corrected_consistent
    assert "and the corrections above" in suspects[1].explanation


def test_diagnose_single_error_in_a_redundant_network_is_alone():
    plant = water_works(wash_drain="36 m3")
    suspects = diagnose(plant, network_of(plant, "water"))
    assert [suspect.id for suspect in suspects] == ["wash-drain"]
    assert suspects[0].corrected_consistent


def test_suspect_as_dict_is_plain_data():
    plant = rinse_plant()
    data = diagnose(plant, network_of(plant, "water"))[0].as_dict()
    assert data["cause"] == UNIT_SLIP
    assert isinstance(data["indistinguishable"], list)
    assert data["explanation"]


def test_diagnose_a_large_chain_goes_through_the_sparse_solver():
    # 2100 steps in a chain, every flow weighed (1 %): one figure entered ten times too big is
    # found and called a decimal slip, on a network too large for the dense solver's loops.
    from cleanprod.core.balance.solver import SPARSE_THRESHOLD

    count = SPARSE_THRESHOLD + 100
    processes = [{"id": f"p{number}", "name": f"Step {number}"} for number in range(count)]
    flows = [
        {"id": "f0", "name": "Feed", "to": "p0", "kind": "input", "value": "100 kg",
         "uncertainty": "1%"}
    ]  # fmt: skip
    for number in range(count):
        last = number == count - 1
        flows.append(
            {"id": f"f{number + 1}", "name": f"Flow {number + 1}", "from": f"p{number}",
             **({} if last else {"to": f"p{number + 1}"}),
             "kind": "product" if last else "internal",
             "value": "1000 kg" if number == 700 else "100 kg", "uncertainty": "1%"}
        )  # fmt: skip
    plant = Assessment.model_validate(
        {
            "format": "cleanprod/1",
            "enterprise": {"name": "Chain", "country": "VN", "sector": "x", "currency": "VND"},
            "period": {"start": "2025-01-01", "end": "2025-12-31"},
            "processes": processes,
            "flows": flows,
        }
    )
    (network,) = build_networks(plant)
    assert network.problem.n_variables > SPARSE_THRESHOLD
    suspects = diagnose(plant, network)
    assert suspects[0].id == "f701"
    assert suspects[0].cause == "unit-slip"


def test_meter_advice_on_a_balance_too_large_says_so():
    from cleanprod.core.balance.assess import balance_assessment
    from cleanprod.core.balance.meters import MAX_VARIABLES, MeterAdviceError, suggest_meters

    count = MAX_VARIABLES + 10
    plant = Assessment.model_validate(
        {
            "format": "cleanprod/1",
            "enterprise": {"name": "Chain", "country": "VN", "sector": "x", "currency": "VND"},
            "period": {"start": "2025-01-01", "end": "2025-12-31"},
            "processes": [{"id": f"p{n}", "name": f"Step {n}"} for n in range(count)],
            "flows": [
                {"id": "f0", "name": "Feed", "to": "p0", "kind": "input", "value": "100 kg"},
                *(
                    {"id": f"f{n + 1}", "name": f"Flow {n + 1}", "from": f"p{n}",
                     **({} if n == count - 1 else {"to": f"p{n + 1}"}),
                     "kind": "product" if n == count - 1 else "internal", "value": "100 kg"}
                    for n in range(count)
                ),
            ],
        }
    )  # fmt: skip
    with pytest.raises(MeterAdviceError, match="too large"):
        suggest_meters(plant, balance_assessment(plant), count=1)
