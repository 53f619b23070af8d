"""The life of an application drawn from the transition table itself, so the picture cannot drift.

`state_diagram()` reads `engcert.applications.transitions` when it is called and lays the
states out in layers by their distance from a draft (top to bottom), each move an arrow
labelled with who may make it. The template only draws what this module computed; nothing
here knows what the states mean beyond the table, the final-state group and the labels.

Layout, in short:
- layers: breadth-first distance from the draft; states no move reaches go in a last layer;
- columns: each state takes the free column nearest to its predecessors', the states that
  lead furthest taking the middle first, final states preferring the right side;
- arrows: to the next layer down, a curve through the gap between the two layers; to the
  layer just above, a curve the other way through the same gap; within a layer to a
  neighbour, a straight line; anything longer runs along a lane beside the columns;
- labels: at the first point along their arrow where they overlap nothing already drawn.

Text width is estimated (a CJK character one em, other characters a little over half an em):
there is no font metrics on the server, and the estimate only has to keep boxes roomy.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_stubs_ext import StrPromise

from engcert.applications import transitions as table
from engcert.applications.enums import PUBLIC_LABELS, ApplicationState
from engcert.applications.transitions import Actor

S = ApplicationState

# Who may make a move, in the words of the staff who read the diagram; the order is the
# order the label lists them in, and the first one listed gives the arrow its colour.
ACTOR_LABELS: dict[Actor, StrPromise] = {
    Actor.APPLICANT: _("applicant"),
    Actor.STAFF: _("staff"),
    Actor.EXAMINER: _("examiner"),
    Actor.COMMITTEE: _("committee"),
    Actor.ALLIANCE: _("alliance"),
    Actor.SYSTEM: _("automatic"),
}
ACTOR_COLOURS: dict[Actor, str] = {
    Actor.APPLICANT: "#a15c00",
    Actor.STAFF: "#1d5fa8",
    Actor.EXAMINER: "#7048a8",
    Actor.COMMITTEE: "#1e7b4f",
    Actor.ALLIANCE: "#0b7285",
    Actor.SYSTEM: "#52606d",
}

# Geometry, in CSS pixels.
NODE_WIDTH = 200
COLUMN_GAP = 88
PAD_X = 10
PAD_Y = 9
STAFF_FONT = 14
STAFF_LINE = 18
PUBLIC_FONT = 12
PUBLIC_LINE = 15
LABEL_FONT = 11.5
LABEL_LINE = 14
LABEL_PAD_X = 4
LABEL_PAD_Y = 2
GAP_BASE = 52
GAP_PER_ARROW = 11
TRACK_SPACING = 12
LANE_SPACING = 14
GUTTER_EMPTY = 16
GUTTER_LABEL_ROOM = 64
MARGIN = 12
PORT_SPACING = 18
MAX_LABEL_WIDTH = 150


# -- text ------------------------------------------------------------------------------------------


def _char_width(char: str, size: float) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return size
    if char == " ":
        return size * 0.3
    if char.isupper() or char.isdigit():
        return size * 0.64
    return size * 0.54


def text_width(text: str, size: float) -> float:
    return sum(_char_width(char, size) for char in text)


def _tokens(text: str) -> list[str]:
    """Words of Latin text with their following space; each wide (CJK) character on its own."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            if word:
                tokens.append(word)
                word = ""
            # Closing punctuation stays with the character before it.
            if tokens and unicodedata.category(char) in ("Po", "Pe", "Pf"):
                tokens[-1] += char
            else:
                tokens.append(char)
        elif char == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking at spaces, or between CJK characters, to fit `width`."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if line and text_width((line + token).rstrip(), size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


# -- the drawing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    x: float
    y: float
    text: str


