"""A closed surgery's impact, on a controlled clock (the app's date is today: no REPORTING_DATE):
straight after closing nothing has left and nothing has become overdue; two weeks later the
child who was seen and the child whose case closed have left (with their reasons), the child
still on its list has not, and the child who was due soon is now overdue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from casework.models import Visit
from surgeries import lists as exception_lists
from surgeries import services as surgery_services
from surgeries.models import Action
from tests import factories as f

LONDON = ZoneInfo("Europe/London")
MEETING = date(2018, 9, 28)  # a Friday


def impact_of(client, surgery):
    response = client.get(f"/surgeries/meetings/{surgery.public_id}/")
    return response.context["impact"], response.content.decode()


def test_impact_counts_only_children_who_left(cast, lists, as_user, settings):
    settings.REPORTING_DATE = None
    # On a plan from Friday 21 September: its first visit is due on 5 October, due soon now.
    soon = f.ChildFactory()
    f.ReferralFactory(child=soon, team=cast.team_a1, referral_date=date(2018, 9, 17))
    f.InvolvementFactory(
        child=soon, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 9, 17)
    )
    f.CPPlanFactory(child=soon, start_date=date(2018, 9, 21))
    with time_machine.travel(datetime(2018, 9, 28, 9, tzinfo=LONDON), tick=False):
        surgery = surgery_services.surgery_create(
            user=cast.chair_a,
            title="North",
            date=MEETING,
            service_area=None,
            teams=[cast.team_a1],
            lists=["cp_seen_10wd_pct", "icpc_overdue", "allocated_pct"],
        )
        action = surgery_services.action_create(
            user=cast.chair_a,
            child=lists.cp_a1,
            list_code="cp_seen_10wd_pct",
            description="Visit this week",
            owner=cast.worker_a1,
            due_date=date(2018, 10, 5),
            surgery=surgery,
            today=MEETING,
        )
        surgery_services.surgery_close(user=cast.chair_a, surgery=surgery, as_at=MEETING)
        client = as_user(cast.chair_a)
        straight_after, html = impact_of(client, surgery)
    assert straight_after.overdue == 3  # cp_a1 unseen, s47_a1's ICPC, unallocated_a1
    assert straight_after.left == 0
    assert straight_after.due_soon == 1
    assert straight_after.became_overdue == 0
    assert "0 of 3 overdue children have left their list since" in html

    exception_lists.clear_compiled_cache()
    with time_machine.travel(datetime(2018, 10, 12, 9, tzinfo=LONDON), tick=False):
        f.VisitFactory(child=lists.cp_a1, date=date(2018, 10, 3), visit_type=Visit.Type.CP)
        lists.unallocated_a1.referrals.update(closure_date=date(2018, 10, 1))
        surgery_services.action_complete(
            user=cast.chair_a, action=action, outcome_note="Seen at home", today=date(2018, 10, 3)
        )
        client = as_user(cast.chair_a)
        later, html = impact_of(client, surgery)
    assert later.overdue == 3
    assert later.left == 2  # s47_a1 is still waiting for its conference
    assert dict(later.reasons) == {"seen": 1, "case closed": 1}
    assert later.became_overdue == 1
    assert (later.actions, later.done, later.on_time) == (1, 1, 1)
    assert Action.objects.get(pk=action.pk).status == Action.Status.DONE
    assert "2 of 3 overdue children have left their list since (seen 1, case closed 1)" in html
