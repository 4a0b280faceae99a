"""Dates, times and numbers the way every page writes them: `{% load formatting %}`.

`{{ call.deadline|moment }}` "10 June 2024, 23:59 CEST", `{{ agreement.ends_on|day }}`
"31 December 2027", `{{ grant.ends_at|last_day|day }}` "31 December 2027" (the last day of a
period that ends, exclusively, at midnight), `{{ question.max_value|number }}` "10,000,000".
The rules are those of governance.core.times, which emails and PDFs built in Python use too.
`{{ organisation.name|people }}` marks people's own words inside a translated sentence
(governance.core.content).
"""

from django import template

from governance.core import times
from governance.core.content import people

register = template.Library()

register.filter("day", times.format_day)
register.filter("moment", times.format_moment)
register.filter("last_day", times.last_day)
register.filter("number", times.format_number)
register.filter("people", people)


@register.simple_tag
def span(start, end) -> str:
    """`{% span event.starts_at event.ends_at %}`: "Tuesday 5 December 2026, 10:00 to 11:30 CET"."""
    if start is None or end is None:
        return ""
    return times.format_span(start, end)