@dataclass
class Node:
    state: ApplicationState
    layer: int
    column: int
    x: float = 0
    y: float = 0
    width: float = NODE_WIDTH
    height: float = 0
    staff_text: list[str] = field(default_factory=list)
    public_text: list[str] = field(default_factory=list)
    staff_lines: list[TextLine] = field(default_factory=list)
    public_lines: list[TextLine] = field(default_factory=list)
    is_start: bool = False
    is_final: bool = False
    unreachable: bool = False

    @property
    def staff_label(self) -> str:
        return str(self.state.label)

    @property
    def public_label(self) -> str:
        return str(PUBLIC_LABELS.get(self.state, ""))

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Edge:
    source: ApplicationState
    target: ApplicationState
    actors: tuple[Actor, ...]
    reason_required: bool
    kind: str = ""  # down, up, across, lane
    side: int = 0  # a lane arrow's side: -1 left, 1 right
    exit_gap: int | None = None  # a lane arrow leaving through the gap below this layer
    enter_gap: int | None = None
    path: str = ""
    label_x: float = 0
    label_y: float = 0
    label_width: float = 0
    label_height: float = 0
    label_lines: list[TextLine] = field(default_factory=list)
    _points: list[tuple[float, float]] = field(default_factory=list, repr=False)

    @property
    def colour(self) -> str:
        return ACTOR_COLOURS[self.actors[0]] if self.actors else ACTOR_COLOURS[Actor.SYSTEM]

    @property
    def marker(self) -> str:
        return f"arrow-{self.actors[0].value if self.actors else 'system'}"

    @property
    def actor_names(self) -> str:
        return pgettext("list separator", ", ").join(str(ACTOR_LABELS[a]) for a in self.actors)

    @property
    def actor_codes(self) -> str:
        return " ".join(a.value for a in self.actors)

    @property
    def source_label(self) -> str:
        return str(self.source.label)

    @property
    def target_label(self) -> str:
        return str(self.target.label)


@dataclass(frozen=True)
class Marker:
    id: str
    colour: str


@dataclass
class Diagram:
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]
    markers: list[Marker]
    legend: list[tuple[str, str]]  # (actor name, colour)


def _ordered_actors(actors: Iterable[Actor]) -> tuple[Actor, ...]:
    given = set(actors)
    return tuple(a for a in ACTOR_LABELS if a in given)


def _layers(
    moves: Mapping[ApplicationState, Mapping[ApplicationState, object]],
) -> dict[ApplicationState, int]:
    """Breadth-first distance from the draft; unreachable states one layer below the rest."""
    layer = {S.DRAFT: 0}
    queue = deque([S.DRAFT])
    while queue:
        state = queue.popleft()
        for target in moves.get(state, {}):
            if target not in layer:
                layer[target] = layer[state] + 1
                queue.append(target)
    last = max(layer.values()) + 1
    for state in S:
        layer.setdefault(state, last)
    return layer


def _reach(
    moves: Mapping[ApplicationState, Mapping[ApplicationState, object]], layer: dict[S, int]
) -> dict[S, int]:
    """How many layers further down a state's forward moves lead (the main road scores highest)."""
    memo: dict[ApplicationState, int] = {}

    def depth(state: ApplicationState) -> int:
        if state not in memo:
            memo[state] = 0
            forward = [t for t in moves.get(state, {}) if layer[t] > layer[state]]
            memo[state] = max((1 + depth(t) for t in forward), default=0)
        return memo[state]

    return {state: depth(state) for state in S}


def _columns(
    moves: Mapping[ApplicationState, Mapping[ApplicationState, object]],
    layer: dict[ApplicationState, int],
) -> tuple[dict[ApplicationState, int], int]:
    by_layer: dict[int, list[ApplicationState]] = {}
    for state in S:  # enum order: the order the states are defined in
        by_layer.setdefault(layer[state], []).append(state)
    count = max(len(states) for states in by_layer.values())
    middle = (count - 1) / 2
    reach = _reach(moves, layer)
    predecessors: dict[ApplicationState, list[ApplicationState]] = {}
    for source, targets in moves.items():
        for target in targets:
            if layer[source] < layer[target]:
                predecessors.setdefault(target, []).append(source)
    column: dict[ApplicationState, int] = {}
    for index in sorted(by_layer):
        states = sorted(by_layer[index], key=lambda s: -reach[s])  # stable: enum order breaks ties
        free = set(range(count))
        for state in states:
            placed = [column[p] for p in predecessors.get(state, []) if p in column]
            wish = sum(placed) / len(placed) if placed else middle
            side = 1 if not moves.get(state) else -1  # ties: final states to the right, others left

            def distance(c: int, wish: float = wish, side: int = side) -> tuple[float, int]:
                return (abs(c - wish), -side * c)

            chosen = min(free, key=distance)
            column[state] = chosen
            free.discard(chosen)
    return column, count


