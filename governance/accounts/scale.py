"""The scale data's organisations across countries and their people (see core.scale)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from governance.accounts.models import Membership, Organisation, User
from governance.accounts.roles import ProviderType, Role
from governance.core.scale import COUNTRIES, SCALE_PASSWORD, Batch

HOLDERS = 20
APPLICANTS = 40
EVALUATORS = 28
CALL_CHAIRS = 2
COMMITTEE_MEMBERS = 20
RESEARCHERS = 40
COMMITTEE_SIZE = 4

PER_SCALE = {
    "organisations": HOLDERS + APPLICANTS,
    # a member of each organisation, evaluators, call chairs, committee members, researchers
    "people": HOLDERS + APPLICANTS + EVALUATORS + CALL_CHAIRS + COMMITTEE_MEMBERS + RESEARCHERS,
}


def build(batch: Batch) -> None:
    n, tag = batch.scale, batch.tag
    holders = [
        Organisation(
            name=f"Scale hospital {tag}-{i}",
            country=COUNTRIES[i % len(COUNTRIES)],
            provider_type=ProviderType.CLINICAL_CENTRE
            if i % 3
            else ProviderType.RESEARCH_REPOSITORY,
        )
        for i in range(HOLDERS * n)
    ]
    applicants = [
        Organisation(
            name=f"Scale institute {tag}-{i}",
            country=COUNTRIES[(i * 5) % len(COUNTRIES)],
            provider_type=ProviderType.UNIVERSITY if i % 4 else ProviderType.AI_DEVELOPER,
            is_for_profit=i % 4 == 0,
        )
        for i in range(APPLICANTS * n)
    ]
    Organisation.objects.bulk_create(holders + applicants, batch_size=1000)
    password = make_password(SCALE_PASSWORD)  # hashed once: hashing per person would dominate

    def people(kind: str, count: int) -> list[User]:
        return [
            User(
                email=f"{kind}-{tag}-{i}@scale.example",
                full_name=f"Scale {kind} {i}",
                password=password,
            )
            for i in range(count)
        ]

    made = {
        "holder_people": people("holder", len(holders)),
        "applicant_people": people("applicant", len(applicants)),
        "evaluators": people("evaluator", EVALUATORS * n),
        "call_chairs": people("chair", CALL_CHAIRS * n),
        "committee": people("committee", COMMITTEE_MEMBERS * n),
        "researchers": people("researcher", RESEARCHERS * n),
    }
    User.objects.bulk_create([p for group in made.values() for p in group], batch_size=1000)

    def member(person: User, organisation: Organisation, role: str) -> Membership:
        return Membership(person=person, organisation=organisation, role=role)

    Membership.objects.bulk_create(
        [
            *(
                member(p, o, Role.DATA_HOLDER)
                for p, o in zip(made["holder_people"], holders, strict=True)
            ),
            *(
                member(p, o, Role.APPLICANT)
                for p, o in zip(made["applicant_people"], applicants, strict=True)
            ),
            *(
                member(p, applicants[i % len(applicants)], Role.EVALUATOR)
                for i, p in enumerate(made["evaluators"])
            ),
            *(member(p, holders[0], Role.CALL_CHAIR) for p in made["call_chairs"]),
            *(
                member(
                    p,
                    holders[i % len(holders)],
                    Role.COMMITTEE_CHAIR if i % COMMITTEE_SIZE == 0 else Role.COMMITTEE_MEMBER,
                )
                for i, p in enumerate(made["committee"])
            ),
            *(
                member(p, applicants[i % len(applicants)], Role.RESEARCHER)
                for i, p in enumerate(made["researchers"])
            ),
        ],
        batch_size=2000,
    )
    batch.objects |= {"holders": holders, "applicants": applicants, **made}
    batch.counts["organisations"] = len(holders) + len(applicants)
    batch.counts["people"] = sum(len(group) for group in made.values())
