"""A performance officer (second factor required) uploads a sample CIN census return and reads
the validation report: rejected as a whole, every problem listed by file, row and field."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in
from tests.fixtures import SAMPLES

pytestmark = pytest.mark.e2e


def test_performance_officer_uploads_a_return_and_reads_the_report(
    page, live_server, council, settings
):
    settings.OTP_ENFORCED = True
    sample = SAMPLES / "cin_census" / "cin-2022.xml"
    sign_in(page, "demo-performance", council.password, start="/imports/")
    expect(page.locator("h1")).to_have_text("Import returns")
    check_page(page, "performance-imports")

    # No return chosen and no file: the GOV.UK error summary takes focus.
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page(page, "performance-imports-errors")

    page.get_by_label("CIN census").check()
    page.get_by_label("Files").set_input_files(sample)
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("h1")).to_contain_text("CIN census import")
    expect(page.locator("h1")).to_contain_text("Rejected")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Nothing was loaded")
    expect(page.locator(".govuk-summary-list")).to_contain_text("cin-2022.xml")
    problems = page.locator("table", has=page.locator("caption", has_text="Problems by file"))
    expect(problems.locator("tbody tr").first).to_be_visible()
    assert problems.locator("tbody tr").count() > 0
    expect(problems.locator("tbody")).to_contain_text("cin-2022.xml")
    check_page(page, "performance-import-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the problems as CSV").click()
    assert download.value.suggested_filename.endswith("-report.csv")

    page.get_by_role("link", name="Back").click()
    expect(page.locator("h1")).to_have_text("Import returns")
    expect(page.get_by_role("table")).to_contain_text("Rejected")

    # The DfE's SSDA903 rules against the stored history, from the imports page.
    page.get_by_role("link", name="Check the SSDA903 history against the DfE's rules").click()
    expect(page.locator("h1")).to_contain_text("Check against the DfE's rules")
    by_rule = page.locator("table", has=page.locator("caption", has_text="Problems by rule"))
    expect(by_rule.locator("tbody")).to_contain_text("148")
    check_page(page, "performance-ssda903-checks")
