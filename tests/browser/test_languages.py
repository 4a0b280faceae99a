"""Each persona's main pages in every language: no English left outside people's own content.

A visitor and every demo persona choose each language with the switcher in the page header, then
read their dashboard and the main page of their area (the visitor: the home page and the
catalogue search). What is left in English is found two ways:

- a visible text (or a `placeholder`, `aria-label`, `title`, `alt`, a button's value) equal to
  an English message of the catalogue whose translation differs from it: a string marked for
  translation that the page did not translate;
- a visible text holding common English function words ("the", "your", "of the"...): a string
  never marked for translation.

People's own content (dataset titles and descriptions, call texts, proposal titles, comments,
names, organisation names...) is written in whatever language its author chose: templates mark
where they render it with `data-people-content` (or `translate="no"`), and both checks skip it.
So do they the labels of controlled vocabularies (DUO, DICOM modalities, the EUCAIM lists),
marked `data-vocabulary-term`: those terms are not translated yet, and are shown as the
vocabularies publish them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings

from governance.core.demo import DEMO_TOTP_SECRET
from tests.browser.pages import check_page, log_in, visit

pytestmark = pytest.mark.browser

LANGUAGES = ("es", "fr", "de", "it")

# persona (None: a visitor), needs a second factor, the main page of their area
PERSONAS = [
    (None, False, "/catalogue/"),
    ("admin", True, "/audit/"),
    ("applicant", False, "/calls/proposals/"),
    ("evaluator1", False, "/reviews/"),
    ("chair", True, "/calls/proposals/"),
    ("holder", False, "/catalogue/mine/"),
    ("committee", True, "/access/requests/"),
    ("researcher", False, "/access/requests/"),
    ("patientorg", False, "/engagement/consultations/"),
]

# Words an English sentence can hardly do without, and none of the four other languages uses.
ENGLISH_WORDS = re.compile(
    r"\b(the|your|you|and|of|with|this|these|that|which|there|been|has|have|are|is|"
    r"will|would|could|should|can't|don't|isn't|from|into|for|by|to|or|not|no one)\b",
    re.IGNORECASE,
)

# The texts a person reads on the page: visible text nodes, and the attributes that a screen
# reader or a tooltip reads out, outside people's own content. Each is [kind, text].
READ_TEXTS = """
() => {
  const skipped = "[data-people-content], [translate='no'], [data-vocabulary-term], "
    + "script, style, noscript, template";
  const visible = (element) => {
    if (!element.checkVisibility({ visibilityProperty: true })) {
      // Text for screen readers only (.visually-hidden) is read out all the same.
      return element.closest(".visually-hidden") !== null
        && element.closest("[hidden], [aria-hidden='true']") === null;
    }
    return true;
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !parent || parent.closest(skipped) || !visible(parent)) continue;
    found.push(["text", text]);
  }
  const attributes = ["placeholder", "aria-label", "title", "alt"];
  for (const element of document.querySelectorAll("*")) {
    if (element.closest(skipped)) continue;
    for (const name of attributes) {
      const value = (element.getAttribute(name) || "").replace(/\\s+/g, " ").trim();
      if (value) found.push([name, value]);
    }
    if (element.matches("input[type=submit], input[type=button]") && element.value) {
      found.push(["value", element.value.trim()]);
    }
  }
  const title = document.title.replace(/\\s+/g, " ").trim();
  if (title) found.push(["title", title]);
  return found;
}
"""


@cache
def untranslated_if_seen(language: str) -> frozenset[str]:
    """The catalogue's English messages that, in this language, read otherwise; a message whose
    English text is also how this language says something is left out."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    english: set[str] = set()
    translations: set[str] = set()
    for entry in po:
        if entry.obsolete:
            continue
        forms = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        translations.update(normalise(form) for form in forms if form)
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if normalise(msgid) not in {normalise(form) for form in forms}:
                english.add(normalise(msgid))
    return frozenset(english - translations)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def english_left(page, language: str) -> list[str]:
    messages = untranslated_if_seen(language)
    found = []
    for kind, text in page.evaluate(READ_TEXTS):
        words = ENGLISH_WORDS.findall(text)
        if text in messages:
            found.append(f"{kind} {text!r} (an English message)")
        elif words and _reads_english(words):
            found.append(f"{kind} {text!r} (English words: {', '.join(sorted(set(words)))})")
    return sorted(set(found))


def _reads_english(words: list[str]) -> bool:
    # One short word may be a code or an abbreviation ("OR", "to" in a URL); an English phrase
    # has a longer one or two of them.
    return len(words) >= 2 or any(len(word) >= 3 for word in words)


def choose_language(page, language: str) -> None:
    """Choose the language with the switcher in the header, as a person does."""
    switcher = page.locator(".language-switcher")
    switcher.locator("select").select_option(language)
    switcher.locator("button[type=submit]").click()
    check_page(page)
    assert page.locator("html").get_attribute("lang") == language


def path_in(language: str, path: str) -> str:
    return f"/{language}{path}"


@pytest.mark.parametrize(
    ("persona", "needs_mfa", "area_path"),
    PERSONAS,
    ids=[p[0] or "visitor" for p in PERSONAS],
)
def test_main_pages_show_no_english_in_other_languages(page, demo, persona, needs_mfa, area_path):
    if persona is None:
        visit(page, "/")
        first_path = "/"
    else:
        log_in(page, f"{persona}@demo.example", totp_secret=DEMO_TOTP_SECRET if needs_mfa else None)
        first_path = "/dashboard/"
        visit(page, first_path)
    pages = [first_path, area_path]

    problems: list[str] = []
    for language in LANGUAGES:
        # The switcher stays on the page it is on: read that one, then the other.
        here, there = pages
        choose_language(page, language)
        problems += [f"{language} {here}: {text}" for text in english_left(page, language)]
        visit(page, path_in(language, there))
        problems += [f"{language} {there}: {text}" for text in english_left(page, language)]
        pages.reverse()

    assert not problems, f"English left for {persona or 'a visitor'}:\n" + "\n".join(problems)
    if persona is not None:  # the switcher keeps the choice on the account, for emails too
        person = demo[f"person.{persona}"]
        person.refresh_from_db()
        assert person.language == LANGUAGES[-1]
