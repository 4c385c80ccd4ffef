"""The workbench's filters offer what the user can find: the scope's workers in post at the
date, the lists that have rows in the scope; the table's caption says its order in words."""

from datetime import date

from surgeries import lists as lists_module
from tests import factories as f


def test_only_practitioners_in_post_are_offered(cast, lists, as_user):
    left = f.WorkerFactory(team=cast.team_a1, name="Left Before", end_date=date(2018, 9, 30))
    starting = f.WorkerFactory(team=cast.team_a1, name="Starts Later", start_date=date(2018, 10, 1))
    in_post = f.WorkerFactory(
        team=cast.team_a1, name="Last Day Tomorrow", end_date=date(2018, 10, 1)
    )
    form = as_user(cast.manager_a1).get("/surgeries/").context["form"]
    offered = {pk for pk, _label in form.fields["worker"].choices if pk}
    assert cast.worker_a1.pk in offered and in_post.pk in offered
    assert left.pk not in offered and starting.pk not in offered
    assert cast.worker_b1.pk not in offered
    # The team's manager supervises the cases rather than holding them.
    assert cast.manager_a1.worker.pk not in offered


def test_only_lists_with_rows_in_the_scope_are_offered(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    counts = client.get("/surgeries/").context["page"].counts.by_list
    form = client.get("/surgeries/", {"list": "allocated_pct"}).context["form"]
    offered = [code for code, _label in form.fields["list"].choices if code]
    assert set(offered) == {code for code, n in counts.items() if any(n.values())}
    assert "allocated_pct" in offered
    # Lists with no row in this scope (no child here is in care, say) are left out.
    every = {x.code for x in lists_module.surgery_lists()}
    assert every - set(offered)
    assert all(not any(counts.get(code, {}).values()) for code in every - set(offered))


def test_caption_says_the_order_in_words(cast, lists, as_user):
    client = as_user(cast.manager_a1)
    html = client.get("/surgeries/").content.decode()
    assert "Children needing action, sorted by working days overdue, most first" in html
    assert "-days" not in html.split("<caption")[1].split("</caption>")[0]
    html = client.get("/surgeries/", {"sort": "due"}).content.decode()
    assert "sorted by due date, earliest first" in html


def test_a_row_not_yet_overdue_reads_due_in_working_days(cast, lists, as_user):
    response = as_user(cast.manager_a1).get("/surgeries/", {"kind": "due_soon", "due_soon_wd": 30})
    upcoming = [r for r in response.context["rows"] if r.days_overdue and r.days_overdue < 0]
    assert upcoming
    html = response.content.decode()
    for row in upcoming:
        assert row.due_in == -row.days_overdue
        cell = html.split(f'id="{row.key}"')[1].split('data-label="Due date"')[0]
        assert f"due in {row.due_in}<" in cell and f">{row.days_overdue}<" not in cell