def _node_text(node: Node) -> None:
    width = node.width - 2 * PAD_X
    staff = wrap(node.staff_label, width, STAFF_FONT)
    public = wrap(node.public_label, width, PUBLIC_FONT) if node.public_label != node.staff_label else []
    node.height = 2 * PAD_Y + len(staff) * STAFF_LINE + (len(public) * PUBLIC_LINE + 4 if public else 0)
    node.staff_text, node.public_text = staff, public


def _place_text(node: Node) -> None:
    y = node.y + PAD_Y + STAFF_FONT
    lines: list[TextLine] = []
    for text in node.staff_text:
        lines.append(TextLine(node.cx, y, text))
        y += STAFF_LINE
    node.staff_lines = lines
    y += 4 - STAFF_LINE + PUBLIC_FONT + (STAFF_LINE - STAFF_FONT)
    public: list[TextLine] = []
    for text in node.public_text:
        public.append(TextLine(node.cx, y, text))
        y += PUBLIC_LINE
    node.public_lines = public


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: _Box) -> float:
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        return w * h if w > 0 and h > 0 else 0.0


def _bezier(
    p0: tuple[float, float],
    p1: tuple[float, float],
    p2: tuple[float, float],
    p3: tuple[float, float],
    t: float,
) -> tuple[float, float]:
    u = 1 - t
    return (
        u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
    )


def _polyline_points(points: list[tuple[float, float]], steps: int = 24) -> list[tuple[float, float]]:
    """Evenly spaced points along a polyline (for label candidates)."""
    lengths = [abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in pairwise(points)]
    total = sum(lengths) or 1.0
    samples = []
    for i in range(1, steps):
        target = total * i / steps
        run = 0.0
        for (a, b), length in zip(pairwise(points), lengths, strict=True):
            if run + length >= target and length:
                f = (target - run) / length
                samples.append((a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f))
                break
            run += length
    return samples


