from django import template

from targets.formatting import format_number, format_percent, format_points

register = template.Library()


@register.filter
def amount(value, unit=""):
    return "—" if value is None else format_number(value, unit)


@register.filter
def percent(value):
    return format_percent(value)


@register.filter
def points(value):
    return format_points(value)
