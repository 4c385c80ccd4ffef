"""Writes one generated unit to the database.

Rows go in as plain tuples with primary keys assigned here, in batches: `executemany` on SQLite
and a binary COPY on PostgreSQL (column types read from the table, so psycopg dumps each value
without guessing: a text COPY with guessed types cost seven times as much). Building a model
instance per row and letting bulk_create assemble the SQL cost four times the insert itself on
the default council, and the explicit keys let children, referrals and plans be referred to
before they are written. Keys are consecutive per table from the `starts` the caller gives (the
table's maximum + 1 when it gives none), so a locality's keys depend only on the localities
before it, whichever process writes it. PostgreSQL sequences are moved past the new keys
afterwards.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate, islice

from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections, models, transaction
from django.db.models import Max
from faker import Faker

from casework import models as m
from casework.demo.activity import Records
from casework.demo.extras import Extras
from casework.demo.people import Kid
from casework.demo.workforce import Piece, Staff, TeamSpec

BATCH = 5000
ETHNICITIES = ("WBRI",) * 16 + (
    "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "BAFR", "BCRB", "CHNE", "OOTH",
    "WIRT",
)  # fmt: skip
WORKER_ROLES = {
    "social_worker": m.Worker.Role.SOCIAL_WORKER,
    "asye": m.Worker.Role.ASYE,
    "senior_practitioner": m.Worker.Role.SENIOR_PRACTITIONER,
    "team_manager": m.Worker.Role.TEAM_MANAGER,
    "head_of_service": m.Worker.Role.HEAD_OF_SERVICE,
    "personal_adviser": m.Worker.Role.PERSONAL_ADVISER,
}
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _converter(field: models.Field) -> Callable:
    """How a Python value goes to the driver for this column (SQLite needs text for dates,
    decimals and UUIDs and naive UTC datetimes; psycopg adapts the Python objects)."""
    if connection.vendor != "sqlite":
        return lambda v: v
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "DecimalField":
        return lambda v: None if v is None else str(v)
    if kind == "UUIDField":
        return lambda v: None if v is None else v.hex
    return lambda v: v


def _column(model: type[models.Model], name: str) -> tuple[models.Field, str]:
    """The model field `name` (a field name or a foreign key's attname) and its column."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not stored in a column")
    return field, field.column


class Names:
    """Faker en_GB first and last names, drawn exactly as Faker draws them (the same names from
    the same seed: a uniform choice of first name, a last name weighted by frequency through
    `random.choices`) without Faker's per-call overhead, which was a fifth of writing a child:
    the cumulative weights are computed once instead of on every call."""

    def __init__(self, fake: Faker):
        person = fake.provider("faker.providers.person")
        self.random = fake.random
        self.male: tuple[str, ...] = tuple(person.first_names_male)
        self.female: tuple[str, ...] = tuple(person.first_names_female)
        weighted = person.last_names
        self.last_names: tuple[str, ...] = tuple(weighted)
        self.cumulative = list(accumulate(weighted.values()))
        self.total = self.cumulative[-1] + 0.0

    def first(self, sex: str) -> str:
        return self.random.choice(self.male if sex == "M" else self.female)

    def last(self) -> str:
        point = self.random.random() * self.total
        return self.last_names[bisect(self.cumulative, point, 0, len(self.last_names) - 1)]


class Writer:
    def __init__(
        self,
        unit: int,
        rng: random.Random,
        fake: Faker,
        tick: Callable[[int], None],
        stamp: datetime,
        starts: dict[str, int] | None = None,
    ):
        self.unit = unit
        self.rng = rng
        self.fake = fake
        self.tick = tick
        # created/updated stamps: one fixed instant (the morning after the as-at date), so two
        # runs with the same seed write the same rows.
        self.stamp = stamp
        # The next key per table (model label); tables missing start after their maximum.
        self.starts = starts if starts is not None else {}
        self.counts: dict[str, int] = {}
        self.written: list[type[models.Model]] = []

    def first_id(self, model: type[models.Model]) -> int:
        label = model._meta.label
        if label not in self.starts:
            top = model._default_manager.aggregate(top=Max("pk"))["top"]
            self.starts[label] = (top or 0) + 1
        return self.starts[label]

    def insert(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> range:
        """Insert rows (tuples in `columns` order, without id or stamps) with consecutive keys;
        returns their keys."""
        meta = model._meta
        stamped = any(f.name == "created_at" for f in meta.fields)
        names = ["id", *columns] + (["created_at", "updated_at"] if stamped else [])
        fields = [_column(model, c) for c in names]
        table = connection.ops.quote_name(meta.db_table)
        cols = ", ".join(connection.ops.quote_name(column) for _, column in fields)
        first = next_id = self.first_id(model)
        tail = (self.stamp, self.stamp) if stamped else ()
        iterator = iter(rows)
        # Table and column names come from the model's meta, quoted; values are parameters or
        # COPY data.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT {cols} FROM {table} LIMIT 0")  # noqa: S608
                types = [column.type_code for column in cursor.description]
                sql = f"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(sql) as copy:
                    copy.set_types(types)
                    write = copy.write_row
                    while batch := list(islice(iterator, BATCH)):
                        for row in batch:
                            write((next_id, *row, *tail))
                            next_id += 1
                        self._count(model, len(batch))
            else:
                convert = [_converter(f) for f, _ in fields]
                marks = ", ".join(["%s"] * len(names))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608
                while batch := list(islice(iterator, BATCH)):
                    values = []
                    for row in batch:
                        full = (next_id, *row, *tail)
                        values.append(tuple(c(v) for c, v in zip(convert, full, strict=True)))
                        next_id += 1
                    cursor.executemany(sql, values)
                    self._count(model, len(batch))
        self.starts[meta.label] = next_id
        self.written.append(model)
        return range(first, next_id)

    def _count(self, model: type[models.Model], n: int) -> None:
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + n
        self.tick(n)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), list(dict.fromkeys(self.written))
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # --- structure and people -----------------------------------------------------------------

    def teams(self, teams: list[TeamSpec]) -> range:
        areas = dict(m.ServiceArea.objects.values_list("name", "pk"))
        missing = list(dict.fromkeys(t.area for t in teams if t.area not in areas))
        for name, pk in zip(
            missing, self.insert(m.ServiceArea, ["name"], [(n,) for n in missing]), strict=True
        ):
            areas[name] = pk
        rng = self.rng
        return self.insert(
            m.Team,
            ["public_id", "name", "service_area_id", "kind"],
            ((_uuid(rng), t.name, areas[t.area], t.kind) for t in teams),
        )

    def workers(self, staff: list[Staff], team_ids: Sequence[int]) -> range:
        rng, fake = self.rng, self.fake
        return self.insert(
            m.Worker,
            [
                "public_id",
                "staff_id",
                "name",
                "role",
                "fte",
                "team_id",
                "agency",
                "start_date",
                "end_date",
                "user_id",
            ],
            (
                (
                    _uuid(rng),
                    f"W{self.unit:02d}{w.index:05d}",
                    fake.name(),
                    str(WORKER_ROLES[w.role]),
                    Decimal(str(w.fte)),
                    team_ids[w.team.index],
                    w.agency,
                    w.start,
                    w.end,
                    None,
                )
                for w in staff
            ),
        )

    def children(self, kids: list[Kid]) -> range:
        rng, names = self.rng, Names(self.fake)

        def row(k: Kid) -> tuple:
            first = names.first(k.sex)
            return (
                _uuid(rng),
                f"{self.unit:02d}{k.index:07d}",
                first,
                names.last(),
                k.dob,
                None,
                k.sex,
                rng.choice(ETHNICITIES),
                f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{rng.randrange(10**12):012d}",
                k.disabled,
                False,
                f"AN{rng.randint(1, 19)} {rng.randint(1, 9)}"
                f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}",
                None,
            )

        return self.insert(
            m.Child,
            [
                "public_id",
                "la_child_id",
                "first_name",
                "last_name",
                "date_of_birth",
                "expected_date_of_birth",
                "sex",
                "ethnicity",
                "upn",
                "disability",
                "uasc",
                "postcode",
                "date_of_death",
            ],  # fmt: skip
            (row(k) for k in kids),
        )

    def involvements(
        self,
        pieces: list[Piece],
        child_ids: Sequence[int],
        worker_ids: Sequence[int],
        team_ids: Sequence[int],
    ) -> None:
        pieces = sorted(pieces, key=lambda p: (p.child, p.start))
        self.insert(
            m.Involvement,
            [
                "child_id",
                "worker_id",
                "team_id",
                "role",
                "start_date",
                "end_date",
                "reason_for_change",
            ],
            (
                (
                    child_ids[p.child],
                    worker_ids[p.worker.index],
                    team_ids[p.worker.team.index],
                    str(m.Involvement.Role.ALLOCATED_WORKER),
                    p.start,
                    p.end,
                    p.reason,
                )
                for p in pieces
            ),
        )

    # --- case records ---------------------------------------------------------------------------

    def records(
        self,
        rec: Records,
        child_ids: Sequence[int],
        worker_ids: Sequence[int],
        team_ids: Sequence[int],
        mash: int,
    ) -> None:
        c = child_ids
        contact_ids = self.insert(
            m.Contact,
            ["child_id", "team_id", "received_at", "decided_at", "outcome", "source"],
            (
                (c[ch], team_ids[mash], rcv, dec, out, src)
                for ch, rcv, dec, out, src in rec.contacts
            ),
        )
        referral_ids = self.insert(
            m.Referral,
            [
                "child_id",
                "team_id",
                "contact_id",
                "referral_date",
                "source",
                "primary_need",
                "nfa",
                "closure_date",
                "closure_reason",
            ],  # fmt: skip
            (
                (c[ch], team_ids[team], contact_ids[ct] if ct is not None else None, *rest)
                for ch, team, ct, *rest in rec.referrals
            ),
        )

        def rid(i: int | None) -> int | None:
            return referral_ids[i] if i is not None else None

        self.insert(
            m.Assessment,
            ["child_id", "referral_id", "start_date", "authorised_date", "factors"],
            ((c[ch], rid(ri), s, a, "") for ch, ri, s, a in rec.assessments),
        )
        self.insert(
            m.CINPlan,
            ["child_id", "referral_id", "start_date", "end_date"],
            ((c[ch], rid(ri), s, e) for ch, ri, s, e in rec.cin_plans),
        )
        s47_ids = self.insert(
            m.Section47,
            [
                "child_id",
                "referral_id",
                "start_date",
                "icpc_target_date",
                "icpc_not_required",
                "end_date",
            ],
            ((c[ch], rid(ri), s, t, nr, e) for ch, ri, s, t, nr, e in rec.section47s),
        )
        self.insert(
            m.InitialConference,
            ["child_id", "section47_id", "referral_id", "date", "plan_made"],
            ((c[ch], s47_ids[si], rid(ri), d, made) for ch, si, ri, d, made in rec.icpcs),
        )
        plan_ids = self.insert(
            m.CPPlan,
            [
                "child_id",
                "referral_id",
                "start_date",
                "end_date",
                "initial_category",
                "latest_category",
            ],
            ((c[ch], rid(ri), s, e, a, b) for ch, ri, s, e, a, b in rec.cp_plans),
        )
        self.insert(
            m.CPReview,
            ["child_id", "cp_plan_id", "due_date", "held_date"],
            ((c[ch], plan_ids[pi], due, held) for ch, pi, due, held in rec.cp_reviews),
        )
        self.insert(
            m.CareEpisode,
            [
                "child_id",
                "start_date",
                "end_date",
                "rne",
                "legal_status",
                "cin",
                "place",
                "place_provider",
                "rec",
                "reason_place_change",
                "home_postcode",
                "placement_postcode",
                "placement_la",
                "in_area",
                "distance_miles",
            ],  # fmt: skip
            ((c[row[0]], *row[1:14], Decimal(str(row[14]))) for row in rec.episodes),
        )
        self.insert(
            m.CareReview,
            ["child_id", "due_date", "held_date", "child_participation"],
            ((c[ch], due, held, pn) for ch, due, held, pn in rec.care_reviews),
        )
        self.insert(
            m.CareLeaver,
            [
                "child_id",
                "eligibility",
                "start_date",
                "end_date",
                "pathway_plan_date",
                "latest_review_date",
                "personal_adviser_id",
            ],  # fmt: skip
            (
                (c[ch], elig, s, e, plan, review, worker_ids[pa] if pa is not None else None)
                for ch, elig, s, e, plan, review, pa in rec.care_leavers
            ),
        )
        rng = self.rng
        self.insert(
            m.Visit,
            [
                "public_id",
                "child_id",
                "worker_id",
                "date",
                "visit_type",
                "child_seen",
                "seen_alone",
                "recorded_at",
            ],
            (
                (
                    _uuid(rng),
                    c[ch],
                    worker_ids[w] if w is not None else None,
                    d,
                    kind,
                    seen,
                    alone,
                    recorded,
                )
                for ch, w, d, kind, seen, alone, recorded in rec.visits
            ),
        )
        self.insert(
            m.HealthCheck,
            ["child_id", "kind", "date"],
            ((c[ch], kind, d) for ch, kind, d in sorted(set(rec.health_checks))),
        )

    def extras(
        self,
        ex: Extras,
        child_ids: Sequence[int],
        worker_ids: Sequence[int],
        team_ids: Sequence[int],
    ) -> None:
        c = child_ids
        self.insert(
            m.Complaint,
            ["child_id", "team_id", "received_date", "stage", "outcome"],
            (
                (
                    c[ch] if ch is not None else None,
                    team_ids[t] if t is not None else None,
                    d,
                    stage,
                    out,
                )
                for ch, t, d, stage, out in ex.complaints
            ),
        )
        self.insert(
            m.VoiceAccount,
            ["child_id", "worker_id", "opened_date", "closed_date"],
            [(c[ch], None, o, cl) for ch, o, cl in ex.child_accounts]
            + [(None, worker_ids[w], o, cl) for w, o, cl in ex.worker_accounts],
        )
        self.insert(
            m.VoiceStatement,
            ["child_id", "date", "scenario"],
            ((c[ch], d, s) for ch, d, s in ex.statements),
        )


