"""Figures in the assessments' templates: ``{{ value|figure }}``, ``{{ value|money }}``,
``{% plus_minus value sd %}``, ``{{ fraction|percent }}``."""

from __future__ import annotations

from typing import Any

from django import template

from cleanprod.web.assessments import formatting

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    return formatting.figure(value)


@register.filter
def money(value: Any) -> str:
    return formatting.money(value)


@register.filter
def percent(value: Any) -> str:
    return formatting.percent(value)


@register.simple_tag
def plus_minus(value: Any, sd: Any) -> str:
    return formatting.plus_minus(value, sd)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ mapping|get:key }}``: an entry of a mapping, or nothing."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
