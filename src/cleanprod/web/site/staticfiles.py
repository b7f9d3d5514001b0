"""plotly.js served by the platform itself, from the installed plotly package.

The results pages draw their charts with plotly.js. The plotly Python package ships the very
plotly.js its figures are written for (``plotly/package_data/plotly.min.js``); this finder
serves that file as the static file ``cleanprod/plotly.min.js``, so that nothing is fetched
from a CDN and the script always matches the installed package (no copy in the repository to
keep in step). ``collectstatic`` copies it like any other static file.

Add to the settings::

    STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder",
        "django.contrib.staticfiles.finders.AppDirectoriesFinder",
        "cleanprod.web.site.staticfiles.PlotlyFinder",
    ]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.utils import matches_patterns
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

#: The static path the pages load plotly.js from.
STATIC_PATH = "cleanprod/plotly.min.js"
#: The file's name in the plotly package.
FILE_NAME = "plotly.min.js"


def plotly_js_path() -> Path | None:
    """The plotly.js file of the installed plotly package, or None when there is none."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).resolve().parent / "package_data" / FILE_NAME
    return path if path.is_file() else None


class PlotlyFinder(finders.BaseFinder):
    """Finds ``cleanprod/plotly.min.js``: the plotly package's own plotly.js."""

    def check(self, **kwargs: Any) -> list[Error]:
        if plotly_js_path() is None:
            return [
                Error(
                    "plotly.js is not found in the installed plotly package "
                    f"(plotly/package_data/{FILE_NAME}).",
                    hint="Install cleanprod's dependencies again: pip install plotly.",
                    id="cleanprod.E001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        if "all" in kwargs:  # the name of the argument before Django 5.2
            find_all = kwargs.pop("all")
        source = plotly_js_path()
        if source is not None and str(source.parent) not in finders.searched_locations:
            finders.searched_locations.append(str(source.parent))
        if source is None or path.replace("\\", "/") != STATIC_PATH:
            return []
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        source = plotly_js_path()
        if source is None or matches_patterns(FILE_NAME, ignore_patterns or []):
            return
        storage = FileSystemStorage(location=source.parent)
        storage.prefix = STATIC_PATH.rsplit("/", 1)[0]
        yield FILE_NAME, storage
