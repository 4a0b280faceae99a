"""What the agreements context does when other contexts announce something."""

from __future__ import annotations

from django.dispatch import receiver

from governance.core.events import access_items_approved


@receiver(access_items_approved, dispatch_uid="agreements.draft_on_approval")
def draft_agreements(sender, request, items, actor=None, **kwargs) -> None:
    """A committee approved datasets: draft the data-use agreement(s) for them."""
    from governance.agreements.services import agreement_draft_for

    agreement_draft_for(request=request, items=items, actor=actor)
