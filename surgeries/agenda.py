"""Reads for a surgery's agenda: which children it discusses, in what order, and how its pages,
minutes and exports show them. Every function starts from the user's scope today
(`casework.scope.scope_for`) whatever the meeting date; the lists are as at the meeting date.

The agenda is chosen once, when the surgery is planned (`choose_agenda`), and kept as the
surgery's `agenda_children`: a meeting works through a fixed list, so adding an action to one
child must not reshuffle the children still to come. Choosing: the children of the surgery's
lists, those with no open action first (nobody is yet acting on them), then most working days
overdue first (a due-soon child comes after every overdue one); the first `agenda_size` of them,
then put in meeting order by team and worker so that each manager and worker takes their
children together."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from casework.models import Child
from casework.scope import scope_for
from surgeries import lists as ex
from surgeries import queries
from surgeries.models import Action, AgendaItem, Discussion, Surgery

# Children per page of the agenda: about a screen and a half of grouped rows.
AGENDA_PAGE = 20
UNALLOCATED = "Unallocated"


@dataclass
class AgendaChild:
    """One child of the agenda with everything the meeting shows about them."""

    position: int  # 1-based, in meeting order
    child_id: int
    public_id: Any
    name: str
    la_child_id: str
    team: str
    worker: str
    rows: list[Any]  # ExceptionRow (open surgery) or AgendaItem (closed)
    open_actions: list[Action] = field(default_factory=list)
    discussion: Discussion | None = None

    @property
    def discussed(self) -> bool:
        return self.discussion is not None

    @property
    def most_overdue(self) -> int | None:
        days = [r.days_overdue for r in self.rows if r.days_overdue is not None]
        return max(days) if days else None


@dataclass
class ListCount:
    """Children of one list and team, by status, and how many the surgery discussed."""

    list_label: str
    team: str
    overdue: int = 0
    due_soon: int = 0
    discussed: int = 0


@dataclass
class MeetingAgenda:
    children: list[AgendaChild]
    carried: list[Action]
    actions: list[Action]  # raised at this surgery
    frozen: bool
    counts: list[ListCount]
    on_lists: int  # distinct children on the surgery's lists
    not_on_agenda: list[Any]  # rows of the lists' children left off the agenda (appendix)

    @property
    def size(self) -> int:
        return len(self.children)

    @property
    def discussed(self) -> int:
        return sum(1 for c in self.children if c.discussed)

    @property
    def child_ids(self) -> set[int]:
        return (
            {c.child_id for c in self.children}
            | {a.child_id for a in self.carried}
            | {r.child_id for r in self.not_on_agenda}
        )

    def next_undiscussed(self) -> AgendaChild | None:
        return next((c for c in self.children if not c.discussed), None)


def _priority(rows: list[ex.ExceptionRow], with_action: set[int]) -> list[int]:
    """Children of the rows, no open action first, then most working days overdue."""
    worst: dict[int, int] = {}
    names: dict[int, str] = {}
    for row in rows:
        days = row.days_overdue if row.days_overdue is not None else -10_000
        worst[row.child_id] = max(worst.get(row.child_id, days), days)
        names[row.child_id] = row.child_name
    return sorted(worst, key=lambda c: (c in with_action, -worst[c], names[c], c))


def meeting_order(rows: list[Any], chosen: list[int]) -> list[int]:
    """The chosen children by team, then worker (unallocated last in its team), keeping their
    priority inside each worker's group."""
    first: dict[int, Any] = {}
    for row in rows:
        first.setdefault(row.child_id, row)
    rank = {child_id: n for n, child_id in enumerate(chosen)}

    def key(child_id: int) -> tuple[Any, ...]:
        row = first.get(child_id)
        team = _team_name(row) if row else ""
        worker = _worker_name(row) if row else ""
        return (team or "~", worker == UNALLOCATED, worker, rank[child_id])

    return sorted(chosen, key=key)


@dataclass(frozen=True)
class _FrozenCount:
    """A frozen row as the counts need it."""

    child_id: int
    list_code: str
    kind: str
    team_name: str | None


def _team_name(row: Any) -> str:
    if isinstance(row, _FrozenCount):
        return row.team_name or ""
    if isinstance(row, AgendaItem):
        return row.team.name if row.team else ""
    return row.team_name


