"""Stored text renders escaped and exports are safe to open: a script payload in every free-text
field of a child, worker, team, service area, action, surgery and discussion note never comes
back as markup on any page; CSV and XLSX exports neutralise formula injection; every ModelForm
names its fields."""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
from typing import Any

import pytest
from django import forms
from django.db import models
from django.test import Client
from openpyxl import load_workbook

from surgeries.models import Discussion
from tests.security.conftest import CP_MEASURE, OWN, QUARTER
from tests.security.matrix import every_url

# Script payloads, longest first; each field gets the longest that fits its max_length, so the
# same walk holds on PostgreSQL (varchar lengths enforced) and SQLite (not enforced).
PAYLOADS = (
    "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>",  # a tag and an attribute breakout
    "\"'><img src=x onerror=alert(1)>",  # breaks out of an attribute, runs on load
    "<svg onload=alert(1)>",  # the shortest common script payload (21 characters)
    # Too short for a script (postcode, UPN: 10-13 characters; ethnicity code: 4): markup
    # injection, which shows the field reaches a page unescaped just as well.
    "<u>XSS</u>",
    "<u>X",
)
# What each payload looks like if a page emits it raw, and escaped.
RAW_MARKERS = (b"<script>alert(1)", b"<img src=x onerror", b"<svg onload", b"<u>X")
ESCAPED_MARKERS = (b"&lt;script&gt;alert(1)", b"&lt;img src=x onerror", b"&lt;svg onload")


def payload_for(fld: models.Field) -> str:
    """The longest payload the column can hold (text fields have no limit)."""
    limit = fld.max_length
    for payload in PAYLOADS:
        if limit is None or len(payload) <= limit:
            return payload
    raise AssertionError(f"{fld} is too short for any payload ({limit})")


def fill_text_fields(instance: models.Model) -> dict[str, str]:
    """Put a payload in every free-text field (char or text, no choices) of a row: field name to
    the payload it got."""
    filled = {}
    for fld in instance._meta.concrete_fields:
        if isinstance(fld, models.CharField | models.TextField) and not fld.choices:
            filled[fld.name] = payload_for(fld)
            setattr(instance, fld.attname, filled[fld.name])
    # Model.save() would run history and timestamps; the payload is what matters.
    type(instance)._base_manager.filter(pk=instance.pk).update(**filled)
    return filled


@pytest.fixture
def hostile_world(world):
    site = world.site(OWN)
    site.child.refresh_from_db()
    filled = {
        "child": fill_text_fields(site.child),
        "worker": fill_text_fields(site.worker),
        "team": fill_text_fields(site.team),
        "service area": fill_text_fields(site.team.service_area),
        "action": fill_text_fields(site.action),
        "surgery": fill_text_fields(site.surgery),
        "closed surgery": fill_text_fields(site.closed_surgery),
    }
    discussion = Discussion.objects.create(
        surgery=site.surgery,
        child=site.child,
        note=PAYLOADS[0],
        recorded_by=world.cast.manager_a1,
    )
    filled["discussion"] = {"note": PAYLOADS[0]}
    from tests import factories as f

    f.VisitFactory(child=site.child, worker=site.worker)
    assert all(filled.values()), filled
    return world, discussion


@pytest.mark.walk
@pytest.mark.parametrize("who", ["admin", "manager_a1", "chair_a", "social_worker"])
def test_stored_script_renders_escaped_on_every_page(hostile_world, who, record_property):
    world, _ = hostile_world
    client = Client()
    client.force_login(getattr(world.cast, who))
    pages, showing, failures = 0, 0, []
    for label, url in every_url(world):
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        pages += 1
        body = response.content
        if any(marker in body for marker in ESCAPED_MARKERS):
            showing += 1
        if any(marker in body for marker in RAW_MARKERS):
            failures.append(f"{label} {url}")
    print(
        f"\nXSS walk as {who}: {pages} HTML pages, {showing} show the payload escaped, "
        f"{len(failures)} raw"
    )
    record_property(f"xss_pages_{who}", pages)
    assert showing >= 5  # the payload really is on the pages walked
    assert failures == []


# --- Exports ------------------------------------------------------------------------------------

FORMULAS = {
    "first_name": '=HYPERLINK("http://evil.example","x")',
    "last_name": "+SUM(1,2)",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_world(world):
    site = world.site(OWN)
    type(site.child).objects.filter(pk=site.child.pk).update(**FORMULAS)
    type(site.worker).objects.filter(pk=site.worker.pk).update(name="@cmd|' /C calc'!A0")
    type(site.team).objects.filter(pk=site.team.pk).update(name="-2+3 North")
    type(site.action).objects.filter(pk=site.action.pk).update(description="\t=1+1")
    Discussion.objects.create(
        surgery=site.closed_surgery,
        child=site.child,
        note="\r=1+1",
        recorded_by=world.cast.manager_a1,
    )
    return world


def export_urls(world) -> list[str]:
    site = world.site(OWN)
    scope = f"scope=team:{site.team.pk}&cohort=denominator"
    urls = []
    for fmt in ("csv", "xlsx"):
        urls += [
            f"/surgeries/export.{fmt}",
            f"/scorecard/{QUARTER}/{CP_MEASURE}/export.{fmt}?{scope}",
            f"/scorecard/{QUARTER}/scorecard.{fmt}?scope=team:{site.team.pk}",
        ]
    urls += [
        f"/surgeries/meetings/{site.closed_surgery.public_id}/minutes.xlsx",
        "/imports/annex-a/?as_at=2018-09-30",
    ]
    return urls


def cells(response) -> list[tuple[Any, str]]:
    """(value, data type) of every cell: CSV text, or XLSX cells with openpyxl's type."""
    body = response.content
    if "spreadsheetml" in response["Content-Type"]:
        book = load_workbook(io.BytesIO(body))
        return [
            (c.value, c.data_type)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
    text = body.decode("utf-8-sig")
    return [(v, "s") for row in csv.reader(io.StringIO(text)) for v in row]


def test_exports_neutralise_formula_injection(formula_world, client, record_property):
    world = formula_world
    client.force_login(world.cast.admin)
    checked, carried = 0, 0
    for url in export_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        checked += 1
        for value, kind in cells(response):
            assert kind != "f", f"{url}: formula cell {value!r}"
            if isinstance(value, str):
                assert not value.startswith(TRIGGERS), f"{url}: {value!r}"
                carried += any(
                    token in value for token in ("HYPERLINK", "SUM(1,2)", "calc", "=1+1", "-2+3")
                )
    print(f"\nexports: {checked} files, {carried} hostile cells all quoted")
    record_property("exports_checked", checked)
    assert carried >= 4  # the hostile values really reach the files


# --- Forms --------------------------------------------------------------------------------------

PROJECT_APPS = ("accounts", "casework", "scorecard", "surgeries")


def project_model_forms() -> list[type[forms.ModelForm]]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name or ".demo" in info.name:
                continue
            importlib.import_module(info.name)
    found, stack = [], list(forms.ModelForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.append(cls)
    return found


def test_every_model_form_names_its_fields():
    model_forms = project_model_forms()
    assert model_forms, "the recording forms are ModelForms"
    for form in model_forms:
        meta = form._meta
        assert isinstance(meta.fields, list | tuple), f"{form.__name__}: fields={meta.fields!r}"
        assert meta.exclude is None, f"{form.__name__} uses exclude"
