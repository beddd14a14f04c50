from django import template

from targets import formatting
from targets.formatting import format_number, format_percent, format_points, person_name
from targets.models import Target

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


@register.filter
def months_through(month):
    """“1—6月”, January alone “1月”."""
    return formatting.months_through(int(month))


@register.filter
def person(user, nobody=""):
    """A person's full name where a name belongs (发起人, 审核人, 修改人); the username only when none is set."""
    return person_name(user) or nobody


@register.filter
def per_unit_label(level):
    """“school” → 每所院校: a draft target's per-unit level, as the target form names it."""
    return dict(Target.PerUnit.choices).get(level, "")
