from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Hooks for django-allauth; sign-up stays open to anyone with a verified email address."""
