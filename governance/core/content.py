"""People's own words on the portal's pages.

Titles, descriptions, comments, names and organisation names are written by people, in whatever
language they chose; the portal shows them as written. Pages mark where they show them (the
`data-people-content` attribute, or `people` in templates: `{% load formatting %}`), so that
tests/browser/test_languages.py, which looks for English left on translated pages, skips them.
"""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def people(text: object) -> SafeString:
    """`text`, escaped and marked as people's own words."""
    return format_html("<span data-people-content>{}</span>", text)


def sentence(message: str, **values: str) -> SafeString:
    """`message % values`, both escaped: the portal's translated sentence around people's words
    marked with `people()` (`sentence(_("%(dataset)s, %(date)s"), dataset=people(title), ...)`).
    """
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    # Everything in it is escaped just above.
    return mark_safe(conditional_escape(message) % escaped)  # noqa: S308  # nosec B308 B703
