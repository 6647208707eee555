"""One real browser: Debian's headless Chromium, driven through the system chromedriver
(selenium-manager is never asked to download anything)."""

import pytest

from routing.services import agent_create
from tests.admin_ui.conftest import routed_ticket
from tests.browser import ARTIFACTS, chromium, chromium_available


pytestmark = [
    # Not serialized_rollback: after another transactional test's flush, restoring the
    # serialized content types collides with the ones the flush recreated.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("departments_present"),
    pytest.mark.skipif(
        not chromium_available(),
        reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
    ),
]


@pytest.fixture
def browser():
    with chromium(window_size="1600,1000") as driver:
        yield driver


def test_agent_changelist_screenshot_shows_only_their_tickets(live_server, browser):
    from selenium.webdriver.common.by import By

    agent_create(username="screen-agent", department_slugs=["hr"], password="screen-pass-123")
    routed_ticket("hr", title="Payslip for March is missing")
    routed_ticket("facilities", needs_review=True, title="Wobbly chair in room 4")
    routed_ticket("finance", title="Vendor invoice 4411 unpaid")

    browser.get(f"{live_server.url}/admin/login/?next=/admin/tickets/ticket/")
    browser.find_element(By.NAME, "username").send_keys("screen-agent")
    browser.find_element(By.NAME, "password").send_keys("screen-pass-123")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()

    results = browser.find_element(By.ID, "result_list")
    text = results.text
    assert "Payslip for March is missing" in text
    assert "Wobbly chair in room 4" in text  # the triage queue
    assert "Vendor invoice 4411 unpaid" not in browser.page_source

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "admin_ticket_changelist_agent.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
