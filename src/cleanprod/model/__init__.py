"""The assessment document, format ``cleanprod/1`` (see ``docs/format.md``)."""

from cleanprod.model.assessment import (
    Assessment,
    Concentration,
    Costs,
    Enterprise,
    Flow,
    Layer,
    Measured,
    Normalised,
    Option,
    Period,
    Process,
    Product,
    Ratio,
    StockChange,
    SumMeasurement,
    quality_classes,
)
from cleanprod.model.choices import FORMAT
from cleanprod.model.quantities import Money, Percent, Price, Quantity

__all__ = [
    "FORMAT",
    "Assessment",
    "Concentration",
    "Costs",
    "Enterprise",
    "Flow",
    "Layer",
    "Measured",
    "Money",
    "Normalised",
    "Option",
    "Percent",
    "Period",
    "Price",
    "Process",
    "Product",
    "Quantity",
    "Ratio",
    "StockChange",
    "SumMeasurement",
    "quality_classes",
]
