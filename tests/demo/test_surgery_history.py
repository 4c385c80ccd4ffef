"""The synthetic council's surgery history (`seed_surgeries`): a closed surgery a month per
service area with a head of service over the six months to the reporting date, discussions with
barrier codes, actions done, open and overdue; the same seed gives the same history."""

from datetime import date

from django.db import transaction

from surgeries.demo import meeting_dates, seed_surgery_history
from surgeries.impact import surgery_impacts
from surgeries.models import Action, Discussion, Surgery
from tests.demo.conftest import AS_AT


def signature() -> list[tuple]:
    return sorted(
        Surgery.objects.values_list("title", "date", "agenda_children", "status").order_by()
    ) + sorted(Action.objects.values_list("description", "due_date", "status").order_by())


def test_meeting_dates_are_monthly_working_days_up_to_the_reporting_date(db):
    days = meeting_dates(AS_AT, 6)
    assert [d.month for d in days] == [4, 5, 6, 7, 8, 9]
    assert all(d.weekday() < 5 and d <= AS_AT for d in days)


def test_six_months_of_surgeries_with_actions_done_open_and_overdue(small_council):
    history = seed_surgery_history(as_at=AS_AT, seed=3, months=6)
    areas = Surgery.objects.values("service_area").distinct().count()
    assert history.surgeries == areas * 6 and areas >= 3
    assert not Surgery.objects.filter(status=Surgery.Status.OPEN).exists()
    assert Surgery.objects.filter(date__lt=date(2018, 4, 1)).count() == 0
    assert history.discussions > 0
    assert Discussion.objects.filter(barrier__isnull=False).count() == history.discussions
    assert history.done > 0 and history.open > 0 and history.overdue > 0
    impacts = surgery_impacts(list(Surgery.objects.all()), as_at=AS_AT)
    assert sum(i.overdue for i in impacts.values()) > 0
    assert sum(i.actions for i in impacts.values()) == history.actions


def test_the_same_seed_gives_the_same_history(small_council):
    runs = []
    for _ in range(2):
        with transaction.atomic():
            seed_surgery_history(as_at=AS_AT, seed=5, months=1)
            runs.append(signature())
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and runs[0]
