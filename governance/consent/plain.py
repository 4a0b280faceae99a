"""A consent form's permitted uses in plain words, for patients and patient organisations."""

from __future__ import annotations

from django.utils.translation import gettext as _

from governance.catalogue.plain import MODIFIER_WORDS, PERMISSION_WORDS
from governance.consent.models import ConsentForm

# Modifiers whose sentence needs a parameter a consent form does not carry.
_PARAMETER_FREE = {
    "TS": "Each use is allowed for a limited time only.",
    "MOR": "Results may not be published before an agreed date.",
    "GS": "The data may be used only in an agreed geographical area.",
}


def permitted_uses(form: ConsentForm) -> list[str]:
    """One sentence per DUO term of the form (permission first)."""
    sentences = []
    permission = form.duo_permission
    words = PERMISSION_WORDS.get(permission.shorthand)
    if words:
        sentences.append(_(words) % {"disease": _("the subject's own disease")})
    else:
        sentences.append(permission.label)
    for term in form.duo_modifiers.all():
        if term.shorthand in _PARAMETER_FREE:
            sentences.append(_(_PARAMETER_FREE[term.shorthand]))
        elif term.shorthand in MODIFIER_WORDS:
            sentences.append(_(MODIFIER_WORDS[term.shorthand]))
        else:
            sentences.append(term.label)
    return sentences
