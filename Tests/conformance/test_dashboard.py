"""The dashboard in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`)
driven through WebDriver with the `selenium` package, against the real binary. The page loads,
a fixture created through its form answers a request that then shows in the live journal, a bad
fixture's error shows on the form, the test panel streams a reply, the usage charts draw, and
each view is photographed (the pictures go to LYREBIRD_SCREENSHOTS, else the test's own folder).
"""

import os
import pathlib
import shutil
import struct
import time
import zlib

import httpx
import openai
import pytest

from conftest import Server

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CONFIG = """
settings:
  admin_token: dashboard-secret
  plans: {team: {requests_per_minute: 100, requests_per_day: 1000}}
  keys: [{key: sk-dashboard, plan: team}]
fixtures:
  - name: greet
    match: {user: hello}
    timing: {first_token_ms: 50, tokens_per_second: 200}
    reply: {content: "Hello from the greet fixture, one word at a time."}
  - name: everything
    reply: {content: "The default fixture."}
  - name: too-late
    match: {user: late}
    reply: {content: "Never sent: everything answers first."}
"""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Debian's chromium and chromium-driver are not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = tmp_path_factory.mktemp("dashboard") / "dashboard.yaml"
    config.write_text(CONFIG)
    server = Server(["--config", str(config)])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = pathlib.Path(os.environ.get("LYREBIRD_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait(browser, condition, timeout=15):
    # The views draw their rows again as data arrives: a row found a moment ago may be gone.
    waiting = WebDriverWait(browser, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,))
    return waiting.until(lambda _: condition())


def png_colours(data):
    """How many distinct colours a PNG screenshot has (8-bit RGB or RGBA, any filter): a blank or
    broken page has one or two."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour_type = header[:4]
    assert depth == 8 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    seen, previous = set(), bytearray(stride)
    for row in range(0, height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        if row % 8 == 0:
            for x in range(0, width, 8):
                seen.add(bytes(line[x * channels : x * channels + 3]))
        previous = line
    return len(seen)


def photograph(browser, shots, name):
    data = browser.get_screenshot_as_png()
    (shots / f"{name}.png").write_bytes(data)
    # A page that drew its tables, forms and charts has many colours; a blank one has one or two.
    assert png_colours(data) >= 8, f"the {name} view looks blank"
    return data


def open_dashboard(browser, server):
    browser.get(server.url + "/_lyrebird/ui/")
    loaded = lambda: len(browser.find_elements(By.CSS_SELECTOR, "#fixture-rows tr")) >= 3  # noqa: E731
    # The host wants its admin token: the page asks for it once a session.
    if wait(browser, lambda: "token" if browser.find_element(By.ID, "token").is_displayed() else loaded()) == "token":
        browser.find_element(By.ID, "token-input").send_keys("dashboard-secret")
        browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
    wait(browser, loaded)


def test_fixtures_journal_usage_and_test_panel(server, browser, shots):
    open_dashboard(browser, server)
    rows = browser.find_elements(By.CSS_SELECTOR, "#fixture-rows tr")
    assert "greet" in rows[0].text and "dashboard.yaml" in rows[0].text and "read-only" in rows[0].text
    assert "never hit" in rows[0].text
    assert "shadowed" in rows[2].text and "shadowed" not in rows[1].text
    photograph(browser, shots, "fixtures")

    # A fixture with a mistake: the error shows on the form, nothing is created.
    text = browser.find_element(By.ID, "fixture-text")
    text.clear()
    text.send_keys("match: {user: weather}\nreply: {contnt: Sunny}")
    browser.find_element(By.ID, "fixture-save").click()
    error = wait(browser, lambda: browser.find_element(By.ID, "fixture-error").text or None)
    assert "contnt" in error
    assert text.get_attribute("aria-invalid") == "true"
    photograph(browser, shots, "fixture-error")

    # The corrected fixture is created, and a request through the SDK hits it.
    text.clear()
    text.send_keys("name: weather\npriority: 1\nmatch: {user: weather}\nreply: {content: Sunny all week.}")
    browser.find_element(By.ID, "fixture-save").click()
    wait(browser, lambda: any("weather" in row.text for row in browser.find_elements(By.CSS_SELECTOR, "#fixture-rows tr")))
    assert browser.find_element(By.ID, "fixture-error").text == ""
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-dashboard", max_retries=0)
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "weather in Oslo?"}])
    assert reply.choices[0].message.content == "Sunny all week."

    browser.find_element(By.CSS_SELECTOR, "nav button[data-view=journal]").click()
    def weather_row():
        row = next((r for r in browser.find_elements(By.CSS_SELECTOR, "#journal-rows tr") if "weather" in r.text), None)
        if row is None:
            return None
        assert "/v1/chat/completions" in row.text and "200" in row.text and "gpt-4o-mini" in row.text
        row.click()
        return row

    wait(browser, weather_row)
    detail = wait(browser, lambda: browser.find_element(By.ID, "journal-detail").text or None)
    assert "Sunny all week." in detail and "weather in Oslo?" in detail
    assert int(browser.find_element(By.ID, "journal-count").text) >= 1
    photograph(browser, shots, "journal")

    # The test panel streams the greet fixture's reply and names the fixture.
    browser.find_element(By.CSS_SELECTOR, "nav button[data-view=try]").click()
    Select(browser.find_element(By.ID, "try-endpoint")).select_by_value("chat")
    message = browser.find_element(By.ID, "try-message")
    message.clear()
    message.send_keys("hello there")
    browser.find_element(By.CSS_SELECTOR, "#try-form button").click()
    seen = set()

    def streamed():
        seen.add(browser.find_element(By.ID, "try-reply").text)
        return browser.find_element(By.ID, "try-fixture").text == "greet"

    wait(browser, streamed)
    assert browser.find_element(By.ID, "try-reply").text == "Hello from the greet fixture, one word at a time."
    assert len(seen) >= 2, "the reply arrived in more than one piece"
    assert browser.find_element(By.ID, "try-status").text == "200"
    photograph(browser, shots, "test-panel")

    # The same over a WebSocket session.
    Select(browser.find_element(By.ID, "try-endpoint")).select_by_value("websocket")
    browser.find_element(By.CSS_SELECTOR, "#try-form button").click()
    wait(browser, lambda: browser.find_element(By.ID, "try-status").text == "done")
    assert browser.find_element(By.ID, "try-reply").text == "Hello from the greet fixture, one word at a time."
    wait(browser, lambda: browser.find_element(By.ID, "try-fixture").text == "greet")

    # The usage charts draw bars of the requests so far.
    browser.find_element(By.CSS_SELECTOR, "nav button[data-view=usage]").click()
    wait(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#chart-requests svg rect")) >= 1)
    wait(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#chart-latency svg rect")) >= 1)
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-keys svg rect")
    # The listed key's use of each of its plan's limits.
    wait(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#chart-quotas svg rect")) == 2)
    assert "sk-dashboard requests_per_minute" in browser.find_element(By.ID, "chart-quotas").text
    assert "sk-dashboard" in browser.find_element(By.ID, "chart-keys").text or browser.find_elements(By.CSS_SELECTOR, "#chart-keys rect")
    photograph(browser, shots, "usage")


def test_the_live_journal_counts_when_requests_come_fast(server, browser):
    open_dashboard(browser, server)
    browser.find_element(By.CSS_SELECTOR, "nav button[data-view=journal]").click()
    before = int(wait(browser, lambda: browser.find_element(By.ID, "journal-count").text or None))
    with httpx.Client(base_url=server.base_url) as client:
        for _ in range(120):
            client.post("/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "burst"}]})
    wait(browser, lambda: int(browser.find_element(By.ID, "journal-count").text) >= before + 120)
    # The table keeps the newest hundred rows, however many came.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#journal-rows tr")) <= 100


def test_the_dashboard_serves_no_data_without_the_token_and_can_be_turned_off(server, tmp_path):
    page = httpx.get(server.url + "/_lyrebird/ui/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert httpx.get(server.url + "/_lyrebird/ui/app.js").headers["content-type"].startswith("text/javascript")
    assert httpx.get(server.url + "/_lyrebird/ui/secrets.txt").status_code == 404
    assert httpx.get(server.url + "/_lyrebird/journal/stream").status_code == 401
    # A web page elsewhere cannot load it through a rebound name.
    assert httpx.get(server.url + "/_lyrebird/ui/", headers={"host": "127.attacker.example"}).status_code == 403
    config = tmp_path / "off.yaml"
    config.write_text("settings: {dashboard: false}\n")
    off = Server(["--config", str(config)])
    try:
        refused = httpx.get(off.url + "/_lyrebird/ui/")
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "dashboard_off"
    finally:
        off.stop()


def test_live_journals_are_bounded_and_end_with_the_host(tmp_path):
    config = tmp_path / "plain.yaml"
    config.write_text("fixtures: [{reply: {content: x}}]\n")
    server = Server(["--config", str(config)])
    try:
        host, port = server.url.removeprefix("http://").split(":")
        import socket

        held = []
        for _ in range(32):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(f"GET /_lyrebird/journal/stream HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            assert b"200 OK" in sock.recv(4096)
            held.append(sock)
        refused = httpx.get(server.url + "/_lyrebird/journal/stream")
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_streams"
        started = time.monotonic()
    finally:
        code = server.stop()
    # The open streams end when the host stops; it does not wait out the shutdown grace.
    assert time.monotonic() - started < 8
    for sock in held:
        sock.close()