def _worker_name(row: Any) -> str:
    if isinstance(row, AgendaItem):
        return row.worker.name if row.worker else UNALLOCATED
    return row.worker_name or UNALLOCATED


def open_action_children(child_ids: set[int]) -> set[int]:
    """Children with an open action on any list, raised anywhere (workbench or a surgery)."""
    if not child_ids:
        return set()
    return set(
        Action.objects.filter(status=Action.Status.OPEN, child_id__in=sorted(child_ids))
        .order_by()
        .values_list("child_id", flat=True)
        .distinct()
    )


def choose_agenda(*, user, surgery: Surgery, as_at: date) -> list[int]:
    """The agenda's children in meeting order (module docstring). Three queries."""
    rows = queries.live_agenda_rows(
        user=user, surgery=surgery, team_ids=queries.surgery_team_ids(surgery), as_at=as_at
    )
    chosen = _priority(rows, open_action_children({r.child_id for r in rows}))
    return meeting_order(rows, chosen[: surgery.agenda_size])


def visible_agenda_ids(
    *, user, surgery: Surgery, as_at: date, visible: queries.Visible = queries.UNREAD
) -> list[int]:
    """The agenda's children the user may see today, in meeting order."""
    ids = list(surgery.agenda_children)
    if visible is queries.UNREAD:
        visible = queries.visible_children(user=user, as_at=as_at)
    if scope_for(user).is_empty:
        return []
    return [i for i in ids if visible is None or i in visible]


def _child_actions(*, user, surgery: Surgery, as_at: date, child_ids: list[int]) -> list[Action]:
    """Open actions on the children raised anywhere, and every action of this surgery. The
    children are already known to be in the user's scope."""
    if not child_ids:
        return []
    return list(
        Action.objects.filter(child_id__in=sorted(child_ids))
        .filter(Q(status=Action.Status.OPEN) | Q(surgery=surgery))
        .select_related("child", "owner", "owner__team", "barrier", "surgery")
        .order_by("due_date", "pk")
    )


def _counts(
    rows: list[Any], discussed: set[int], labels: dict[str, str]
) -> tuple[list[ListCount], int]:
    counts: dict[tuple[str, str], ListCount] = {}
    children_seen: set[int] = set()
    per_key_discussed: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in rows:
        label = labels.get(row.list_code, row.list_code)
        key = (label, _team_name(row))
        c = counts.setdefault(key, ListCount(label, key[1]))
        if row.kind == ex.DUE_SOON:
            c.due_soon += 1
        else:
            c.overdue += 1
        if row.child_id in discussed:
            per_key_discussed[key].add(row.child_id)
        children_seen.add(row.child_id)
    for key, ids in per_key_discussed.items():
        counts[key].discussed = len(ids)
    return [counts[k] for k in sorted(counts)], len(children_seen)


