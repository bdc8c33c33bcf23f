#!/usr/bin/env python3
"""Drives the web UI of `sensevoice serve` in headless Chromium (Debian chromium + chromium-driver).

Starts the built server on a free loopback port with the tiny fixture model, then:
  1. uploads Tests/Fixtures/audio/ja.wav with ITN off, waits for the job, checks the segment
     table, the emotion badge and the timeline, plays from a segment, downloads the SRT;
  2. records two seconds from Chromium's fake microphone and transcribes the recording;
  3. checks the layout at 375 px width (no horizontal scrolling) and in dark mode.
Screenshots and the downloaded SRT are saved in --out (default .build/test-artifacts/browser).

Exit status 0 when everything passed, 1 on a failure, 77 when Chromium or selenium is missing
(the test is skipped: scripts/install-test-services.sh installs them).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = 77


def find(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def tools(binary):
    """(chromium, chromedriver, None), or (None, None, exit status) after saying what is missing."""
    chromium = find("chromium", "chromium-browser", "google-chrome")
    driver_path = find("chromedriver")
    try:
        from selenium import webdriver  # noqa: F401
    except ImportError:
        print("SKIP browser test: python selenium is missing (run scripts/install-test-services.sh)")
        return None, None, SKIP
    if not chromium or not driver_path:
        print("SKIP browser test: chromium and chromium-driver are missing (run scripts/install-test-services.sh)")
        return None, None, SKIP
    if not os.access(binary, os.X_OK):
        print(f"FAIL: no server binary at {binary}; run swift build first")
        return None, None, 1
    return chromium, driver_path, None


def arguments(description, artifacts):
    """The options every browser script takes; screenshots go to .build/test-artifacts/`artifacts`."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.environ.get("SENSEVOICE_BIN", os.path.join(ROOT, ".build/debug/sensevoice")))
    parser.add_argument("--model", default=os.path.join(ROOT, "Tests/Fixtures/tiny-sensevoice"))
    parser.add_argument("--out", default=os.path.join(ROOT, ".build/test-artifacts", artifacts))
    parser.add_argument("--timeout", type=float, default=120)
    return parser.parse_args()


def main():
    args = arguments(__doc__, "browser")

    chromium, driver_path, status = tools(args.binary)
    if status is not None:
        return status

    os.makedirs(args.out, exist_ok=True)
    downloads = os.path.join(args.out, "downloads")
    shutil.rmtree(downloads, ignore_errors=True)
    os.makedirs(downloads)
    data_dir = tempfile.mkdtemp(prefix="sv-browser-")
    try:
        return run_reporting("browser test", Server(args.binary, args.model, data_dir), args.out,
                             lambda server: run_browser(chromium, driver_path, server.url, args, downloads))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_reporting(name, server, out, body):
    """Starts `server`, runs `body(server)`, stops it; 0 with PASS, or 1 with FAIL and the server's log."""
    try:
        server.start()
        body(server)
        print(f"PASS {name}; artifacts in {out}")
        return 0
    except Failure as e:
        print(f"FAIL {name}: {e}")
        print("--- server log (last 40 lines) ---")
        print("\n".join(server.log.splitlines()[-40:]))
        return 1
    finally:
        server.stop()


class Failure(Exception):
    pass


