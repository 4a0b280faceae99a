"""A drafted agreement as the access part leaves it: an approved request whose items were handed
to `agreement_draft_for` (what the `access_items_approved` receiver does)."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass, field

from governance.access.models import AccessRequest, Committee, RequestedDataset
from governance.accounts.models import Organisation, User
from governance.agreements import services
from governance.agreements.models import Agreement
from governance.catalogue.models import AccessCondition, Dataset
from tests.agreements.factories import (
    AccessRequestFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    RequestedDatasetFactory,
)
from tests.catalogue.factories import DatasetFactory, duo, published
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class Setup:
    researcher: User
    holder: User  # the holder organisation's signatory (data_holder)
    holder_org: Organisation
    committee: Committee
    member: User  # a member of that committee
    request: AccessRequest
    items: list[RequestedDataset]
    datasets: list[Dataset]
    agreements: list[Agreement] = field(default_factory=list)

    @property
    def agreement(self) -> Agreement:
        (agreement,) = self.agreements
        agreement.refresh_from_db()
        return agreement


def approved_request(*, datasets: int = 1, draft: bool = True, team=None, tag: str = "") -> Setup:
    """`tag` tells apart the names and addresses of a second setup in the same test."""
    holder_org = OrganisationFactory(name=f"Milan Imaging Repository{tag}", country="IT")
    holder = MembershipFactory(
        role="data_holder",
        organisation=holder_org,
        person__email=f"signatory{tag}@example.org",
        person__full_name="Giulia Signatory",
    ).person
    researcher_org = OrganisationFactory(name=f"Berlin AI Lab{tag}", country="DE")
    researcher = MembershipFactory(
        role="researcher",
        organisation=researcher_org,
        person__email=f"jonas{tag}@example.org",
        person__full_name="Jonas Researcher",
    ).person
    committee = CommitteeFactory(organisation=holder_org, name=f"Milan Data Access Committee{tag}")
    member = CommitteeMemberFactory(committee=committee, person=UserFactory()).person
    made = []
    for number in range(datasets):
        dataset = DatasetFactory(
            custodian=holder_org, title=f"Breast MRI collection {number + 1}{tag}"
        )
        published(
            dataset,
            duo_permission=duo("HMB"),
            access_conditions=list(AccessCondition.objects.filter(code__in=["download"])),
            modifiers=[{"duo_term": duo("IRB")}, {"duo_term": duo("PUB")}],
        )
        committee.datasets.add(dataset)
        made.append(dataset)
    request = AccessRequestFactory(
        researcher=researcher,
        organisation=researcher_org,
        title="Early detection of breast cancer",
        state=AccessRequest.State.APPROVED,
        team=team
        if team is not None
        else [{"name": "Ana Team", "email": "ana@example.org", "role": "radiologist"}],
    )
    items = [
        RequestedDatasetFactory(
            request=request,
            dataset=dataset,
            committee=committee,
            outcome=RequestedDataset.Outcome.APPROVED,
        )
        for dataset in made
    ]
    setup = Setup(researcher, holder, holder_org, committee, member, request, items, made)
    if draft:
        setup.agreements = services.agreement_draft_for(request=request, items=items)
    return setup


def sign(agreement: Agreement, person: User, password: str) -> Agreement:
    return services.agreement_sign(agreement=agreement, actor=person, password=password)


def in_force(setup: Setup, password: str) -> Agreement:
    sign(setup.agreement, setup.researcher, password)
    return sign(setup.agreement, setup.holder, password)


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def stream(response) -> bytes:
    buffer = io.BytesIO()
    for chunk in response.streaming_content if response.streaming else [response.content]:
        buffer.write(chunk)
    return buffer.getvalue()
