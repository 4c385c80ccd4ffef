"""Each team manager gets a weekly digest of counts and links, once a week."""

from datetime import date

import time_machine
from django.core import mail

from surgeries.models import Action
from surgeries.tasks import send_weekly_digests


def test_weekly_digest_goes_to_each_team_manager_with_counts_not_names(cast, lists, settings):
    settings.REPORTING_DATE = None
    for user in (cast.manager_a1, cast.manager_b1):
        user.email = f"{user.username}@council.example"
        user.save()
    Action.objects.create(
        child=lists.cp_a1,
        list_code="cp_seen_10wd_pct",
        description="Visit",
        owner=cast.worker_a1,
        due_date=date(2018, 9, 20),
        created_by=cast.manager_a1,
        raised_on=date(2018, 9, 10),
    )
    with time_machine.travel("2018-10-01 07:00 +0100", tick=False):
        assert send_weekly_digests() == 2
        assert send_weekly_digests() == 0  # already sent this week
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"tm-a1@council.example", "tm-b1@council.example"}
    body = by_recipient["tm-a1@council.example"].body
    assert "Overdue actions: 1" in body
    assert "/surgeries/" in body
    for child in (lists.cp_a1, lists.unallocated_a1, lists.s47_a1):
        assert child.last_name not in body
    assert "Overdue actions: 0" in by_recipient["tm-b1@council.example"].body


def test_next_week_sends_again(cast, lists, settings):
    settings.REPORTING_DATE = None
    cast.manager_a1.email = "tm@council.example"
    cast.manager_a1.save()
    with time_machine.travel("2018-10-01 07:00 +0100", tick=False):
        send_weekly_digests()
    with time_machine.travel("2018-10-08 07:00 +0100", tick=False):
        send_weekly_digests()
    assert len(mail.outbox) == 2
