"""The staff state diagram is drawn from the transition table: every state, every move, nothing else."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from engcert.applications import transitions
from engcert.applications.enums import FINAL, PUBLIC_LABELS, ApplicationState
from engcert.applications.transitions import REASON_REQUIRED, TRANSITIONS, Actor
from engcert.review.diagram import state_diagram, text_width, wrap

S = ApplicationState
SVG = "{http://www.w3.org/2000/svg}"
URL = "/staff/states/"


def _svg(html: str) -> ET.Element:
    match = re.search(r"<svg\b[^>]*class=\"state-diagram\".*?</svg>", html, re.S)
    assert match, "no inline SVG on the page"
    return ET.fromstring(match.group(0))  # noqa: S314 -- our own page, not untrusted input


def _drawn(world, client=None):
    response = (client or world.client_for(world.staff)).get(URL)
    assert response.status_code == 200
    return _svg(response.content.decode())


def _states(svg: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-state"): g for g in svg.iter(f"{SVG}g") if g.get("data-state")}


def _moves(svg: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {
        (g.get("data-from"), g.get("data-to")): g
        for g in svg.iter(f"{SVG}g")
        if "move" in (g.get("class") or "").split()
    }


def _table_moves() -> dict[tuple[str, str], set[str]]:
    return {
        (source.value, target.value): {a.value for a in actors}
        for source, targets in TRANSITIONS.items()
        for target, actors in targets.items()
    }


def test_every_state_is_drawn_once_with_its_staff_and_applicant_labels(world):
    states = _states(_drawn(world))
    assert set(states) == {s.value for s in S}
    for state in S:
        texts = ["".join(t.itertext()) for t in states[state.value].iter(f"{SVG}text")]
        staff = [
            t
            for t, el in zip(texts, states[state.value].iter(f"{SVG}text"), strict=True)
            if el.get("class") == "staff-label"
        ]
        public = [
            t
            for t, el in zip(texts, states[state.value].iter(f"{SVG}text"), strict=True)
            if el.get("class") == "public-label"
        ]
        assert " ".join(staff) == str(state.label)
        expected_public = "" if PUBLIC_LABELS[state] == state.label else str(PUBLIC_LABELS[state])
        assert " ".join(public) == expected_public


def test_every_move_of_the_table_is_drawn_with_who_may_make_it_and_no_other_move(world):
    moves = _moves(_drawn(world))
    assert {key: set(g.get("data-actors").split()) for key, g in moves.items()} == _table_moves()


def test_moves_that_need_a_reason_are_marked_and_only_those(world):
    moves = _moves(_drawn(world))
    marked = {key for key, g in moves.items() if g.get("data-reason-required") == "true"}
    assert marked == {(s.value, t.value) for s, t in REASON_REQUIRED}
    for key, g in moves.items():
        dashed = g.find(f"{SVG}path").get("stroke-dasharray") is not None
        assert dashed == (key in marked), key


def test_each_arrow_label_names_who_may_make_the_move(world):
    svg = _drawn(world)
    labels = {
        (g.get("data-from"), g.get("data-to")): " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
        for g in svg.iter(f"{SVG}g")
        if "move-label" in (g.get("class") or "").split()
    }
    assert labels[("draft", "submitted")] == "applicant"
    assert labels[("interview_scheduled", "interviewed")] == "staff, examiner"
    assert labels[("public_notice", "notice_passed")] == "staff, automatic"
    assert labels[("with_alliance", "registered")] == "alliance"
    assert set(labels) == set(_table_moves())


def test_final_states_are_styled_apart_and_are_exactly_those_without_a_way_out(world):
    states = _states(_drawn(world))
    final = {name for name, g in states.items() if "state-final" in g.get("class").split()}
    assert final == {s.value for s in FINAL}
    assert {name for name, g in states.items() if "state-start" in g.get("class").split()} == {"draft"}


def test_states_are_layered_by_their_distance_from_a_draft(world):
    states = _states(_drawn(world))
    top = {
        name: float(g.find(f"{SVG}rect").get("y")) + float(g.find(f"{SVG}rect").get("height")) / 2
        for name, g in states.items()
    }
    # Breadth-first distances, computed here independently of the drawing code.
    distance = {"draft": 0}
    frontier = ["draft"]
    while frontier:
        following = []
        for state in frontier:
            for target in TRANSITIONS.get(S(state), {}):
                if target.value not in distance:
                    distance[target.value] = distance[state] + 1
                    following.append(target.value)
        frontier = following
    by_distance: dict[int, set[float]] = {}
    for name, d in distance.items():
        by_distance.setdefault(d, set()).add(round(top[name], 1))
    assert all(len(centres) == 1 for centres in by_distance.values())  # one row per distance
    rows = [next(iter(by_distance[d])) for d in sorted(by_distance)]
    assert rows == sorted(rows)  # further from a draft is lower down


def test_a_move_added_to_the_table_appears_in_the_drawing(world, monkeypatch):
    monkeypatch.setitem(TRANSITIONS, S.REJECTED, {S.RESUBMITTED: frozenset({Actor.ALLIANCE})})
    monkeypatch.setattr(transitions, "REASON_REQUIRED", REASON_REQUIRED | {(S.REJECTED, S.RESUBMITTED)})
    moves = _moves(_drawn(world))
    added = moves[("rejected", "resubmitted")]
    assert added.get("data-actors") == "alliance"
    assert added.get("data-reason-required") == "true"
    assert set(moves) == set(_table_moves())
    # No longer final: it has a way out now.
    assert "state-final" not in _states(_drawn(world))["rejected"].get("class").split()


def test_a_move_taken_out_of_the_table_disappears_from_the_drawing(world, monkeypatch):
    monkeypatch.setitem(TRANSITIONS, S.DRAFT, {S.SUBMITTED: frozenset({Actor.APPLICANT})})
    moves = _moves(_drawn(world))
    assert ("draft", "withdrawn") not in moves
    assert set(moves) == set(_table_moves())


def test_a_state_no_move_reaches_is_still_drawn_and_flagged(world, monkeypatch):
    monkeypatch.setitem(TRANSITIONS, S.DELIBERATION, {S.APPROVED: frozenset({Actor.COMMITTEE})})
    monkeypatch.setitem(TRANSITIONS, S.OBJECTION, {S.PUBLIC_NOTICE: frozenset({Actor.STAFF})})
    # An appeal's upheld refusal leads back to "not approved" too: take that move away as well.
    monkeypatch.setitem(TRANSITIONS, S.UNDER_APPEAL, {S.REJECTED: frozenset({Actor.STAFF})})
    states = _states(_drawn(world))
    assert "state-unreachable" in states["not_approved"].get("class").split()
    assert "state-unreachable" not in states["approved"].get("class").split()


def test_the_page_reads_in_chinese_by_default_and_in_english_when_chosen(world):
    client = world.client_for(world.staff)
    with translation.override("zh-hans"):
        draft = str(S.DRAFT.label)
    assert draft != "Draft"
    client.cookies["django_language"] = "zh-hans"
    states = _states(_svg(client.get(URL).content.decode()))
    assert "".join(states["draft"].find(f"{SVG}text").itertext()) == draft
    client.cookies["django_language"] = "en"
    states = _states(_svg(client.get(URL).content.decode()))
    assert "".join(states["draft"].find(f"{SVG}text").itertext()) == "Draft"


def test_the_list_of_moves_under_the_drawing_has_one_row_per_move(world):
    html = world.client_for(world.staff).get(URL).content.decode()
    table = html.split('id="moves-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") - 1 == len(_table_moves())


def test_the_staff_workspace_links_to_the_diagram(world):
    html = world.client_for(world.staff).get(f"/staff/{world.society.code}/batches/").content.decode()
    assert f'href="{URL}"' in html


# Who may see it


@pytest.mark.parametrize(
    "persona", ["applicant", "outsider", "examiner", "committee", "reviewer", "unit_admin"]
)
def test_people_who_are_not_staff_anywhere_get_not_found(world, persona):
    assert world.client_for(getattr(world, persona)).get(URL).status_code == 404


def test_staff_of_another_society_see_the_same_diagram(world, other_society_staff):
    assert set(_states(_drawn(world, world.client_for(other_society_staff)))) == {s.value for s in S}


def test_a_visitor_is_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The text fitting that keeps labels inside their boxes


def test_long_labels_wrap_to_the_width_in_both_scripts():
    assert wrap("With the alliance for verification", 180, 14) == ["With the alliance for", "verification"]
    assert all(text_width(line, 14) <= 180 for line in wrap("联合体正在办理注册备案手续并核实材料", 100, 14))
    assert (
        "".join(wrap("联合体正在办理注册备案手续并核实材料", 100, 14))
        == "联合体正在办理注册备案手续并核实材料"
    )


def test_the_layout_keeps_states_from_overlapping():
    diagram = state_diagram()
    boxes = [(n.x, n.y, n.x + n.width, n.y + n.height) for n in diagram.nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert a[0] >= 0 and a[2] <= diagram.width and a[1] >= 0 and a[3] <= diagram.height