class Server:
    """The sensevoice server as a child process."""

    def __init__(self, binary, model, data_dir):
        self.command = [binary, "serve", "--model", model, "--port", "0", "--data-dir", data_dir, "--workers", "1",
                        "--no-vad"]  # the whole-file path: the badges checked below depend on it
        self.process = None
        self.log = ""
        self.url = None

    def start(self):
        self.process = subprocess.Popen(self.command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        found = threading.Event()

        def read():
            for line in self.process.stderr:
                self.log += line
                m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
                if m and not self.url:
                    self.url = m.group(1)
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(60):
            raise Failure("the server did not start listening:\n" + self.log)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run_browser(chromium, driver_path, url, args, downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--lang=en-US", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 "--autoplay-policy=no-user-gesture-required", "--window-size=1280,1000",
                 "--unsafely-treat-insecure-origin-as-secure=" + url]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    from selenium.common.exceptions import StaleElementReferenceException
    wait = WebDriverWait(driver, args.timeout, ignored_exceptions=[StaleElementReferenceException])
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        driver.get(url + "/")
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "ready"))

        # 1. Upload a fixture with ITN off (the tiny model then tags it "fearful").
        driver.find_element(By.ID, "itn").click()
        driver.find_element(By.ID, "file-input").send_keys(os.path.join(ROOT, "Tests/Fixtures/audio/ja.wav"))
        wait.until(lambda d: d.find_element(By.ID, "submit").is_enabled())
        driver.find_element(By.ID, "submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "result")))
        rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#segments tbody tr") or None)
        check(len(rows) >= 1, "the segment table has no rows")
        badges = driver.find_elements(By.CSS_SELECTOR, "#segments tbody .badge.emotion")
        check(any(b.get_attribute("data-emotion") == "fearful" for b in badges), "no emotion badge in the segment table")
        check(driver.find_elements(By.CSS_SELECTOR, "#summary .badge.emotion"), "no emotion badge in the summary")
        check(driver.find_elements(By.CSS_SELECTOR, "#timeline .seg.fearful"), "the timeline has no segment coloured by emotion")
        check(driver.find_element(By.ID, "clean-text").text.strip() not in ("", "—"), "no clean text")
        check(any("ja.wav" in j["text"] and "succeeded" in j["class"] for j in jobs(driver)),
              "the jobs list does not show ja.wav as succeeded")

        # Play from the first segment: the audio element gets the upload and starts.
        click(driver, rows[0].find_element(By.CSS_SELECTOR, "button.play"))
        wait.until(lambda d: d.execute_script("const p = document.getElementById('player'); return p.src && (p.currentTime > 0 || !p.paused);"))

        driver.execute_script("document.getElementById('result').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "result-desktop.png"))

        def downloaded(name, what):
            """Waits up to 30 s for a download, keeps a copy next to the screenshots, returns its text."""
            path = os.path.join(downloads, name)
            deadline = time.time() + 30
            while time.time() < deadline and not os.path.exists(path):
                time.sleep(0.2)
            check(os.path.exists(path), f"the {what} download did not arrive in {downloads}: {os.listdir(downloads)}")
            shutil.copy(path, os.path.join(args.out, name))
            return open(path, encoding="utf-8").read()

        # Download the SRT.
        click(driver, driver.find_element(By.ID, "download-srt"))
        srt = downloaded("ja.srt", "SRT")
        check(srt.startswith("1\n00:00:00,000 --> "), f"the SRT looks wrong: {srt[:80]!r}")

        # Download the markers as an EDL for DaVinci Resolve: the fearful segment is one marker.
        Select(driver.find_element(By.ID, "markers-layout")).select_by_value("edl")
        click(driver, driver.find_element(By.ID, "download-markers"))
        edl = downloaded("ja.edl", "markers")
        check(edl.startswith("TITLE: ja.wav\nFCM: NON-DROP FRAME\n"), f"the EDL looks wrong: {edl[:80]!r}")
        check("|C:ResolveColorPurple |M:fearful" in edl, f"the EDL has no fearful marker: {edl!r}")

        # 2. Record from the fake microphone and transcribe the recording.
        click(driver, driver.find_element(By.ID, "record"))
        wait.until(lambda d: d.find_element(By.ID, "record").get_attribute("aria-pressed") == "true")
        time.sleep(2.5)
        click(driver, driver.find_element(By.ID, "record"))
        chip = wait.until(lambda d: [li for li in d.find_elements(By.CSS_SELECTOR, "#picked li") if "recording-" in li.text] or None)
        check(chip, "the recording did not become a file to send")
        click(driver, driver.find_element(By.ID, "submit"))
        recorded = wait.until(lambda d: [j for j in jobs(d) if "recording-" in j["text"]
                                         and ("succeeded" in j["class"] or "failed" in j["class"])] or None)[0]
        check("succeeded" in recorded["class"], f"the recording's job failed: {recorded['text']}")
        wait.until(lambda d: "recording-" in d.find_element(By.ID, "result-title").text)

        # 3. Phone width and dark mode.
        phone_width_then_dark(driver, os.path.join(args.out, "mobile-375.png"))
        click(driver, driver.find_element(By.CSS_SELECTOR, "#jobs .job.succeeded button.view"))
        time.sleep(0.5)
        driver.execute_script("document.getElementById('result').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "result-dark.png"))
        logs = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        check(not logs, f"browser console errors: {logs}")
    finally:
        driver.quit()


def phone_width(driver, what="the page"):
    """Sets a 375 px wide window and checks that nothing scrolls sideways."""
    driver.set_window_size(375, 812)
    time.sleep(0.5)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return window.innerWidth")
    check(width <= viewport, f"{what}: horizontal scrolling at {viewport} px: the page is {width} px wide")


def chrome(chromium, driver_path, language, timeout, window="1280,1000"):
    """Headless Chromium whose browser language is `language` (e.g. en-US, zh-CN), and a wait."""
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", f"--lang={language}", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={window}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": f"{language},{language.split('-')[0]}"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    return driver, WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException])


def phone_width_then_dark(driver, screenshot):
    """At 375 px: no horizontal scrolling, a screenshot; then dark mode at 1280 px."""
    phone_width(driver)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(screenshot)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    time.sleep(0.3)
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    check(dark(background), f"dark mode background is {background}")
    driver.set_window_size(1280, 1000)


def dark(css_color):
    numbers = [int(n) for n in re.findall(r"\d+", css_color)[:3]]
    return len(numbers) == 3 and sum(numbers) / 3 < 80


def jobs(driver):
    """The rows of the jobs list as {text, class}, read in one step (the list re-renders live)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#jobs .job')].map(li => ({text: li.innerText, class: li.className}))")


def click(driver, element):
    """Scrolls an element to the middle of the view, then clicks it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def check(condition, message):
    if not condition:
        raise Failure(message)


if __name__ == "__main__":
    sys.exit(main())
