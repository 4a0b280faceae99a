"""Template filters about people: `{% load accounts_tags %}`."""

from django import template

from governance.accounts import selectors

register = template.Library()


@register.filter
def requires_mfa(person) -> bool:
    """True when the person's role requires two-factor authentication."""
    return selectors.requires_mfa(person)