def meeting_agenda(
    *, user, surgery: Surgery, as_at: date, with_appendix: bool = False
) -> MeetingAgenda:
    """The agenda as the meeting, its pages and its minutes show it: the chosen children in
    meeting order with their rows, open actions and discussion; the counts of every list by
    team; the carried-forward actions. Frozen rows once the surgery is closed, the lists as at
    the meeting date before. Only children of the user's scope today. A fixed number of queries
    whatever the agenda's or the lists' length."""
    visible = queries.visible_children(user=user, as_at=as_at)
    labels = {x.code: x.label for x in ex.surgery_lists()}
    if surgery.is_closed:
        # The frozen lists are counted from plain values; only the agenda's children (and the
        # appendix when asked for) are read as whole rows.
        wanted = set(surgery.agenda_children)
        items = AgendaItem.objects.filter(surgery=surgery)
        if not with_appendix and wanted:
            items = items.filter(Q(child_id__in=sorted(wanted)) | Q(kind=AgendaItem.Kind.CARRIED))
        rows: list[Any] = queries.only_visible(
            list(
                items.select_related(
                    "child",
                    "worker",
                    "team",
                    "barrier",
                    "carried_action__child",
                    "carried_action__owner",
                )
            ),
            visible,
        )
        carried_items = [r for r in rows if r.kind == AgendaItem.Kind.CARRIED]
        rows = [r for r in rows if r.kind != AgendaItem.Kind.CARRIED]
        carried = [i.carried_action for i in carried_items if i.carried_action is not None]
        count_rows = queries.only_visible(
            [
                _FrozenCount(*v)
                for v in AgendaItem.objects.filter(surgery=surgery)
                .exclude(kind=AgendaItem.Kind.CARRIED)
                .values_list("child_id", "list_code", "kind", "team__name")
            ],
            visible,
        )
        chosen = list(surgery.agenda_children)
        if not chosen:
            # A surgery planned before agendas had a size: every child of its lists.
            chosen = list(dict.fromkeys(r.child_id for r in rows))
    else:
        # Every row of the lists is counted, but only the agenda's children (a few dozen of
        # perhaps thousands of rows) are turned into display rows: their names, categories,
        # workers and rules are read and worded for them alone.
        teams = queries.surgery_team_names(surgery)
        values = queries.live_agenda_values(
            user=user,
            surgery=surgery,
            team_ids=sorted(teams),
            as_at=as_at,
            visible=visible,
            columns=ex.COLUMNS if with_appendix else queries.AGENDA_COLUMNS,
        )
        carried = queries.carried_forward_actions(
            user=user, surgery=surgery, as_at=as_at, visible=visible
        )
        count_rows = [
            _FrozenCount(v["r_child"], v["r_list"], v["r_kind"], teams.get(v["r_team"]))
            for v in values
        ]
        chosen = list(surgery.agenda_children)
        if not chosen:
            # A surgery planned before agendas had a size: every child of its lists.
            chosen = list(dict.fromkeys(v["r_child"] for v in values))
        shown = {v["r_child"] for v in values} if with_appendix else set(chosen)
        rows = ex.to_rows(
            [v for v in values if v["r_child"] in shown], as_at=surgery.date, team_names=teams
        )
    by_child: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_child[row.child_id].append(row)
    visible_chosen = [c for c in chosen if c in by_child or c in {a.child_id for a in carried}]
    discussions = {
        d.child_id: d
        for d in queries.only_visible(
            list(Discussion.objects.filter(surgery=surgery).select_related("barrier")), visible
        )
    }
    actions = _child_actions(user=user, surgery=surgery, as_at=as_at, child_ids=visible_chosen)
    actions_by_child: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        actions_by_child[action.child_id].append(action)
    if not surgery.is_closed and not with_appendix:
        # The rows were read without their open-actions count: the same count, from the
        # children's actions read above.
        for row in rows:
            row.open_actions = sum(
                1
                for a in actions_by_child.get(row.child_id, ())
                if a.status == Action.Status.OPEN and a.list_code == row.list_code
            )
    names = _names(visible_chosen, rows, carried)
    children = []
    for position, child_id in enumerate(visible_chosen, start=1):
        child_rows = by_child.get(child_id, [])
        first = child_rows[0] if child_rows else None
        public_id, name, la_id = names[child_id]
        children.append(
            AgendaChild(
                position=position,
                child_id=child_id,
                public_id=public_id,
                name=name,
                la_child_id=la_id,
                team=_team_name(first) if first else "",
                worker=_worker_name(first) if first else UNALLOCATED,
                rows=child_rows,
                open_actions=[
                    a for a in actions_by_child.get(child_id, []) if a.status == Action.Status.OPEN
                ],
                discussion=discussions.get(child_id),
            )
        )
    on_agenda = set(visible_chosen)
    counts, on_lists = _counts(count_rows, {c for c in discussions if c in on_agenda}, labels)
    return MeetingAgenda(
        children=children,
        carried=carried,
        actions=[a for a in actions if a.surgery_id == surgery.pk],
        frozen=surgery.is_closed,
        counts=counts,
        on_lists=on_lists,
        not_on_agenda=[r for r in rows if r.child_id not in on_agenda] if with_appendix else [],
    )


