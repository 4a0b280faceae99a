"""Demo consent (SPEC section 6): the repository's consent form in use, records across two of its
datasets (imported from CSV, as a holder would) and one withdrawal.

Uses from the context: `org.repository`, `person.holder`, `dataset.breast`, `dataset.lung`.
Puts `consent_form.repository` and `consent_record.withdrawn`. A second run changes nothing:
the form is found by its code, the import is idempotent, the withdrawal is made only once.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from governance.catalogue.models import DuoTerm
from governance.consent import importing, services
from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal
from governance.core.demo import DemoContext

FORM_CODE = "moir-imaging-research"
SCOPES = ["all_uses", "all_uses", "non_commercial", "own_disease"]
RECORDS = {"breast": ("MOIR-BR", 24), "lung": ("MOIR-LU", 16)}
WITHDRAWN = ("breast", "MOIR-BR-0007")


def seed(context: DemoContext) -> None:
    holder = context["person.holder"]
    form = _form(context, holder)
    context["consent_form.repository"] = form
    for slug, (prefix, count) in RECORDS.items():
        dataset = context[f"dataset.{slug}"]
        report = importing.import_records(actor=holder, dataset=dataset, file=_csv(prefix, count))
        context.created["consent records"] += report.created
        context.existing["consent records"] += report.unchanged
    slug, pseudonym = WITHDRAWN
    record = ConsentRecord.objects.get(dataset=context[f"dataset.{slug}"], pseudonym=pseudonym)
    context.tally("consent withdrawals", not record.is_withdrawn)
    if not record.is_withdrawn:
        services.record_withdraw(
            actor=holder,
            record=record,
            withdrawn_on=timezone.localdate() - datetime.timedelta(days=40),
            scope=ConsentWithdrawal.Scope.FUTURE_USE,
            reason="The subject no longer wishes to take part in research.",
        )
    context["consent_record.withdrawn"] = record


def _form(context: DemoContext, holder) -> ConsentForm:
    repository = context["org.repository"]
    form = ConsentForm.objects.filter(organisation=repository, code=FORM_CODE).first()
    context.tally("consent forms", form is None)
    if form is not None:
        return form
    form = services.form_create(
        actor=holder,
        organisation=repository,
        data={
            "code": FORM_CODE,
            "title": "Use of your medical images for cancer research",
            "language": "en",
            "duo_permission": DuoTerm.objects.get(shorthand="HMB"),
            "duo_modifiers": list(DuoTerm.objects.filter(shorthand__in=["IRB", "PUB"])),
            "legal_basis": "consent",
            "offers_data_altruism": True,
            "plain_summary": (
                "You allow researchers to use copies of your scans, with your name and other "
                "details removed, for health and cancer research approved by an ethics "
                "committee. Results are published for everyone. You may also allow use for "
                "other purposes of general interest (data altruism). You can withdraw at any "
                "time; your images are then no longer used in new research."
            ),
            "document": ContentFile(_pdf(), name=f"{FORM_CODE}-v1.pdf"),
        },
    )
    return services.form_publish(actor=holder, form=form)


def _csv(prefix: str, count: int) -> io.BytesIO:
    start = datetime.date(2024, 1, 8)
    lines = ["pseudonym,form,form_version,given_on,scope,data_altruism"]
    for number in range(1, count + 1):
        given_on = start + datetime.timedelta(days=9 * number)
        lines.append(
            f"{prefix}-{number:04d},{FORM_CODE},1,{given_on.isoformat()},"
            f"{SCOPES[number % len(SCOPES)]},{'yes' if number % 4 == 0 else 'no'}"
        )
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string=(
            "<h1>Use of your medical images for cancer research</h1>"
            "<p>Consent form, version 1.</p>"
            "<p>I agree that copies of my medical images, with my name and other details "
            "removed, may be used for health and cancer research approved by an ethics "
            "committee. I may withdraw at any time.</p>"
            "<p>Signature: ____________________ Date: __________</p>"
        )
    ).write_pdf()
