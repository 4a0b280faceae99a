"""The one permission class of the API: it asks the apps' rules, nothing else checks roles.

A viewset names, per action, the rule (a `rules` permission, `"calls.configure_call"`) that the
person must pass, or one of two markers:

    action_rules = {
        "list": ANYONE,                      # visitors too; the queryset says what they see
        "retrieve": ANYONE,
        "create": "calls.create_call",       # asked without an object, before the body is read
        "update": "calls.configure_call",    # asked with the object, after the queryset found it
        "submit": "calls.submit_proposal",
        "mine": SIGNED_IN,                   # any signed-in person; the queryset narrows
        "comments": {"get": SIGNED_IN, "post": "access.comment"},  # one rule per method
    }

Which objects a person may see at all is the queryset's (one selector per aggregate): an object
outside it is 404, so ids leak nothing. A rule refused on a visible object is 403, and a visitor
refused anything is 401. The rule is asked before the body is validated, so that a person
without the right never learns from a 400 what the body should have held.

A viewset without `action_rules`, or an action missing from it, is a configuration error, so
that a new endpoint cannot escape the rules; `tests/api/test_permissions.py` checks that every
viewset of the router declares `action_rules` naming a rule for each of its actions, and that
none overrides the permission classes. The class is the API's default
(`DEFAULT_PERMISSION_CLASSES`); only the protocol endpoints that are not part of the REST API
(OAuth, the GA4GH permissions, the schema) have their own.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission

from governance.api.language import follow_account
from governance.core.permissions import REFUSED, may, refusal

ANYONE = "anyone"
SIGNED_IN = "signed-in"


def _signed_in(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


class RulesPermission(BasePermission):
    message: object = (
        REFUSED  # DRF makes one instance per request: a refusal names its rule's reason
    )

    def _rule(self, view) -> str | None:
        declared = getattr(view, "action_rules", None)
        if declared is None:
            raise ImproperlyConfigured(
                f"{type(view).__name__} declares no action_rules: name the rule of each action"
            )
        if not hasattr(view, "action"):
            # A plain APIView names its rules by HTTP method ("get", "post").
            method = view.request.method.lower()
            if method not in declared and method not in ("head", "options"):
                raise ImproperlyConfigured(
                    f"{type(view).__name__}.action_rules names no rule for {method.upper()}"
                )
            return declared.get(method, declared.get("get"))
        action = view.action
        if action is None:  # a method the viewset does not offer: 405 follows
            return None
        if action not in declared:
            raise ImproperlyConfigured(
                f"{type(view).__name__}.action_rules names no rule for the {action!r} action"
            )
        rule = declared[action]
        if isinstance(rule, dict):  # an action answering several methods names one rule each
            return rule.get(view.request.method.lower())
        return rule

    def has_permission(self, request, view) -> bool:
        # The first step of every viewset once DRF knows the caller: answer in their language.
        follow_account(request)
        rule = self._rule(view)
        if rule is None or rule == ANYONE:
            return True
        if not _signed_in(request):
            return False
        if rule == SIGNED_IN or getattr(view, "detail", False):
            return True  # the object's rule is asked in has_object_permission
        return self._ask(request.user, rule)

    def _ask(self, person, rule: str, obj=None) -> bool:
        if may(person, rule, obj):
            return True
        self.message = refusal(rule)
        return False

    def has_object_permission(self, request, view, obj) -> bool:
        rule = self._rule(view)
        if rule is None or rule in (ANYONE, SIGNED_IN):
            return True
        return self._ask(request.user, rule, obj)


def allowed_actions(person, obj, action_rules: dict) -> list[str]:
    """The actions of `action_rules` whose rule the person passes on `obj` (for pages and API)."""

    def passes(rule) -> bool:
        if isinstance(rule, dict):  # the acting method's rule
            rule = next(rule[m] for m in ("post", "put", "patch", "delete", "get") if m in rule)
        if rule == ANYONE:
            return True
        if rule == SIGNED_IN:
            return person.is_authenticated
        return may(person, rule, obj)

    return [action for action, rule in action_rules.items() if passes(rule)]
