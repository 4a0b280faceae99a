"""The scale data's consent forms, records and withdrawals (see core.scale)."""

from __future__ import annotations

import datetime

from governance.consent.models import (
    RECORD_MACHINE,
    ConsentForm,
    ConsentRecord,
    ConsentWithdrawal,
)
from governance.core.scale import Batch

RECORDS_PER_DATASET = 10
PER_SCALE = {
    "consent_records": 10_000,  # ten per dataset, one in twenty withdrawn
    "consent_withdrawals": 500,
}
SCOPES = ("all_uses", "non_commercial", "own_disease")
START = datetime.date(2021, 1, 1)
WITHDRAWN_ON = START + datetime.timedelta(days=1300)


def build(batch: Batch) -> None:
    holders, holder_people = batch.objects["holders"], batch.objects["holder_people"]
    forms = ConsentForm.objects.bulk_create(
        ConsentForm(
            organisation=holder,
            code=f"scale-{batch.tag}",
            title=f"Consent to imaging research ({holder.name})",
            duo_permission_id=batch.objects["permissions"][0],
            plain_summary="Your images may be used for cancer research.",
            document=f"consent/forms/scale-{batch.tag}-{holder.pk}.pdf",  # a name only
            state=ConsentForm.State.PUBLISHED,
            published_at=batch.now - datetime.timedelta(days=400),
        )
        for holder in holders
    )
    form_of = {form.organisation_id: form for form in forms}
    records = ConsentRecord.objects.bulk_create(
        (
            consent_record(batch.tag, dataset, form_of[dataset.custodian.pk], n)
            for index, dataset in enumerate(batch.objects["all_datasets"])
            for n in range(index * RECORDS_PER_DATASET, (index + 1) * RECORDS_PER_DATASET)
        ),
        batch_size=5000,
    )
    withdrawals = ConsentWithdrawal.objects.bulk_create(
        (
            ConsentWithdrawal(
                record=record,
                withdrawn_on=WITHDRAWN_ON,
                scope="future_use",
                reason="The subject asked by letter.",
            )
            for record in records
            if record.status == "withdrawn"
        ),
        batch_size=5000,
    )
    for holder, person in zip(holders, holder_people, strict=True):
        batch.audited(
            actor_id=person.pk,
            action="consent.records_imported",
            obj=holder,
            after={"form": form_of[holder.pk].code, "records": RECORDS_PER_DATASET},
        )
    batch.counts["consent_records"] = len(records)
    batch.counts["consent_withdrawals"] = len(withdrawals)


def consent_record(tag: str, dataset, form: ConsentForm, n: int) -> ConsentRecord:
    """The n-th record of the batch; one in twenty is withdrawn."""
    withdrawn = n % 20 == 19
    return ConsentRecord(
        dataset_id=dataset.pk,
        pseudonym=f"SCALE-{tag}-{n:08d}",
        form=form,
        given_on=START + datetime.timedelta(days=n % 1200),
        scope=SCOPES[n % 3],
        data_altruism=n % 5 == 0,
        status="withdrawn" if withdrawn else "given",
        withdrawn_on=WITHDRAWN_ON if withdrawn else None,
    )


def problems() -> list[str]:
    found = []
    if ConsentRecord.objects.exclude(status__in=RECORD_MACHINE.states).exists():
        found.append("a consent record is in a state the consent record machine lacks")
    if ConsentRecord.objects.filter(status="withdrawn", withdrawal__isnull=True).exists():
        found.append("a withdrawn consent record has no withdrawal")
    return found
