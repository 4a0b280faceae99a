"""English is complete; Spanish covers the public pages (home, layout, sign-in and sign-up)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

SPANISH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Templates every visitor sees: their strings must all have a Spanish translation.
PUBLIC_TEMPLATES = (
    "templates/base.html",
    "templates/core/home.html",
    "templates/account/",
    "templates/allauth/",
    "templates/mfa/authenticate.html",
)


def html_lang(text: str) -> str:
    return re.search(r'<html lang="([^"]+)"', text).group(1)


@pytest.mark.django_db
def test_home_page_in_spanish_shows_spanish_text(client):
    response = client.get("/es/")

    text = response.content.decode()
    assert response.status_code == 200
    assert html_lang(text) == "es"
    assert "Gobernanza y acceso a las imágenes oncológicas federadas de Europa" in text
    assert "Iniciar sesión" in text
    assert "Sign in" not in text


@pytest.mark.django_db
def test_home_page_without_prefix_is_english(client):
    response = client.get("/")

    text = response.content.decode()
    assert html_lang(text) == "en"
    assert "Governance and access to Europe" in text


@pytest.mark.django_db
def test_login_page_in_spanish_shows_spanish_form(client):
    response = client.get("/es/accounts/login/")

    text = response.content.decode()
    assert html_lang(text) == "es"
    assert "Contraseña" in text
    assert "Password" not in text


@pytest.mark.django_db
def test_language_switcher_on_a_spanish_page_can_lead_back_to_english(client):
    page = client.get("/es/").content.decode()
    next_path = re.search(r'name="next" type="hidden" value="([^"]*)"', page).group(1)

    to_english = client.post("/i18n/setlang/", {"language": "en", "next": next_path})
    to_spanish = client.post("/i18n/setlang/", {"language": "es", "next": next_path})

    assert next_path == "/"
    assert to_english["Location"] == "/"
    assert to_spanish["Location"] == "/es/"


def test_role_names_are_translated():
    from governance.accounts.roles import Role

    with translation.override("es"):
        assert str(Role.APPLICANT.label) == "Solicitante"


def _entries(po_text: str):
    """(source references, msgid, msgstr, fuzzy) for each entry of a .po file."""
    for block in po_text.split("\n\n"):
        lines = block.strip().splitlines()
        references = " ".join(line[3:] for line in lines if line.startswith("#: "))
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                parts[key] = match.group(2)
            elif line.startswith('"') and key:
                parts[key] += line[1:-1]
        if parts.get("msgid"):
            msgstr = parts.get("msgstr", parts.get("msgstr[0]", ""))
            yield references, parts["msgid"], msgstr, fuzzy


def test_public_page_strings_all_have_a_spanish_translation():
    entries = list(_entries(SPANISH_CATALOGUE.read_text(encoding="utf-8")))
    public = [e for e in entries if any(source in e[0] for source in PUBLIC_TEMPLATES)]

    missing = [msgid for _refs, msgid, msgstr, fuzzy in public if fuzzy or not msgstr]

    assert public, "the Spanish catalogue lists no string of the public templates"
    assert not missing, (
        "Public pages have strings without a Spanish translation (translate them in "
        f"{SPANISH_CATALOGUE.relative_to(settings.BASE_DIR)} and run compilemessages): {missing}"
    )
