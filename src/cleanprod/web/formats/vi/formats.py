"""Vietnamese: Django's formats (``django/conf/locale/vi/formats.py``: ``1.234.567,5``,
``Ngày 26 tháng 11 năm 2026``), with the grouping by thousands they leave out."""

NUMBER_GROUPING = 3
