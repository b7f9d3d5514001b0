"""The fields of the long edit tables drawn directly (``{% row_input form.value %}``): a
document of sixty flows has some eight hundred fields, which Django's widget templates take
most of a second to draw."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def row_input(field: forms.BoundField, **attrs: Any) -> SafeString:
    """A text input, a hidden input, a select or a check box of a bound field, named by its
    label for a screen reader, marked invalid when it has errors."""
    widget = field.field.widget
    attributes = {**widget.attrs, **attrs, "aria-label": str(field.label or field.name)}
    if field.errors:
        attributes["aria-invalid"] = "true"
    name = field.html_name
    value = field.value()
    if isinstance(widget, forms.CheckboxInput):
        checked = " checked" if widget.check_test(value) else ""
        return format_html(
            '<input type="checkbox" name="{}"{}{}>', name, flatatt(attributes), checked
        )
    if isinstance(widget, forms.Select):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) == chosen else "", label)
                for choice, label in field.field.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attributes), options)
    input_type = getattr(widget, "input_type", "text")
    if input_type == "hidden":
        attributes.pop("aria-label")
    return format_html(
        '<input type="{}" name="{}" value="{}"{}>',
        input_type,
        name,
        "" if value is None else value,
        flatatt(attributes),
    )
