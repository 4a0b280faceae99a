from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from governance.accounts import selectors


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"memberships": selectors.memberships_of(request.user)},
    )
