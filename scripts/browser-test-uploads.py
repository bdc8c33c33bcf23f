#!/usr/bin/env python3
"""Web UI uploads under limits and a key, in headless Chromium (issue 15, item 10).

Reuses the server and browser setup of scripts/browser-test.py. Starts the built server with
--max-upload-mb 1 and an API key, then:
  1. picks three files at once, one of them over the per-file limit: each file is sent as its own
     upload, the two that fit become jobs (in separate submissions), the one over the limit is
     named in the message and leaves the pick list;
  2. scrolls to the top and clicks "View" on a finished job: the result card is at the top of the
     view and its title has the focus;
  3. clicks the footer's metrics link with the key set: the metrics are shown, not a 401.

Exit status 0 when everything passed, 1 on a failure, 77 when Chromium or selenium is missing.
"""

import importlib.util
import os
import shutil
import struct
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(ROOT, "scripts", "browser-test.py"))
bt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bt)

KEY = "browser-test-key"


def wav(path, seconds):
    """A 16 kHz mono 16-bit WAV of quiet noise."""
    n = int(seconds * 16000)
    data = bytes((i * 7919 + 13) % 251 for i in range(2 * n))
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16))
        f.write(b"data" + struct.pack("<I", len(data)) + data)


def main():
    args = bt.arguments(__doc__, "browser-uploads")

    chromium, driver_path, status = bt.tools(args.binary)
    if status is not None:
        return status

    os.makedirs(args.out, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="sv-browser-uploads-")
    files_dir = tempfile.mkdtemp(prefix="sv-browser-files-")
    server = bt.Server(args.binary, args.model, data_dir)
    server.command += ["--max-upload-mb", "1", "--api-key", KEY]
    try:
        big = os.path.join(files_dir, "big.wav")
        wav(big, 40)  # 1.3 MB: over the 1 MB per-file limit
        return bt.run_reporting("browser upload test", server, args.out,
                                lambda server: run(chromium, driver_path, server.url, args, big))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(files_dir, ignore_errors=True)


def run(chromium, driver_path, url, args, big):
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--lang=en-US", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,700"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    wait = WebDriverWait(driver, args.timeout, ignored_exceptions=[StaleElementReferenceException])
    check = bt.check
    try:
        # Store the key on a page of the same origin that makes no API calls, then open the UI.
        driver.get(url + "/openapi.json")
        driver.execute_script("localStorage.setItem('sensevoice.apiKey', arguments[0])", KEY)
        driver.get(url + "/")
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "ready"))

        # 1. Three files picked at once, one over the per-file limit.
        picks = [os.path.join(ROOT, "Tests/Fixtures/audio/ja.wav"), big, os.path.join(ROOT, "Tests/Fixtures/audio/en.wav")]
        driver.find_element(By.ID, "file-input").send_keys("\n".join(picks))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#picked li")) == 3)
        bt.click(driver, driver.find_element(By.ID, "submit"))
        wait.until(lambda d: "big.wav was refused" in d.find_element(By.ID, "message").text)
        message = driver.find_element(By.ID, "message").text
        check("1 MB per file" in message or "limit" in message, f"the refusal does not say why: {message}")
        check(not driver.find_elements(By.CSS_SELECTOR, "#picked li"), "the refused file is still in the pick list")
        check(not driver.find_element(By.ID, "submit").is_enabled(), "the send button is enabled with nothing to send")
        names = wait.until(lambda d: sorted(j["text"].split("\n")[0] for j in bt.jobs(d) if "succeeded" in j["class"]) or None)
        wait.until(lambda d: len([j for j in bt.jobs(d) if "succeeded" in j["class"]]) == 2)
        listed = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/jobs', {headers: {Authorization: 'Bearer ' + arguments[0]}})
              .then(r => r.json()).then(b => done(b.jobs.map(j => [j.file, j.batch_id]))).catch(e => done(String(e)));
        """, KEY)
        check(isinstance(listed, list) and sorted(f for f, _ in listed) == ["en.wav", "ja.wav"], f"jobs on the server: {listed} ({names})")
        check(len({b for _, b in listed}) == 2, f"the two files went in one submission: {listed}")

        # 2. "View" brings the result card into view.
        wait.until(EC.visibility_of_element_located((By.ID, "result")))
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        view = [b for b in driver.find_elements(By.CSS_SELECTOR, "#jobs .job button.view")
                if "selected" not in b.find_element(By.XPATH, "./ancestor::li").get_attribute("class")]
        check(view, "no other finished job to view")
        view[0].click()
        time.sleep(1.0)
        top = driver.execute_script("return document.getElementById('result').getBoundingClientRect().top")
        height = driver.execute_script("return window.innerHeight")
        check(-2 <= top <= height * 0.25, f"the result card is at {top:.0f} px of a {height} px view after View")
        check(driver.execute_script("return document.activeElement && document.activeElement.id") == "result-title",
              "the result title does not have the focus")
        driver.save_screenshot(os.path.join(args.out, "after-view.png"))

        # 3. The metrics link works with the key.
        bt.click(driver, driver.find_element(By.ID, "metrics-link"))
        wait.until(lambda d: d.execute_script("return document.getElementById('metrics-dialog').open"))
        text = driver.find_element(By.ID, "metrics-text").text
        check("sensevoice_model_ready" in text, f"the metrics dialog shows: {text[:200]!r}")
        # The 413 of the refused file is expected; so is the browser's own /favicon.ico probe of
        # the key-less page used to store the key.
        logs = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"
                and "413" not in entry.get("message", "") and "favicon.ico" not in entry.get("message", "")]
        check(not logs, f"browser console errors: {logs}")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
