"""How complete each shipped translation catalogue is, and whether it is up to date with the code.

`make messages-check` runs this. For every language of `LANGUAGES` but English it counts the
messages of `locale/<lang>/LC_MESSAGES/django.po`, the untranslated and the fuzzy ones, and
(with `--up-to-date`) runs `makemessages`, putting the catalogue back afterwards, to list the
messages the code has and the catalogue lacks, or the catalogue keeps and the code no longer
has. Exit status 1 when a catalogue is incomplete or out of date; `--report` only prints.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
IGNORED = (".venv/*", "staticfiles/*", "bench/*", "tests/*")


def languages() -> list[str]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_DEBUG", "1")
    import django
    from django.conf import settings

    django.setup()
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def counts(po: polib.POFile) -> dict[str, int]:
    live = [entry for entry in po if not entry.obsolete]
    return {
        "messages": len(live),
        "untranslated": len(po.untranslated_entries()),
        "fuzzy": len(po.fuzzy_entries()),
    }


def drift(language: str) -> tuple[set[str], set[str]]:
    """(messages the code has and the catalogue lacks, messages only the catalogue has)."""
    catalogue = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    kept_text = catalogue.read_bytes()
    command = [sys.executable, "manage.py", "makemessages", "--locale", language, "--no-obsolete"]
    command += [arg for pattern in IGNORED for arg in ("--ignore", pattern)]
    try:  # makemessages rewrites the catalogue in place: it is put back as it was
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
        fresh = {entry.msgid for entry in polib.pofile(str(catalogue))}
    finally:
        catalogue.write_bytes(kept_text)
    kept = {entry.msgid for entry in polib.pofile(str(catalogue)) if not entry.obsolete}
    return fresh - kept, kept - fresh


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--up-to-date", action="store_true", help="also compare with the code")
    parser.add_argument("--report", action="store_true", help="print only; exit 0")
    args = parser.parse_args()
    failed = False
    print(f"{'language':<10}{'messages':>10}{'untranslated':>14}{'fuzzy':>8}")
    for language in languages():
        path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        if not path.exists():
            print(f"{language:<10}{'no catalogue':>32}")
            failed = True
            continue
        found = counts(polib.pofile(str(path)))
        print(
            f"{language:<10}{found['messages']:>10}{found['untranslated']:>14}{found['fuzzy']:>8}"
        )
        failed |= bool(found["untranslated"] or found["fuzzy"])
        if args.up_to_date:
            missing, stale = drift(language)
            for msgid in sorted(missing)[:20]:
                print(f"  not in the catalogue yet: {msgid[:90]!r}")
            for msgid in sorted(stale)[:20]:
                print(f"  no longer in the code: {msgid[:90]!r}")
            if missing or stale:
                print(f"  {language}: {len(missing)} new, {len(stale)} gone: run `make messages`")
                failed = True
    return 0 if args.report else int(failed)


if __name__ == "__main__":
    sys.exit(main())