def load_stamp(as_at: date) -> datetime:
    """The created/updated stamp of generated rows: 06:00 UTC the day after the as-at date."""
    return datetime.combine(as_at + timedelta(days=1), time(6), tzinfo=UTC)


class BulkLoad:
    """Foreign keys, unique constraints and secondary indexes of the tables a council is
    written to, dropped before a bulk load into empty tables and recreated after it from their
    own definitions (PostgreSQL only), so the schema ends as it began.

    Checking a deferred foreign key row by row at commit and updating up to ten indexes per row
    cost more than the COPY itself; building each index once over the loaded table and checking
    each foreign key with one join is several times cheaper. Primary keys, check constraints and
    any unique constraint another table's foreign key relies on stay in place throughout."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.constraints: list[tuple[str, str, str]] = []  # table, name, definition
        self.indexes: list[tuple[str, str]] = []  # name, definition

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.conrelid = ANY(%s::regclass[])
                  AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint f
                      WHERE f.contype = 'f' AND f.conindid = c.conindid)))
                ORDER BY c.contype DESC, c.conrelid::regclass::text, c.conname
                """,
                [self.tables],
            )
            self.constraints = [(t, n, d) for t, n, d in cursor.fetchall()]
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[])
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1
                """,
                [self.tables],
            )
            self.indexes = [(n, d) for n, d in cursor.fetchall()]
            quote = connection.ops.quote_name
            # Names and definitions come from the catalog of these tables.
            for table, name, _ in self.constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def restore(self, jobs: int = 1) -> None:
        """Recreate everything dropped: indexes and unique constraints first, `jobs` at a time
        on connections of their own (each locks only its own table), then the foreign keys one
        by one (each locks two tables). Inside a transaction everything runs on its connection,
        one statement after the other."""
        quote = connection.ops.quote_name
        single: list[tuple[str, str]] = list(self.indexes)
        foreign: list[tuple[str, str]] = []
        for table, name, definition in self.constraints:
            sql = f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
            (foreign if definition.startswith("FOREIGN KEY") else single).append((name, sql))
        if jobs > 1 and not connection.in_atomic_block:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                failures = [f for found in pool.map(_attempt_alone, single) for f in found]
        else:
            failures = [f for name, sql in single for f in _attempt(name, sql)]
        failures += [f for name, sql in foreign for f in _attempt(name, sql)]
        self.constraints, self.indexes = [], []
        if failures:
            raise RuntimeError("could not recreate after the bulk load: " + "; ".join(failures))


# Sorting for an index build: the default 64 MB spills the larger tables to disk.
MAINTENANCE_WORK_MEM = "256MB"


def _attempt(name: str, sql: str) -> list[str]:
    """Run one statement in a savepoint; a failure is reported, the others still run."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            cursor.execute(sql)
    except DatabaseError as error:
        return [f"{name}: {error}"]
    return []


