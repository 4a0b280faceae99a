"""The "Translations" page of an object that carries translations (a call, a consultation): one
form per language, each field beside its original; saving one language leaves the others.

The app's view finds the object and asks its rule; this page calls the app's service
(`save(translations, partial=True)`), which validates and records the audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from governance.core.errors import PortalError
from governance.core.translations import languages

LANGUAGE = "language"


class TranslationForm(forms.Form):
    """`obj`'s translatable fields in one language, as its translations hold them."""

    def __init__(self, *args: Any, obj: models.Model, language: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", dict(obj.translations.get(language, {})))  # type: ignore[attr-defined]
        kwargs["prefix"] = language
        super().__init__(*args, **kwargs)
        self.language = language
        self.originals = []
        for name in obj.TRANSLATABLE:  # type: ignore[attr-defined]
            field = cast(models.Field, obj._meta.get_field(name))  # a column, never a relation
            long_text = isinstance(field, models.TextField)
            self.fields[name] = forms.CharField(
                label=str(field.verbose_name).capitalize(),
                required=False,
                max_length=field.max_length,
                widget=forms.Textarea(attrs={"rows": 6, "lang": language})
                if long_text
                else forms.TextInput(attrs={"lang": language}),
            )
            self.originals.append((self[name], getattr(obj, name)))


def translations_page(
    request,
    *,
    obj: models.Model,
    save: Callable[[dict[str, dict[str, str]]], Any],
    title: str,
    back_url: str,
) -> HttpResponse:
    names = dict(settings.LANGUAGES)
    posted = request.POST.get(LANGUAGE) if request.method == "POST" else None
    forms_by_language = {
        language: TranslationForm(
            request.POST if language == posted else None, obj=obj, language=language
        )
        for language in languages()
    }
    status = 200
    if posted is not None:
        form = forms_by_language.get(posted)
        status = 400
        if form is None:
            messages.error(request, _("Choose one of the languages below."))
        elif form.is_valid():
            try:
                save({posted: form.cleaned_data})
            except PortalError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(
                    request,
                    _("The %(language)s translation is saved.") % {"language": names[posted]},
                )
                return HttpResponseRedirect(request.path)
    return render(
        request,
        "core/translations.html",
        {
            "obj": obj,
            "title": title,
            "back_url": back_url,
            "language_field": LANGUAGE,
            "forms": [(names[code], form) for code, form in forms_by_language.items()],
        },
        status=status,
    )
