"""People's own words in the reader's language, where their authors translated them.

`{{ call|people_text:"title" }}` is the call's title in the reader's language, marked as
people's own words (`data-people-content`) and with the `lang` it is in; where no translation
exists it is the original, `lang="en"`. `{% fallback_note call "title" "summary" %}` says "Not
yet translated; shown in English." when any of those fields is shown in English for want of a
translation. `{{ call|translated:"description" }}` gives (text, language, is_fallback), for a
text the template formats itself (Markdown, line breaks). See governance.core.translations.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from governance.core import translations

register = template.Library()


@register.filter
def translated(obj, field: str) -> translations.Translated:
    return translations.translated(obj, field)


@register.filter
def people_text(obj, field: str) -> SafeString:
    text = translations.translated(obj, field)
    return format_html('<span data-people-content lang="{}">{}</span>', text.language, text.text)


@register.simple_tag
def fallback_note(obj, *fields: str) -> str:
    if not any(translations.translated(obj, field).is_fallback for field in fields):
        return ""
    return format_html('<p class="muted translation-note">{}</p>', translations.FALLBACK_NOTE)
