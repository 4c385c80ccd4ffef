"""factory_boy factories for the case record. Dates default to just before the demo's reporting
date so tests read like the seed quarter."""

from datetime import date, datetime, time

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from casework import models as m

factory.Faker._DEFAULT_LOCALE = "en_GB"


def aware(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = m.ServiceArea
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Service area {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = m.Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)
    kind = m.Team.Kind.SAFEGUARDING


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = m.Worker

    staff_id = factory.Sequence(lambda n: f"SW{n:05d}")
    name = factory.Faker("name")
    role = m.Worker.Role.SOCIAL_WORKER
    fte = 1
    team = factory.SubFactory(TeamFactory)
    start_date = date(2015, 1, 1)


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = m.Child

    la_child_id = factory.Sequence(lambda n: f"C{n:07d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(2010, 5, 17)
    sex = m.Child.Sex.FEMALE


class InvolvementFactory(DjangoModelFactory):
    class Meta:
        model = m.Involvement

    child = factory.SubFactory(ChildFactory)
    worker = factory.SubFactory(WorkerFactory)
    team = factory.LazyAttribute(lambda o: o.worker.team)
    role = m.Involvement.Role.ALLOCATED_WORKER
    start_date = date(2018, 1, 2)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = m.Contact

    child = factory.SubFactory(ChildFactory)
    received_at = factory.LazyFunction(lambda: aware(date(2018, 8, 1)))
    outcome = m.Contact.Outcome.REFERRAL


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = m.Referral

    child = factory.SubFactory(ChildFactory)
    team = factory.SubFactory(TeamFactory)
    referral_date = date(2018, 1, 2)


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = m.Assessment

    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 1, 3)


class CINPlanFactory(DjangoModelFactory):
    class Meta:
        model = m.CINPlan

    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 3, 1)


class Section47Factory(DjangoModelFactory):
    class Meta:
        model = m.Section47

    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 8, 1)


class InitialConferenceFactory(DjangoModelFactory):
    class Meta:
        model = m.InitialConference

    child = factory.SubFactory(ChildFactory)
    date = date(2018, 8, 20)
    plan_made = True


class CPPlanFactory(DjangoModelFactory):
    class Meta:
        model = m.CPPlan

    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 6, 1)
    initial_category = m.CPPlan.Category.NEGLECT
    latest_category = m.CPPlan.Category.NEGLECT


class CPReviewFactory(DjangoModelFactory):
    class Meta:
        model = m.CPReview

    cp_plan = factory.SubFactory(CPPlanFactory)
    child = factory.LazyAttribute(lambda o: o.cp_plan.child)
    due_date = date(2018, 9, 1)


class CareEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = m.CareEpisode

    child = factory.SubFactory(ChildFactory)
    start_date = date(2018, 2, 1)
    rne = "S"
    legal_status = "C2"
    cin = "N1"
    place = "U1"
    in_area = True


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = m.Visit

    child = factory.SubFactory(ChildFactory)
    date = date(2018, 9, 3)
    visit_type = m.Visit.Type.CIN
    child_seen = True
    recorded_at = factory.LazyAttribute(lambda o: aware(o.date, 17))


class HealthCheckFactory(DjangoModelFactory):
    class Meta:
        model = m.HealthCheck

    child = factory.SubFactory(ChildFactory)
    kind = m.HealthCheck.Kind.HEALTH
    date = date(2018, 3, 1)


class CareLeaverFactory(DjangoModelFactory):
    class Meta:
        model = m.CareLeaver

    child = factory.SubFactory(ChildFactory)
    eligibility = m.CareLeaver.Eligibility.RELEVANT
    start_date = date(2017, 6, 1)


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = m.Complaint

    received_date = date(2018, 8, 1)
