#!/usr/bin/env python3
"""Drives the web UI's Live tab in headless Chromium with a fake microphone playing a WAV file.

Starts the built server with the tiny fixture model and the FSMN-VAD, opens the Live tab, starts
listening to Chromium's fake microphone (--use-file-for-fake-audio-capture=WAV, default
Tests/Fixtures/audio/ja.wav, which the tiny model tags "fearful" with ITN off), waits for finals with emotion badges, the live emotion
timeline and the level meter, stops (the last finals and `done` arrive), then checks 375 px width
and dark mode. Screenshots go to --out (default .build/test-artifacts/browser-live).

Exit status 0 when everything passed, 1 on a failure, 77 when Chromium, selenium or the VAD model
is missing (the calling test is skipped).
"""

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = 77

# The server wrapper and helpers of the main browser test.
_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(ROOT, "scripts/browser-test.py"))
bt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bt)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.environ.get("SENSEVOICE_BIN", os.path.join(ROOT, ".build/debug/sensevoice")))
    parser.add_argument("--model", default=os.path.join(ROOT, "Tests/Fixtures/tiny-sensevoice"))
    parser.add_argument("--vad-model", default=os.environ.get("SENSEVOICE_TEST_VAD_MODEL", os.path.join(ROOT, ".cache/models/fsmn-vad")))
    parser.add_argument("--audio", default=os.path.join(ROOT, "Tests/Fixtures/audio/ja.wav"))
    parser.add_argument("--out", default=os.path.join(ROOT, ".build/test-artifacts/browser-live"))
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    chromium = bt.find("chromium", "chromium-browser", "google-chrome")
    driver_path = bt.find("chromedriver")
    try:
        from selenium import webdriver  # noqa: F401
    except ImportError:
        print("SKIP live browser test: python selenium is missing (run scripts/install-test-services.sh)")
        return SKIP
    if not chromium or not driver_path:
        print("SKIP live browser test: chromium and chromium-driver are missing (run scripts/install-test-services.sh)")
        return SKIP
    if not os.path.exists(os.path.join(args.vad_model, "model.pt")):
        print(f"SKIP live browser test: no FSMN-VAD model in {args.vad_model} (run scripts/fetch-test-models.sh)")
        return SKIP
    if not os.access(args.binary, os.X_OK):
        print(f"FAIL: no server binary at {args.binary}; run swift build first")
        return 1

    os.makedirs(args.out, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="sv-browser-live-")
    server = bt.Server(args.binary, args.model, data_dir)
    server.command = [args.binary, "serve", "--model", args.model, "--vad-model", args.vad_model, "--port", "0",
                      "--data-dir", data_dir, "--workers", "1"]
    try:
        server.start()
        run(chromium, driver_path, server.url, args)
        print(f"PASS live browser test; screenshots in {args.out}")
        return 0
    except bt.Failure as e:
        print(f"FAIL live browser test: {e}")
        print("--- server log (last 40 lines) ---")
        print("\n".join(server.log.splitlines()[-40:]))
        return 1
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def run(chromium, driver_path, url, args):
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--lang=en-US", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 "--use-file-for-fake-audio-capture=" + args.audio,
                 "--autoplay-policy=no-user-gesture-required", "--window-size=1280,1000",
                 "--unsafely-treat-insecure-origin-as-secure=" + url]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    wait = WebDriverWait(driver, args.timeout, ignored_exceptions=[StaleElementReferenceException])
    check, click = bt.check, bt.click
    try:
        driver.get(url + "/#live")
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "ready"))
        check(driver.find_element(By.ID, "live").is_displayed(), "#live does not open the Live tab")
        check(not driver.find_element(By.ID, "upload-title").is_displayed(), "the Files tab is still shown on the Live tab")
        click(driver, driver.find_element(By.ID, "tab-files"))
        check(driver.find_element(By.ID, "upload-title").is_displayed() and not driver.find_element(By.ID, "live").is_displayed(),
              "the Files tab does not come back")
        click(driver, driver.find_element(By.ID, "tab-live"))

        # ITN off: the tiny model then tags most segments with an emotion.
        click(driver, driver.find_element(By.ID, "live-itn"))
        click(driver, driver.find_element(By.ID, "live-toggle"))
        wait.until(lambda d: d.find_element(By.ID, "live-toggle").get_attribute("aria-pressed") == "true")
        # The level meter moves with the fake microphone.
        wait.until(lambda d: int(d.find_element(By.ID, "live-level").get_attribute("aria-valuenow") or 0) > 0)
        # Finals with emotion badges, and the timeline growing with them.
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#live-finals .live-final")) >= 2)
        finals = driver.find_elements(By.CSS_SELECTOR, "#live-finals .live-final")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "live-desktop.png"))
        # Every final the server tagged with an emotion shows its badge (the tiny model tags most).
        tagged = [f for f in finals if f.get_attribute("data-emotion")]
        check(tagged, "no final carries an emotion")
        check(all(f.find_elements(By.CSS_SELECTOR, f".badge.emotion[data-emotion='{f.get_attribute('data-emotion')}']") for f in tagged),
              "a final with an emotion has no emotion badge")
        check(all(f.find_element(By.CSS_SELECTOR, ".words").text.strip() for f in finals), "a final has no text")
        segs = driver.find_elements(By.CSS_SELECTOR, "#live-timeline .seg")
        check(len(segs) == len(finals), f"the timeline has {len(segs)} blocks for {len(finals)} finals")
        check(driver.find_elements(By.CSS_SELECTOR, "#live-legend .badge.emotion"), "no emotion legend")
        partial_color = driver.execute_script("return getComputedStyle(document.getElementById('live-partial')).color")
        text_color = driver.execute_script("return getComputedStyle(document.body).color")
        check(partial_color != text_color, "the partial line is not greyed")

        # Stop: the microphone closes, the last final and done arrive, the button resets.
        count = len(finals)
        click(driver, driver.find_element(By.ID, "live-toggle"))
        wait.until(lambda d: d.find_element(By.ID, "live-toggle").get_attribute("aria-pressed") == "false")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#live-finals .live-final")) >= count, "finals disappeared after stop")
        message = driver.find_element(By.ID, "message")
        check(not message.is_displayed() or not message.text, f"an error was shown: {message.text}")

        # Phone width and dark mode.
        bt.phone_width_then_dark(driver, os.path.join(args.out, "live-mobile-375.png"))
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "live-dark.png"))
        logs = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        check(not logs, f"browser console errors: {logs}")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
