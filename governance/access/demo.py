"""Demo access committee and requests (SPEC section 6).

The "MOIR Data Access Committee" of the holder's repository covers all its datasets, with
committee@ as chair (the chair decides). The researcher has one request approved through the
services, for the lung dataset (HMB with IRB and PUB: compatible with a commercial, for-profit
purpose), and one submitted request waiting for the committee. Requests are found by title.

Uses: `org.repository`, `person.committee`, `person.researcher`, `org.ai_company`,
`dataset.<slug>`. Puts: `committee.moir`, `access_request.approved`, `access_request.pending`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance.access import services
from governance.access.models import AccessRequest, Committee, CommitteeMember
from governance.catalogue.demo import COMMITTEE, CONTACT, DATASETS
from governance.catalogue.models import AccessCondition, DuoTerm
from governance.core.demo import DemoContext

APPROVED_TITLE = "Lung nodule malignancy prediction with deep learning"
PENDING_TITLE = "Automated liver-metastasis detection in colorectal cancer CT"


def seed(context: DemoContext) -> None:
    repository = context["org.repository"]
    chair = context["person.committee"]
    committee, created = Committee.objects.get_or_create(
        name=COMMITTEE,
        defaults={
            "organisation": repository,
            "contact_email": CONTACT,
            "decision_rule": Committee.DecisionRule.CHAIR,
            "quorum": 1,
            "reminder_days": 7,
        },
    )
    context.tally("access committees", created)
    committee.datasets.add(*[context[f"dataset.{spec.slug}"] for spec in DATASETS])
    _, created = CommitteeMember.objects.get_or_create(
        committee=committee, person=chair, defaults={"is_chair": True}
    )
    context.tally("committee members", created)
    context["committee.moir"] = committee

    researcher = context["person.researcher"]
    company = context["org.ai_company"]
    approved = AccessRequest.objects.filter(researcher=researcher, title=APPROVED_TITLE).first()
    context.tally("access requests", approved is None)
    if approved is None:
        approved = _request(
            researcher,
            company,
            APPROVED_TITLE,
            context["dataset.lung"],
            "download",
            lay_summary=(
                "We teach a computer program to tell harmless lung spots on CT scans from "
                "cancerous ones, so that fewer patients need a biopsy."
            ),
            abstract=(
                "Training and external validation of a 3D convolutional network for "
                "malignancy prediction of pulmonary nodules on staging CT, with PET-CT as "
                "reference where available."
            ),
        )
        services.request_submit(actor=researcher, request=approved)
        item = approved.items.get()
        services.item_decide(
            actor=chair,
            item=item,
            outcome="approved",
            reasons=(
                "Health research within the dataset's permission; the ethics approval and the "
                "publication plan meet its IRB and PUB conditions."
            ),
        )
        approved.refresh_from_db()
    context["access_request.approved"] = approved

    pending = AccessRequest.objects.filter(researcher=researcher, title=PENDING_TITLE).first()
    context.tally("access requests", pending is None)
    if pending is None:
        pending = _request(
            researcher,
            company,
            PENDING_TITLE,
            context["dataset.colorectal"],
            "download",
            lay_summary=(
                "We build software that spots cancer that has spread to the liver on CT scans, "
                "to help radiologists find it earlier."
            ),
            abstract=(
                "Development of a detection model for colorectal liver metastases on "
                "contrast-enhanced portal-venous CT, evaluated against follow-up outcomes."
            ),
        )
        services.request_submit(actor=researcher, request=pending)
        pending.refresh_from_db()
    context["access_request.pending"] = pending


def _request(researcher, company, title, dataset, condition, *, lay_summary, abstract):
    today = timezone.localdate()
    return services.request_create(
        actor=researcher,
        organisation=company,
        data={
            "title": title,
            "lay_summary": lay_summary,
            "scientific_abstract": abstract,
            "purpose": DuoTerm.objects.get(shorthand="HMB"),
            "commercial": True,
            "for_profit": company.is_for_profit,
            "method_development": True,
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=365),
            "team": [
                {
                    "name": researcher.full_name,
                    "email": researcher.email,
                    "role": "Principal investigator",
                },
                {
                    "name": "Lena Wagner",
                    "email": "lena.wagner@radiomics.example",
                    "role": "Data scientist",
                },
            ],
            "public_register_consent": True,
        },
        items=[
            {"dataset": dataset, "access_condition": AccessCondition.objects.get(code=condition)}
        ],
    )
