"""Lao, after the Unicode CLDR data (``lo``): ``26 ພະຈິກ 2026``, ``26/11/2026``, ``14:05``;
figures ``1.234.567,5``. Django ships no Lao formats; the month names come from the
platform's Lao catalogue (Django's "January" ... "December")."""

# The *_FORMAT strings use Django's date format syntax.
DATE_FORMAT = "j F Y"  # CLDR long: d MMMM y
TIME_FORMAT = "G:i"  # CLDR short: H:mm
DATETIME_FORMAT = "j F Y, G:i"  # CLDR: {1}, {0}
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j/n/Y"  # CLDR short: d/M/y
SHORT_DATETIME_FORMAT = "j/n/Y, G:i"
FIRST_DAY_OF_WEEK = 0  # Sunday (CLDR, LA)

# The *_INPUT_FORMATS use Python's strftime syntax: ISO first (what the platform's date
# fields write), then the day before the month, as Lao readers write dates.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
