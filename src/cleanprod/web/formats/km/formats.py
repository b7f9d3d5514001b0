"""Khmer: Django's dates (``django/conf/locale/km/formats.py``: ``26 ខែ វិច្ឆិកា ឆ្នាំ 2026``),
with CLDR's numbers: ``1,234,567.5`` (Django's file has the signs the other way round,
``1.234.567,5``, which is not how Cambodia writes figures nor how the report prints them)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
