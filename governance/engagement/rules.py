"""Who may do what in engagement; used by the pages, the API and the exports.

- Staff see every survey's results in full (free text, small groups, exports of the answers).
- Everyone else, visitors too, sees a survey's results once they are published, with small
  groups suppressed.
"""

from __future__ import annotations

import rules

from governance.accounts import selectors as accounts
from governance.engagement.models import Survey


@rules.predicate
def is_staff(person) -> bool:
    return accounts.is_portal_staff(person)


@rules.predicate
def results_published(person, survey) -> bool:
    return survey is not None and survey.state == Survey.State.RESULTS_PUBLISHED


# Whether the survey's results can be read at all (404 otherwise: they do not exist yet for them).
rules.add_perm("engagement.see_results", is_staff | results_published)
# The results without suppression, the free-text answers and the exports of every response.
rules.add_perm("engagement.see_every_answer", is_staff)
# Planning and changing events (the pages' event form and the API's create and update).
rules.add_perm("engagement.change_event", is_staff)