def _names(
    child_ids: list[int], rows: list[Any], carried: list[Action]
) -> dict[int, tuple[Any, str, str]]:
    """(public id, name, LA child id) of each child, from the rows already read where they
    carry them, else one query."""
    out: dict[int, tuple[Any, str, str]] = {}
    for row in rows:
        if isinstance(row, AgendaItem):
            out[row.child_id] = (row.child.public_id, row.child.full_name, row.child.la_child_id)
        elif isinstance(row, ex.ExceptionRow) and row.child_public_id is not None:
            # Child.full_name's rule (the name, else the LA child ID) on the row's columns.
            name = row.child_name or row.la_child_id
            out.setdefault(row.child_id, (row.child_public_id, name, row.la_child_id))
    for action in carried:
        out.setdefault(
            action.child_id,
            (action.child.public_id, action.child.full_name, action.child.la_child_id),
        )
    missing = [c for c in child_ids if c not in out]
    if missing:
        for child in Child.objects.filter(pk__in=missing).only(
            "public_id", "first_name", "last_name", "la_child_id"
        ):
            out[child.pk] = (child.public_id, child.full_name, child.la_child_id)
    return out


@dataclass
class Page:
    """One page of the agenda, its children grouped by team and then worker."""

    number: int
    num_pages: int
    groups: list[tuple[str, list[tuple[str, list[AgendaChild]]]]]
    start_index: int
    end_index: int
    count: int


def agenda_page(agenda: MeetingAgenda, number: int, per_page: int = AGENDA_PAGE) -> Page:
    count = agenda.size
    num_pages = max(1, -(-count // per_page))
    number = min(max(1, number), num_pages)
    chunk = agenda.children[(number - 1) * per_page : number * per_page]
    groups: list[tuple[str, list[tuple[str, list[AgendaChild]]]]] = []
    for child in chunk:
        if not groups or groups[-1][0] != child.team:
            groups.append((child.team, []))
        workers = groups[-1][1]
        if not workers or workers[-1][0] != child.worker:
            workers.append((child.worker, []))
        workers[-1][1].append(child)
    start = (number - 1) * per_page + 1 if chunk else 0
    return Page(number, num_pages, groups, start, start + len(chunk) - 1 if chunk else 0, count)


@dataclass
class ChildAtMeeting:
    """One child's page at the surgery: where they are in the agenda and what is known."""

    child: Child
    rows: list[Any]
    actions: list[Action]  # open from anywhere, and this surgery's
    discussion: Discussion | None
    position: int | None  # None: a carried-forward action's child off the chosen agenda
    size: int
    discussed: int
    previous_id: Any
    next_id: Any

    @property
    def worker(self) -> str:
        return _worker_name(self.rows[0]) if self.rows else UNALLOCATED

    @property
    def team(self) -> str:
        return _team_name(self.rows[0]) if self.rows else ""


def child_at_meeting(*, user, surgery: Surgery, public_id: Any, as_at: date) -> ChildAtMeeting:
    """The child's rows (`queries.surgery_child`: 404 off the agenda or out of scope today),
    their actions, the discussion, and the previous and next child of the agenda."""
    child, rows, visible = queries.surgery_child(
        user=user, surgery=surgery, public_id=public_id, as_at=as_at
    )
    ids = visible_agenda_ids(user=user, surgery=surgery, as_at=as_at, visible=visible)
    if not ids:
        ids = [child.pk]
    position = ids.index(child.pk) + 1 if child.pk in ids else None
    neighbours = {}
    if position is not None:
        wanted = []
        if position > 1:
            wanted.append(ids[position - 2])
        if position < len(ids):
            wanted.append(ids[position])
        neighbours = dict(Child.objects.filter(pk__in=wanted).values_list("pk", "public_id"))
    discussed = Discussion.objects.filter(surgery=surgery, child_id__in=ids).count()
    return ChildAtMeeting(
        child=child,
        rows=rows,
        actions=_child_actions(user=user, surgery=surgery, as_at=as_at, child_ids=[child.pk]),
        discussion=Discussion.objects.filter(surgery=surgery, child=child)
        .select_related("barrier")
        .first(),
        position=position,
        size=len(ids),
        discussed=discussed,
        previous_id=neighbours.get(ids[position - 2]) if position and position > 1 else None,
        next_id=neighbours.get(ids[position]) if position and position < len(ids) else None,
    )
