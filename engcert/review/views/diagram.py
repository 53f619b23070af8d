"""The state diagram page for staff: the transition table drawn as it is enforced."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from engcert.accounts.models import User
from engcert.organisations.selectors import societies_where_staff
from engcert.review.diagram import state_diagram


@login_required
def state_diagram_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # A staff page like the others: people who are staff nowhere learn nothing of it.
    if not societies_where_staff(user=user).exists():
        raise Http404
    return render(request, "review/diagram.html", {"diagram": state_diagram()})
