"""Date and number formats of the platform's languages, where Django's own fall short
(``settings.FORMAT_MODULE_PATH``; Django looks here first, then in its own
``django/conf/locale/<language>/formats.py``, then in the settings).

- ``lo``: Django has no Lao formats at all (dates and numbers came out American).
- ``vi`` and ``km``: Django's leave ``NUMBER_GROUPING`` unset, so ``intcomma``,
  ``floatformat:"0g"`` and the platform's figures came out without any grouping
  (``1234567``).

Every value follows the Unicode CLDR data of the language, as Babel gives them, so that the
pages write figures as the PDF report does (:mod:`cleanprod.report.formatting`); a test checks
the separators against Babel.
"""