def _rounded(points: list[tuple[float, float]], radius: float = 8) -> str:
    """An orthogonal polyline with rounded corners as SVG path data."""
    d = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for prev, corner, nxt in zip(points, points[1:], points[2:], strict=False):

        def toward(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
            dx, dy = b[0] - a[0], b[1] - a[1]
            length = (dx * dx + dy * dy) ** 0.5 or 1.0
            r = min(radius, length / 2)
            return a[0] + dx / length * r, a[1] + dy / length * r

        before = toward(corner, prev)
        after = toward(corner, nxt)
        d.append(f"L{before[0]:.1f},{before[1]:.1f}")
        d.append(f"Q{corner[0]:.1f},{corner[1]:.1f} {after[0]:.1f},{after[1]:.1f}")
    d.append(f"L{points[-1][0]:.1f},{points[-1][1]:.1f}")
    return " ".join(d)


def state_diagram(
    *,
    moves: Mapping[ApplicationState, Mapping[ApplicationState, frozenset[Actor]]] | None = None,
    reason_required: frozenset[tuple[ApplicationState, ApplicationState]] | None = None,
) -> Diagram:
    """Nodes, arrows and labels with their coordinates, in the active language.

    Reads the transition table when called (not when imported), so the page always shows the
    table the transition function enforces.
    """
    layout = _Layout(
        table.TRANSITIONS if moves is None else moves,
        table.REASON_REQUIRED if reason_required is None else reason_required,
    )
    layout.classify()
    layout.assign_lanes()
    layout.place_rows()
    layout.assign_ports()
    layout.route()
    layout.place_labels()
    return layout.diagram()


class _Layout:
    def __init__(
        self,
        moves: Mapping[ApplicationState, Mapping[ApplicationState, frozenset[Actor]]],
        reason_required: frozenset[tuple[ApplicationState, ApplicationState]],
    ) -> None:
        self.layer = _layers(moves)
        self.column, self.columns = _columns(moves, self.layer)
        reached = {S.DRAFT} | {t for targets in moves.values() for t in targets}
        self.nodes = {
            state: Node(
                state=state,
                layer=self.layer[state],
                column=self.column[state],
                is_start=state == S.DRAFT,
                is_final=not moves.get(state),
                unreachable=state not in reached,
            )
            for state in S
        }
        for node in self.nodes.values():
            _node_text(node)
        self.edges = [
            Edge(
                source=source,
                target=target,
                actors=_ordered_actors(actors),
                reason_required=(source, target) in reason_required,
            )
            for source, targets in moves.items()
            for target, actors in targets.items()
            if source != target
        ]
        self.layer_count = max(self.layer.values()) + 1
        self.by_layer: dict[int, list[Node]] = {}
        for node in self.nodes.values():
            self.by_layer.setdefault(node.layer, []).append(node)
        self.lane_edges: dict[int, list[Edge]] = {-1: [], 1: []}
        self.lane_of: dict[int, int] = {}
        self.lanes_used = {-1: 0, 1: 0}
        self.gap_tracks: dict[int, int] = {}  # gap below layer i: horizontal runs of lane arrows
        self.gap_arrows: dict[int, int] = {}  # gap below layer i: arrows curving through it
        self.gap_top: dict[int, float] = {}
        self.gap_height: dict[int, float] = {}
        self.track_next: dict[int, int] = {}
        self.port_x: dict[tuple[int, str], float] = {}
        self.width = 0.0
        self.height = 0.0
        self.column_left = 0.0

    def _ends(self, edge: Edge) -> tuple[Node, Node]:
        return self.nodes[edge.source], self.nodes[edge.target]

    def _clear_to(self, node: Node, side: int) -> bool:
        """No other state of the layer lies between this one and that side's lane."""
        return not any(
            other is not node and (other.column - node.column) * side > 0
            for other in self.by_layer[node.layer]
        )

    def classify(self) -> None:
        """Each arrow's kind; lane arrows get their side and the gaps they run through."""
        middle = (self.columns - 1) / 2
        for edge in self.edges:
            a, b = self._ends(edge)
            if b.layer == a.layer + 1:
                edge.kind = "down"
                self.gap_arrows[a.layer] = self.gap_arrows.get(a.layer, 0) + 1
            elif b.layer == a.layer - 1:
                edge.kind = "up"
                self.gap_arrows[b.layer] = self.gap_arrows.get(b.layer, 0) + 1
            elif b.layer == a.layer and abs(b.column - a.column) == 1:
                edge.kind = "across"
            else:
                edge.kind = "lane"
                mean = (a.column + b.column) / 2
                edge.side = -1 if mean < middle else 1 if mean > middle else (1 if b.is_final else -1)
                self.lane_edges[edge.side].append(edge)
                going_down = b.layer > a.layer
                if not self._clear_to(a, edge.side):
                    # Leave through the gap on the side facing the other end.
                    edge.exit_gap = a.layer if going_down else a.layer - 1
                    self.gap_tracks[edge.exit_gap] = self.gap_tracks.get(edge.exit_gap, 0) + 1
                if not self._clear_to(b, edge.side):
                    edge.enter_gap = b.layer - 1 if going_down else b.layer
                    self.gap_tracks[edge.enter_gap] = self.gap_tracks.get(edge.enter_gap, 0) + 1

    def assign_lanes(self) -> None:
        """Shorter spans nearer the columns, so lane arrows nest instead of crossing."""
        for side, group in self.lane_edges.items():
            taken: list[list[tuple[int, int]]] = []
            for edge in sorted(group, key=lambda e: abs(self.layer[e.source] - self.layer[e.target])):
                low, high = sorted((self.layer[edge.source], self.layer[edge.target]))
                for index, intervals in enumerate(taken):
                    if all(high < lo or low > hi for lo, hi in intervals):
                        intervals.append((low, high))
                        self.lane_of[id(edge)] = index
                        break
                else:
                    taken.append([(low, high)])
                    self.lane_of[id(edge)] = len(taken) - 1
            self.lanes_used[side] = len(taken)

    def _gutter(self, side: int) -> float:
        lanes = self.lanes_used[side]
        return GUTTER_EMPTY if not lanes else lanes * LANE_SPACING + GUTTER_LABEL_ROOM

    @property
    def _columns_right(self) -> float:
        return self.column_left + self.columns * NODE_WIDTH + (self.columns - 1) * COLUMN_GAP

    def place_rows(self) -> None:
        """Each layer as tall as its tallest state; gaps roomy enough for their arrows."""
        self.column_left = MARGIN + self._gutter(-1)
        self.width = self._columns_right + self._gutter(1) + MARGIN
        y: float = MARGIN
        for index in range(self.layer_count):
            row = self.by_layer.get(index, [])
            tallest = max((n.height for n in row), default=0)
            for node in row:
                node.x = self.column_left + node.column * (NODE_WIDTH + COLUMN_GAP)
                node.y = y + (tallest - node.height) / 2
            y += tallest
            if index < self.layer_count - 1:
                self.gap_top[index] = y
                crowd = max(0, self.gap_arrows.get(index, 0) - 1) + self.gap_tracks.get(index, 0)
                self.gap_height[index] = GAP_BASE + crowd * GAP_PER_ARROW
                y += self.gap_height[index]
        self.height = y + MARGIN
        for node in self.nodes.values():
            _place_text(node)

    def assign_ports(self) -> None:
        """Arrows leaving or entering the same side of a state are spread along it."""
        ports: dict[tuple[ApplicationState, str], list[tuple[float, Edge]]] = {}

        def want(node: Node, side: str, edge: Edge, toward: float) -> None:
            ports.setdefault((node.state, side), []).append((toward, edge))

        for edge in self.edges:
            a, b = self._ends(edge)
            if edge.kind == "down":
                want(a, "bottom", edge, b.cx)
                want(b, "top", edge, a.cx)
            elif edge.kind == "up":
                want(a, "top", edge, b.cx)
                want(b, "bottom", edge, a.cx)
            elif edge.kind == "lane":
                far = -1e6 if edge.side < 0 else 1e6
                if edge.exit_gap is not None:
                    want(a, "bottom" if b.layer > a.layer else "top", edge, far)
                if edge.enter_gap is not None:
                    want(b, "top" if b.layer > a.layer else "bottom", edge, far)

        for (state, port_side), wanted in ports.items():
            node = self.nodes[state]
            wanted.sort(key=lambda item: (item[0], item[1].kind != "down"))
            count = len(wanted)
            spacing = min(PORT_SPACING, (node.width - 24) / max(1, count - 1))
            for i, (_toward, edge) in enumerate(wanted):
                end = "source" if edge.source == state else "target"
                self.port_x[(id(edge), f"{port_side}:{end}")] = node.cx + (i - (count - 1) / 2) * spacing

    def _port(self, edge: Edge, side: str, end: str, node: Node) -> float:
        return self.port_x.get((id(edge), f"{side}:{end}"), node.cx)

    def _track_y(self, gap: int) -> float:
        k = self.track_next.get(gap, 0)
        self.track_next[gap] = k + 1
        return self.gap_top[gap] + self.gap_height[gap] * (k + 1) / (self.gap_tracks.get(gap, 0) + 1)

    def route(self) -> None:
        for edge in self.edges:
            if edge.kind in ("down", "up"):
                self._route_curve(edge)
            elif edge.kind == "across":
                self._route_across(edge)
            else:
                self._route_lane(edge)

    def _route_curve(self, edge: Edge) -> None:
        a, b = self._ends(edge)
        if edge.kind == "down":
            p0 = (self._port(edge, "bottom", "source", a), a.bottom)
            p3 = (self._port(edge, "top", "target", b), b.y - 2)
        else:
            p0 = (self._port(edge, "top", "source", a), a.y)
            p3 = (self._port(edge, "bottom", "target", b), b.bottom + 2)
        bend = (p3[1] - p0[1]) / 2
        p1 = (p0[0], p0[1] + bend)
        p2 = (p3[0], p3[1] - bend)
        edge.path = f"M{p0[0]:.1f},{p0[1]:.1f} C{p1[0]:.1f},{p1[1]:.1f} {p2[0]:.1f},{p2[1]:.1f} {p3[0]:.1f},{p3[1]:.1f}"
        edge._points = [_bezier(p0, p1, p2, p3, t / 20) for t in range(2, 19)]

    def _route_across(self, edge: Edge) -> None:
        a, b = self._ends(edge)
        direction = 1 if b.column > a.column else -1
        y_mid = (max(a.y, b.y) + min(a.bottom, b.bottom)) / 2
        x0 = a.x + (a.width if direction > 0 else 0)
        x1 = b.x + (0 if direction > 0 else b.width) - 2 * direction
        edge.path = f"M{x0:.1f},{y_mid:.1f} L{x1:.1f},{y_mid:.1f}"
        # The label sits just above a short straight arrow, not on it.
        edge._points = [((x0 + x1) / 2, y_mid - LABEL_LINE / 2 - 4)]

    def _route_lane(self, edge: Edge) -> None:
        a, b = self._ends(edge)
        lane_index = self.lane_of[id(edge)]
        if edge.side < 0:
            lane_x = self.column_left - 10 - lane_index * LANE_SPACING
        else:
            lane_x = self._columns_right + 10 + lane_index * LANE_SPACING
        going_down = b.layer > a.layer
        points: list[tuple[float, float]] = []
        if edge.exit_gap is not None:
            px = self._port(edge, "bottom" if going_down else "top", "source", a)
            ty = self._track_y(edge.exit_gap)
            points += [(px, a.bottom if going_down else a.y), (px, ty), (lane_x, ty)]
        else:
            ay = a.y + a.height / 2
            points += [(a.x + (0 if edge.side < 0 else a.width), ay), (lane_x, ay)]
        if edge.enter_gap is not None:
            px = self._port(edge, "top" if going_down else "bottom", "target", b)
            ty = self._track_y(edge.enter_gap)
            points += [(lane_x, ty), (px, ty), (px, b.y - 2 if going_down else b.bottom + 2)]
        else:
            by = b.y + b.height / 2
            points += [(lane_x, by), (b.x + (-2 if edge.side < 0 else b.width + 2), by)]
        edge.path = _rounded(points)
        # Labels go on the lane itself, beside the columns, where little else is drawn.
        lane_points = [p for p in _polyline_points(points, 32) if abs(p[0] - lane_x) < 0.5]
        edge._points = lane_points or _polyline_points(points, 16)

    def place_labels(self) -> None:
        """Each label at the first point along its arrow, from the middle outwards, that
        overlaps nothing drawn yet (else where it overlaps least)."""
        obstacles = [_Box(n.x - 2, n.y - 2, n.x + n.width + 2, n.bottom + 2) for n in self.nodes.values()]
        for edge in sorted(
            self.edges, key=lambda e: (e.kind != "lane", self.layer[e.source], self.column[e.source])
        ):
            lines = wrap(edge.actor_names, MAX_LABEL_WIDTH - 2 * LABEL_PAD_X, LABEL_FONT)
            w = max(text_width(line, LABEL_FONT) for line in lines) + 2 * LABEL_PAD_X
            h = len(lines) * LABEL_LINE + 2 * LABEL_PAD_Y
            points = edge._points or [(0.0, 0.0)]
            middle = len(points) // 2
            best: tuple[float, float, float] | None = None
            for i in sorted(range(len(points)), key=lambda i: abs(i - middle)):
                x, y = points[i]
                box = _Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                cost = sum(box.overlap(other) for other in obstacles)
                if box.left < 0 or box.right > self.width:
                    cost += 1e6
                if best is None or cost < best[0]:
                    best = (cost, x, y)
                if cost == 0:
                    break
            assert best is not None
            _cost, x, y = best
            edge.label_x, edge.label_y, edge.label_width, edge.label_height = x - w / 2, y - h / 2, w, h
            obstacles.append(_Box(x - w / 2 - 2, y - h / 2 - 2, x + w / 2 + 2, y + h / 2 + 2))
            edge.label_lines = [
                TextLine(x, y - h / 2 + LABEL_PAD_Y + (k + 1) * LABEL_LINE - 3.5, line)
                for k, line in enumerate(lines)
            ]

    def diagram(self) -> Diagram:
        first_actors = {e.actors[0] for e in self.edges if e.actors}
        markers = [Marker(f"arrow-{a.value}", ACTOR_COLOURS[a]) for a in ACTOR_LABELS if a in first_actors]
        legend = [
            (str(ACTOR_LABELS[a]), ACTOR_COLOURS[a])
            for a in ACTOR_LABELS
            if any(a in e.actors for e in self.edges)
        ]
        nodes = sorted(self.nodes.values(), key=lambda n: (n.layer, n.column))
        edges = sorted(
            self.edges,
            key=lambda e: (
                self.layer[e.source],
                self.column[e.source],
                self.layer[e.target],
                self.column[e.target],
            ),
        )
        return Diagram(
            width=self.width, height=self.height, nodes=nodes, edges=edges, markers=markers, legend=legend
        )
