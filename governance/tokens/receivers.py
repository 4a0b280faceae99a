"""Domain events that turn tokens off (run inside the sender's transaction)."""

from __future__ import annotations

from governance.tokens import services


def on_grant_ended(sender, grant, reason: str = "revoked", **kwargs) -> None:
    services.revoke_tokens_for_grant(grant=grant, reason=reason)


def on_dataset_consent_changed(sender, dataset_id: int, pseudonym=None, withdrawal=None, **kwargs):
    services.revoke_tokens_for_dataset(dataset_id=dataset_id, reason="consent changed")
