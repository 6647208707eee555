import time

import pytest
from django.core.management import call_command

from tests.browser import ARTIFACTS, chromium, chromium_available
from tests.factories import StaffFactory

CHARTS = ("daily", "backlog", "resolution", "methods", "reroute")


def test_dashboard_redirects_anonymous_users_to_the_admin_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_dashboard_refuses_non_staff(client, user):
    client.force_login(user)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_dashboard_renders_the_filter_and_chart_data_for_staff(client, staff):
    call_command("seed_demo", tickets=120, days=10, seed=2)
    client.force_login(staff)
    response = client.get("/dashboard/?department=hr&since=2000-01-01")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="chart-data"' in body and "chart.umd.min.js" in body
    assert '<option value="hr" selected>' in body
    bad = client.get("/dashboard/?since=not-a-date")
    assert bad.status_code == 200 and "since:" in bad.content.decode()


@pytest.fixture
def browser():
    if not chromium_available():
        pytest.fail("Debian's chromium and chromium-driver are required (.ci/run installs them).")
    with chromium(window_size="1400,1500") as driver:
        yield driver


def test_dashboard_draws_its_charts_with_data_in_headless_chromium(transactional_db, departments_present, live_server, browser):
    call_command("seed_demo", tickets=600, days=30, seed=7)
    StaffFactory(username="chart-agent", password="chart-pass-123")
    browser.get(f"{live_server.url}/admin/login/?next=/dashboard/")
    browser.find_element("name", "username").send_keys("chart-agent")
    browser.find_element("name", "password").send_keys("chart-pass-123")
    browser.find_element("css selector", "input[type=submit]").click()
    assert browser.current_url.rstrip("/").endswith("/dashboard")

    script = """
        const out = {};
        for (const [name, chart] of Object.entries(window.dashboardCharts || {})) {
          const sums = chart.data.datasets.map(d => d.data.reduce((a, b) => a + (b || 0), 0));
          const canvas = chart.canvas;
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
          out[name] = {datasets: chart.data.datasets.length, sums, painted, width: canvas.width};
        }
        out.instances = Object.keys(Chart.instances).length;
        return out;
        """

    def drawn(figures) -> bool:
        return all(figures.get(name, {}).get("painted", 0) > 1000 for name in CHARTS)

    # Chart.js animates its first draw; on a busy machine that takes a while.
    deadline = time.monotonic() + 30
    figures = browser.execute_script(script)
    while not drawn(figures) and time.monotonic() < deadline:
        time.sleep(0.5)
        figures = browser.execute_script(script)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))
    assert figures["instances"] == len(CHARTS)
    for name in CHARTS:
        chart = figures[name]
        assert chart["datasets"] >= 1, name
        assert any(total > 0 for total in chart["sums"]), f"{name} has no data: {chart}"
        assert chart["width"] > 0 and chart["painted"] > 1000, f"{name} was not drawn: {chart}"
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