def _attempt_alone(statement: tuple[str, str]) -> list[str]:
    """`_attempt` in a pool thread, on the thread's own connection, closed afterwards."""
    try:
        return _attempt(*statement)
    finally:
        connections.close_all()


class SQLiteBulkLoad:
    """SQLite's counterpart of BulkLoad: the secondary indexes of the tables a council is
    written to (their own CREATE INDEX statements, unique ones included), dropped before a bulk
    load into empty tables and recreated after it, and, while loading outside any transaction,
    no fsync and the rollback journal in memory.

    Each inserted row otherwise updates up to ten B-trees in key order of the index, page by page
    in the write-ahead log; building each index once over the loaded table sorts once. The
    pragmas only last for the load: a crash in the middle leaves a half-seeded demo database,
    which `make clean` removes anyway, never a live one. Unique constraints are checked when
    their index is rebuilt; the indexes SQLite makes for a column's UNIQUE (no statement of their
    own) and the primary keys stay."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []  # name, CREATE INDEX statement
        self.pragmas: dict[str, str] = {}  # name, value before the load

    def drop(self) -> None:
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:
                # journal_mode cannot change inside a transaction (and a test's load is in one).
                for name, value in (("synchronous", "OFF"), ("journal_mode", "MEMORY")):
                    cursor.execute(f"PRAGMA {name}")
                    self.pragmas[name] = str(cursor.fetchone()[0])
                    cursor.execute(f"PRAGMA {name} = {value}")
            cursor.execute(
                "SELECT tbl_name, name, sql FROM sqlite_master"
                " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
            )
            wanted = set(self.tables)
            self.indexes = [(n, sql) for table, n, sql in cursor.fetchall() if table in wanted]
            quote = connection.ops.quote_name
            # Names come from the schema of these tables.
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")

    def restore(self, jobs: int = 1) -> None:
        """Recreate every index dropped (their statements as the schema held them), then the
        pragmas as they were. `jobs` is BulkLoad's: SQLite builds one index at a time."""
        with connection.cursor() as cursor:
            for _, sql in self.indexes:
                cursor.execute(sql)
            for name, value in self.pragmas.items():
                cursor.execute(f"PRAGMA {name} = {value}")
        self.indexes, self.pragmas = [], {}
