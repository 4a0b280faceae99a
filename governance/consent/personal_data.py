"""What the consent context holds about a portal user (not about subjects: they are pseudonyms).

A data holder is named as the author of consent-form versions and as the person who recorded a
withdrawal. Both are kept on erasure (they are part of the accountability the consent record
needs) and keep pointing at the pseudonymised person; the export lists them.
"""

from __future__ import annotations

from typing import Any

from governance.consent.models import ConsentForm, ConsentWithdrawal


def export(person) -> dict[str, Any]:
    return {
        "consent_forms_written": [
            {"code": form.code, "version": form.version, "title": form.title}
            for form in ConsentForm.objects.filter(created_by=person).order_by("code", "version")
        ],
        "consent_withdrawals_recorded": [
            {"dataset": w.record.dataset_id, "withdrawn_on": w.withdrawn_on, "at": w.recorded_at}
            for w in ConsentWithdrawal.objects.filter(recorded_by=person).select_related("record")
        ],
    }


def erase(person) -> None:
    """Nothing to delete: see the module's docstring."""
