"""The scheduler's reasons in words: a finding is stored as a code and its numbers and names,
and put into the reader's language when shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext


def _names(params: dict[str, Any]) -> str:
    names = pgettext("list separator", ", ").join(params.get("names", []))
    more = int(params.get("more", 0))
    if more:
        names += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
    return names


def _no_candidates(p: dict[str, Any]) -> str:
    return _("No candidate is waiting for an interview among those chosen.")


def _no_days(p: dict[str, Any]) -> str:
    return _("No interview day: no date between the first and last day falls on a chosen weekday.")


def _no_rooms(p: dict[str, Any]) -> str:
    return _("No room or online meeting is free on any day from %(first)s to %(last)s.") % p


def _no_panel_days(p: dict[str, Any]) -> str:
    return (
        _(
            "On no day from %(first)s to %(last)s are %(panel_size)d examiners free to sit together "
            "(at most %(most)d on one day). Ask examiners for more available days or choose other dates."
        )
        % p
    )


def _too_long(p: dict[str, Any]) -> str:
    return _("These interviews are longer than the interview day (%(minutes)s minutes): %(names)s.") % {
        "minutes": p["minutes"],
        "names": _names(p),
    }


def _no_field(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)d candidate has no professional field, so no panel can be matched: %(names)s.",
        "%(count)d candidates have no professional field, so no panel can be matched: %(names)s.",
        p["count"],
    ) % {"count": p["count"], "names": _names(p)}


def _no_examiner(p: dict[str, Any]) -> str:
    return ngettext(
        "Nobody in the pool who is free on these days examines %(field)s, needed by %(count)d candidate: %(names)s.",
        "Nobody in the pool who is free on these days examines %(field)s, needed by %(count)d candidates: %(names)s.",
        p["count"],
    ) % {"field": p["discipline"], "count": p["count"], "names": _names(p)}


def _all_conflicted(p: dict[str, Any]) -> str:
    return ngettext(
        "Every examiner of %(field)s has a conflict of interest with %(count)d candidate: %(names)s.",
        "Every examiner of %(field)s has a conflict of interest with each of %(count)d candidates: %(names)s.",
        p["count"],
    ) % {"field": p["discipline"], "count": p["count"], "names": _names(p)}


def _no_day(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)d candidate cannot come on any day on which a panel free of conflicts with them, "
        "with an examiner of their field, can sit: %(names)s.",
        "%(count)d candidates cannot come on any day on which a panel free of conflicts with them, "
        "with an examiner of their field, can sit: %(names)s.",
        p["count"],
    ) % {"count": p["count"], "names": _names(p)}


def _capacity(p: dict[str, Any]) -> str:
    return (
        _(
            "The days chosen hold at most about %(possible)d interviews (%(sessions)d panel sittings on "
            "%(days)d days, %(per_day)d interviews each; %(room_days)d room-days and %(examiner_days)d "
            "examiner-days available, %(panel_size)d examiners a panel), but %(candidates)d candidates need one. "
            "Add days, rooms or examiners' available days."
        )
        % p
    )


def _field_capacity(p: dict[str, Any]) -> str:
    return _(
        "Only %(possible)d interviews in %(field)s fit on these days (%(examiners)d examiners of the "
        "field, one panel each a day), but %(candidates)d candidates need one."
    ) % {
        "possible": p["possible"],
        "field": p["discipline"],
        "examiners": p["examiners"],
        "candidates": p["candidates"],
    }


def _unplaced(p: dict[str, Any]) -> str:
    return ngettext(
        "No arrangement fits %(count)d candidate in together with the others: %(names)s. A panel's "
        "chair examines the field of each of its candidates, so candidates of different fields "
        "often need separate rooms. Add days, rooms or examiners, or schedule them separately.",
        "No arrangement fits %(count)d candidates in together with the others: %(names)s. A panel's "
        "chair examines the field of each of its candidates, so candidates of different fields "
        "often need separate rooms. Add days, rooms or examiners, or schedule them separately.",
        p["count"],
    ) % {"count": p["count"], "names": _names(p)}


def _no_arrangement(p: dict[str, Any]) -> str:
    return _(
        "Each candidate can be placed on their own, but not all of them at once: the rooms, the "
        "examiners' days and the conflicts of interest together leave too little room. Add days, "
        "rooms or examiners."
    )


def _timeout(p: dict[str, Any]) -> str:
    return (
        _(
            "The solver found no schedule within %(seconds)s seconds. Try again with more days or rooms, "
            "or schedule fewer candidates at once."
        )
        % p
    )


MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "no_candidates": _no_candidates,
    "no_days": _no_days,
    "no_rooms": _no_rooms,
    "no_panel_days": _no_panel_days,
    "interview_too_long": _too_long,
    "no_field": _no_field,
    "no_discipline_examiner": _no_examiner,
    "all_examiners_conflicted": _all_conflicted,
    "no_workable_day": _no_day,
    "capacity": _capacity,
    "discipline_capacity": _field_capacity,
    "unplaced": _unplaced,
    "no_arrangement": _no_arrangement,
    "timeout": _timeout,
}


def finding_message(*, code: str, params: dict[str, Any]) -> str:
    render = MESSAGES.get(code)
    if render is None:
        return code
    return render(params)
