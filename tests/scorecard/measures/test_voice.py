"""Mind of My Own measures: accounts open at the date, statements and children in the period."""

from datetime import date

import pytest

from casework.models import VoiceAccount, VoiceStatement
from scorecard.measures.base import MeasureScope, Period
from scorecard.measures.registry import get
from tests import factories as f

D = Period.as_at_date(date(2018, 9, 30))
Q2 = Period(date(2018, 7, 1), date(2018, 9, 30))


def account(opened: date, closed: date | None = None, **holder) -> VoiceAccount:
    return VoiceAccount.objects.create(opened_date=opened, closed_date=closed, **holder)


def statement(child, on: date) -> VoiceStatement:
    return VoiceStatement.objects.create(child=child, date=on)


@pytest.mark.django_db
def test_child_accounts_open_at_the_date_are_counted_once_per_child():
    opened_today, two_accounts = f.ChildFactory(), f.ChildFactory()
    account(date(2018, 9, 30), child=opened_today)
    account(date(2017, 1, 1), date(2017, 6, 1), child=two_accounts)
    account(date(2018, 1, 1), child=two_accounts)
    closed_today = f.ChildFactory()
    account(date(2017, 1, 1), date(2018, 9, 30), child=closed_today)
    account(date(2018, 10, 1), child=f.ChildFactory())
    account(date(2018, 1, 1), worker=f.WorkerFactory())
    rows = set(get("momo_accounts").rows(D).values_list("child_id", flat=True))
    assert rows == {opened_today.pk, two_accounts.pk}
    assert get("momo_accounts").result(D).value == 2


@pytest.mark.django_db
def test_worker_accounts_belong_to_the_workers_team(cast):
    account(date(2018, 1, 1), worker=cast.worker_a1)
    account(date(2018, 1, 1), worker=cast.worker_b1)
    account(date(2017, 1, 1), date(2018, 9, 1), worker=cast.worker_a2)
    measure = get("momo_worker_accounts")
    assert measure.result(D).value == 2
    assert measure.result(D, MeasureScope("team", cast.team_b1.pk)).value == 1
    assert measure.result(D, MeasureScope("service_area", cast.area_a.pk)).value == 1
    assert measure.result(D, MeasureScope("worker", cast.worker_a1.pk)).value == 1


@pytest.mark.django_db
def test_statements_and_children_in_the_quarter():
    chatty, once = f.ChildFactory(), f.ChildFactory()
    for day in (date(2018, 7, 1), date(2018, 8, 15), date(2018, 9, 30)):
        statement(chatty, day)
    statement(once, date(2018, 9, 1))
    statement(once, date(2018, 6, 30))  # the quarter before
    statement(f.ChildFactory(), date(2018, 10, 1))  # the quarter after
    assert get("momo_statements_q").result(Q2).value == 4
    children = {r.child_id: r for r in get("momo_children_q").rows(Q2)}
    assert set(children) == {chatty.pk, once.pk}
    assert children[chatty.pk].basis_date == date(2018, 9, 30)
    assert get("momo_children_q").result(Q2).value == 2


@pytest.mark.django_db
def test_statements_take_the_childs_team_on_the_statement_date(cast):
    statement(cast.child_a1, date(2018, 8, 1))
    statement(cast.child_a1, date(2017, 12, 1))  # before the allocation, no open referral
    statement(cast.child_b1, date(2018, 8, 1))
    team = MeasureScope("team", cast.team_a1.pk)
    assert get("momo_statements_q").result(Q2, team).value == 1
    assert get("momo_children_q").result(Q2, team).value == 1
    assert get("momo_children_q").result(Q2, MeasureScope("worker", cast.worker_b1.pk)).value == 1
