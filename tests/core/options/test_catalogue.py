"""The CP options catalogue: its size, sources, vocabularies, coverage and word matching."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources

import pytest
import yaml

from cleanprod.core.options.catalogue import (
    ALL_SECTORS,
    COST_CLASSES,
    CatalogueError,
    Term,
    catalogue_from_data,
    fold_words,
    load_catalogue,
    parse_catalogue,
)
from cleanprod.model.choices import CAUSE_CATEGORIES, PRACTICES

#: The sectors issue 5 names; each needs at least 8 options.
NAMED_SECTORS = (
    "beverages",
    "steel",
    "furniture",
    "rattan-bamboo",
    "textile",
    "food",
    "lacquer",
    "sea-grass",
    "handmade-paper",
    "sericulture",
)

#: The utilities every plant has, by the unit operations (or streams) that identify them;
#: each needs at least 4 cross-cutting options.
UTILITIES = {
    "boilers and steam": lambda option: {"boiler", "steam"} & set(option.unit_operations),
    "compressed air": lambda option: "compressed-air" in option.unit_operations,
    "motors and drives": lambda option: {"motors", "pumping"} & set(option.unit_operations),
    "lighting": lambda option: "lighting" in option.unit_operations,
    "cooling": lambda option: {"cooling", "refrigeration"} & set(option.unit_operations),
    "water reuse": lambda option: (
        option.practice == "on-site recovery and reuse"
        and {"water", "wastewater"} & set(option.waste_streams)
    ),
}


@cache
def catalogue_data() -> dict:
    text = resources.files("cleanprod.data").joinpath("cp_options.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_load_catalogue_has_at_least_200_valid_entries_with_unique_ids():
    catalogue = load_catalogue()
    ids = [option.id for option in catalogue.options]
    assert len(ids) >= 200
    assert len(set(ids)) == len(ids)
    assert load_catalogue() is catalogue  # read once


def test_load_catalogue_every_entry_cites_a_source_with_a_year():
    catalogue = load_catalogue()
    for option in catalogue.options:
        for source_id in option.sources:
            source = catalogue.sources[source_id]
            assert 1950 <= source.year <= 2026, (option.id, source_id)
            assert source.title and source.publisher and source.read_in and source.supports
    used = {source for option in catalogue.options for source in option.sources}
    assert used == set(catalogue.sources), "every declared source is cited at least once"


def test_load_catalogue_practices_causes_and_cost_classes_are_valid():
    catalogue = load_catalogue()
    for option in catalogue.options:
        assert option.practice in PRACTICES, option.id
        assert set(option.causes) <= set(CAUSE_CATEGORIES), option.id
        assert option.cost_class in COST_CLASSES, option.id
    used = {option.practice for option in catalogue.options}
    assert used == set(PRACTICES), "all eight UNEP practices appear"


def test_load_catalogue_cost_classes_state_rising_thresholds():
    classes = load_catalogue().cost_classes
    assert tuple(classes) == COST_CLASSES
    bounds = [classes[name].max_usd for name in COST_CLASSES]
    assert bounds[-1] is None
    assert bounds[:-1] == sorted(bounds[:-1])


def test_load_catalogue_savings_are_fractions_of_a_listed_stream():
    for option in load_catalogue().options:
        savings = option.savings
        assert 0 <= savings.low <= savings.high <= 1, option.id
        assert savings.quantity in option.waste_streams, option.id
        if savings.basis == "published":
            assert savings.figure, option.id


def test_load_catalogue_descriptions_have_one_to_three_sentences():
    for option in load_catalogue().options:
        sentences = [part for part in option.description.split(". ") if part]
        assert 1 <= len(sentences) <= 3, option.id
        assert option.description.endswith("."), option.id


@pytest.mark.parametrize("sector", NAMED_SECTORS)
def test_load_catalogue_covers_each_named_sector(sector):
    options = [option for option in load_catalogue().options if sector in option.sectors]
    assert len(options) >= 8, f"{sector}: {len(options)} options"


@pytest.mark.parametrize("utility", UTILITIES)
def test_load_catalogue_covers_each_utility(utility):
    options = [
        option
        for option in load_catalogue().options
        if ALL_SECTORS in option.sectors and UTILITIES[utility](option)
    ]
    assert len(options) >= 4, f"{utility}: {[option.id for option in options]}"


def test_load_catalogue_has_40_cross_cutting_options():
    options = [option for option in load_catalogue().options if ALL_SECTORS in option.sectors]
    assert len(options) >= 40


def test_load_catalogue_has_non_chemical_treatment_and_craft_drying_and_bleaching():
    catalogue = load_catalogue()
    assert catalogue.option("rattan-non-chemical-treatment").practice == "technology change"
    assert "preservation" in catalogue.option("bamboo-water-leaching").unit_operations
    assert "drying" in catalogue.option("rattan-covered-drying-racks").unit_operations
    assert "bleaching" in catalogue.option("rattan-peroxide-bleach-control").unit_operations
    assert "degumming" in catalogue.option("silk-sericin-recovery").unit_operations
    with pytest.raises(KeyError):
        catalogue.option("no-such-option")


# --------------------------------------------------------------------------------------------
# Words and synonyms


def test_fold_words_folds_case_accents_hyphens_and_plurals():
    assert fold_words("Soft-Drinks") == ("soft", "drink")
    assert fold_words("Sơn mài") == ("son", "mai")
    assert fold_words("giấy đó") == ("giay", "do")
    assert fold_words("Breweries") == ("brewery",)
    assert fold_words("glass process") == ("glass", "process")


def test_term_prefix_and_joined_words():
    assert Term("wash*").found_in(fold_words("Bottle washer"))
    assert not Term("wash").found_in(fold_words("Bottle washer"))
    assert Term("agro processing").found_in(fold_words("Agroprocessing"))
    assert Term("soft drink").found_in(fold_words("SOFT DRINKS bottling"))
    assert not Term("drying").found_in(fold_words("dry spray booth"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("soft drinks", {"beverages"}),
        ("Soft-Drinks bottler", {"beverages"}),
        ("brewery", {"beverages"}),
        ("steel", {"steel"}),
        ("steel re-rolling", {"steel"}),
        ("rattan furniture", {"rattan-bamboo", "furniture"}),
        ("Bamboo", {"rattan-bamboo"}),
        ("wood furniture", {"furniture"}),
        ("textile", {"textile"}),
        ("garment", {"textile"}),
        ("natural silk dyeing", {"sericulture", "textile"}),
        ("sericulture", {"sericulture"}),
        ("agro-processing", {"food"}),
        ("cassava starch", {"food"}),
        ("lacquerware", {"lacquer"}),
        ("Sơn mài", {"lacquer"}),
        ("sea-grass", {"sea-grass"}),
        ("seagrass", {"sea-grass"}),
        ("handmade paper", {"handmade-paper"}),
        ("Hand-made paper", {"handmade-paper"}),
        ("cement", set()),
    ],
)
def test_sectors_of_free_text(text, expected):
    assert load_catalogue().sectors_of(text) == {ALL_SECTORS, *expected}


def test_sectors_of_falls_back_on_isic_only_when_the_text_names_none():
    catalogue = load_catalogue()
    assert catalogue.sectors_of("our company", "1104") == {ALL_SECTORS, "beverages"}
    assert catalogue.sectors_of("rattan", "3100") == {ALL_SECTORS, "rattan-bamboo"}
    assert catalogue.sectors_of(None, None) == {ALL_SECTORS}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("washing",), {"washing"}),
        (("Bottle washer (caustic soak)",), {"washing"}),
        (("boiler", "Diesel-fired steam boiler 1 t/h"), {"boiler", "steam"}),
        (("heating", "Pusher-type reheating furnace (fuel oil)"), {"furnace"}),
        (("compressed air",), {"compressed-air"}),
        (("cleaning", "Cleaning in place of tanks", "cip"), {"cleaning", "cleaning-in-place"}),
        (("drying", "Steam-heated drying kilns"), {"drying", "steam"}),
        (("coating", "Staining and lacquering in a spray booth"), {"finishing"}),
        (("Degumming (boiling with soda ash)",), {"degumming"}),
        (("wastewater treatment",), {"wastewater-treatment"}),
        (("Main switchboard (one meter)",), {"power-distribution"}),
    ],
)
def test_unit_operations_of_step_texts(texts, expected):
    assert load_catalogue().unit_operations_of(*texts) == expected


# --------------------------------------------------------------------------------------------
# Bad entries


def broken(edit) -> dict:
    data = copy.deepcopy(catalogue_data())
    edit(data)
    return data


def test_parse_catalogue_names_the_entry_and_field_of_a_bad_practice():
    def edit(data):
        data["options"][3]["practice"] = "recycling"

    with pytest.raises(CatalogueError) as error:
        catalogue_from_data(broken(edit), "test.yaml")
    option_id = catalogue_data()["options"][3]["id"]
    assert f"options[3] ({option_id}).practice" in str(error.value)
    assert str(error.value).startswith("test.yaml: 1 problem")


def test_parse_catalogue_reports_unknown_ids_duplicates_and_bad_savings_together():
    def edit(data):
        data["options"][0]["source"] = "nobody-2099"
        data["options"][1]["id"] = data["options"][2]["id"]
        data["options"][4]["unit_operations"] = ["teleporting"]
        data["options"][5]["savings"]["quantity"] = "voc"

    with pytest.raises(CatalogueError) as error:
        catalogue_from_data(broken(edit))
    message = str(error.value)
    assert "4 problems" in message
    assert "'nobody-2099' is not declared under 'sources'" in message
    assert "duplicate id" in message
    assert "'teleporting' is not declared under 'unit_operations'" in message
    assert "savings.quantity" in message


def test_parse_catalogue_refuses_a_reversed_range_and_a_missing_year():
    def edit(data):
        data["options"][0]["savings"]["low"] = "50%"
        data["options"][0]["savings"]["high"] = "5%"
        first_source = next(iter(data["sources"]))
        del data["sources"][first_source]["year"]

    with pytest.raises(CatalogueError) as error:
        catalogue_from_data(broken(edit))
    message = str(error.value)
    assert "savings: Value error, low (0.5) exceeds high (0.05)" in message
    assert ".year: Field required" in message


def test_parse_catalogue_refuses_text_that_is_not_a_catalogue():
    with pytest.raises(CatalogueError, match="expected a mapping"):
        parse_catalogue("- just a list")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        parse_catalogue("options: [unclosed")
