#!/usr/bin/env python3
"""Drives the web UI's speaker views in headless Chromium.

Starts the built server with the tiny SenseVoice model, the FSMN-VAD and the tiny CAM++ speaker
model (../shared/fixtures/tiny-campplus), then:
  1. the upload form offers "who spoke" (the server has a speaker model); two_speakers.wav
     (../shared/fixtures/golden/diarization) followed by ja.wav (which the tiny model tags
     fearful, so one bar has an emotion) goes up with it on;
  2. the result colours the segment table and the timeline by speaker as its JSON says (at least
     two speakers, each its own colour, one band per timeline block), lists each speaker with
     talk time and an emotion bar whose parts match the speaker's emotion counts; the same views
     in Chinese;
  3. num_speakers reaches the server: the same file with 1 speaker gives one speaker only;
  4. the same file without "who spoke" shows nothing speaker-related.
Screenshots go to --out (default .build/test-artifacts/browser-speakers).

Exit status 0 when everything passed, 1 on a failure, 77 when Chromium, selenium, the VAD model
or the shared speaker fixtures are missing.
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

_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(ROOT, "scripts", "browser-test.py"))
bt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bt)

SHARED = os.path.join(os.path.dirname(ROOT), "shared", "fixtures")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.environ.get("SENSEVOICE_BIN", os.path.join(ROOT, ".build/debug/sensevoice")))
    parser.add_argument("--model", default=os.path.join(ROOT, "Tests/Fixtures/tiny-sensevoice"))
    parser.add_argument("--vad-model", default=os.environ.get("SENSEVOICE_TEST_VAD_MODEL", os.path.join(ROOT, ".cache/models/fsmn-vad")))
    parser.add_argument("--speaker-model", default=os.path.join(SHARED, "tiny-campplus"))
    parser.add_argument("--audio", default=os.path.join(SHARED, "golden/diarization/two_speakers.wav"))
    parser.add_argument("--ja", default=os.path.join(ROOT, "Tests/Fixtures/audio/ja.wav"),
                        help="appended after a second of silence (the tiny model tags it fearful: an emotion for the bars)")
    parser.add_argument("--out", default=os.path.join(ROOT, ".build/test-artifacts/browser-speakers"))
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    chromium, driver_path, status = bt.tools(args.binary)
    if status is not None:
        return status
    for path, what in [(os.path.join(args.vad_model, "model.pt"), "FSMN-VAD model (run scripts/fetch-test-models.sh)"),
                       (os.path.join(args.speaker_model, "config.yaml"), "tiny CAM++ model"),
                       (args.audio, "two-speaker recording")]:
        if not os.path.exists(path):
            print(f"SKIP speaker browser test: no {what} at {path}")
            return SKIP

    os.makedirs(args.out, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="sv-browser-speakers-")
    args.upload = os.path.join(data_dir, "two_speakers_then_ja.wav")
    concatenate([args.audio, None, args.ja], args.upload)
    server = bt.Server(args.binary, args.model, data_dir)
    server.command = [args.binary, "serve", "--model", args.model, "--port", "0", "--data-dir", data_dir, "--workers", "1",
                      "--vad-model", args.vad_model, "--speaker-model", args.speaker_model]
    try:
        return bt.run_reporting("speaker browser test", server, args.out,
                                lambda s: run(chromium, driver_path, s.url, args))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def concatenate(paths, out):
    """Writes the 16 kHz mono 16-bit WAVs of `paths` one after the other (None: a second of silence)."""
    import wave
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        for path in paths:
            if path is None:
                w.writeframes(b"\0\0" * 16000)
                continue
            with wave.open(path) as r:
                if (r.getnchannels(), r.getsampwidth(), r.getframerate()) != (1, 2, 16000):
                    raise SystemExit(f"{path} is not 16 kHz mono 16-bit")
                w.writeframes(r.readframes(r.getnframes()))


# What the result card shows about speakers, read in one step.
SPEAKER_VIEW = r"""
const rows = [...document.querySelectorAll('#segments tbody tr')];
const colour = (el) => el ? getComputedStyle(el).backgroundColor : null;
return {
  column: !document.querySelector('#segments th.speaker-col').hidden,
  rows: rows.map((tr) => ({speaker: tr.dataset.speaker || null,
                           chip: tr.querySelector('.speaker-chip') ? tr.querySelector('.speaker-chip').textContent : null,
                           colour: colour(tr.querySelector('.speaker-chip')),
                           edge: getComputedStyle(tr.cells[0]).boxShadow})),
  blocks: [...document.querySelectorAll('#timeline .seg')].map((seg) => {
    const band = seg.querySelector('.speaker-band');
    return {speaker: band ? band.dataset.speaker : null, colour: colour(band)};
  }),
  legend: [...document.querySelectorAll('#legend .speaker-chip')].map((c) => c.dataset.speaker),
  listShown: !document.getElementById('speakers').hidden,
  list: [...document.querySelectorAll('#speaker-list .speaker-row')].map((li) => ({
    speaker: li.dataset.speaker,
    stats: li.querySelector('.speaker-stats').textContent,
    parts: [...li.querySelectorAll('.emotion-bar .emotion-part')].map((p) => ({
      emotion: p.dataset.emotion, width: p.getBoundingClientRect().width, title: p.title})),
    bar: li.querySelector('.emotion-bar').getBoundingClientRect().width,
    barLabel: li.querySelector('.emotion-bar').getAttribute('aria-label'),
  })),
  anySpeakerMark: document.querySelectorAll('#result .speaker-chip, #result .speaker-band, #segments td.speaker-col, #segments tr.has-speaker').length,
};
"""


def run(chromium, driver_path, url, args):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select

    check = bt.check
    driver, wait = bt.chrome(chromium, driver_path, "en-US", args.timeout)

    def upload(diarize, speakers=""):
        """Sends the recording with the speaker fields set; waits for its result card."""
        box = driver.find_element(By.ID, "diarize")
        if box.is_selected() != diarize:
            bt.click(driver, box)
        field = driver.find_element(By.ID, "num-speakers")
        check(field.is_enabled() == diarize, "the speaker count is enabled without 'who spoke'" if not diarize
              else "the speaker count is disabled with 'who spoke'")
        if diarize:
            field.clear()
            if speakers:
                field.send_keys(speakers)
        ids = lambda d: d.execute_script("return [...document.querySelectorAll('#jobs .job')].map(li => li.dataset.id)")
        before = set(ids(driver))
        driver.find_element(By.ID, "file-input").send_keys(args.upload)
        wait.until(lambda d: d.find_element(By.ID, "submit").is_enabled())
        bt.click(driver, driver.find_element(By.ID, "submit"))
        new = wait.until(lambda d: [i for i in ids(d) if i not in before] or None)[0]
        row = f"#jobs .job[data-id='{new}']"
        wait.until(lambda d: d.execute_script(f"const li = document.querySelector(\"{row}\"); return li && /succeeded|failed/.test(li.className)"))
        check("succeeded" in driver.find_element(By.CSS_SELECTOR, row).get_attribute("class"),
              f"the job failed: {driver.find_element(By.CSS_SELECTOR, row).text}")
        bt.click(driver, driver.find_element(By.CSS_SELECTOR, row + " button.view"))
        wait.until(lambda d: d.find_element(By.ID, "result").get_attribute("data-job") == new)
        wait.until(EC.visibility_of_element_located((By.ID, "result")))
        time.sleep(0.5)
        return driver.execute_script(SPEAKER_VIEW)

    try:
        driver.get(url + "/")
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "ready"))
        wait.until(lambda d: d.find_element(By.ID, "diarize-option").is_displayed())
        driver.find_element(By.ID, "itn").click()

        # 1–2. Who spoke: colours in the table and the timeline, the per-speaker emotion bars,
        # all as the result's JSON says.
        view = upload(True)
        result = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const id = document.getElementById('result').dataset.job;
            fetch('/api/v1/jobs/' + id + '/result?format=json').then(r => r.json()).then(done).catch(e => done(String(e)));
        """)
        speakers = [s.get("speaker") for s in result["segments"]]
        names = [s["speaker"] for s in result["speakers"]]
        check(len(set(speakers)) >= 2 and None not in speakers, f"the diarized result's speakers: {speakers}")
        check(view["column"], "no speaker column")
        check([r["speaker"] for r in view["rows"]] == speakers, f"the rows' speakers: {view['rows']} vs {speakers}")
        check([r["chip"] for r in view["rows"]] == speakers, f"the speaker chips: {view['rows']}")
        colours = {r["speaker"]: r["colour"] for r in view["rows"]}
        check(all(r["colour"] == colours[r["speaker"]] for r in view["rows"]), f"one speaker, several colours: {view['rows']}")
        check(len(set(colours.values())) == len(colours), f"speakers share a colour: {colours}")
        check(all(colours[r["speaker"]] in r["edge"] for r in view["rows"]), f"the rows' edges are not in their speaker's colour: {view['rows']}")
        check([b["speaker"] for b in view["blocks"]] == speakers, f"the timeline's speaker bands: {view['blocks']}")
        check(all(b["colour"] == colours[b["speaker"]] for b in view["blocks"]), f"the bands' colours: {view['blocks']}")
        check(view["legend"] == names, f"the legend's speakers: {view['legend']} vs {names}")
        check(view["listShown"] and [s["speaker"] for s in view["list"]] == names, f"the speaker list: {view['list']}")
        emotions_shown = set()
        for row, s in zip(view["list"], result["speakers"]):
            expected = dict(s["emotions"])
            if s["segments"] > sum(expected.values()):
                expected["none"] = s["segments"] - sum(expected.values())
            check({p["emotion"]: p for p in row["parts"]}.keys() == expected.keys(), f"{row['speaker']}: bar {row['parts']} vs {expected}")
            total = sum(p["width"] for p in row["parts"])
            check(abs(total - row["bar"]) <= 3, f"{row['speaker']}: the bar's parts cover {total:.1f} of {row['bar']:.1f} px")
            for p in row["parts"]:
                want = row["bar"] * expected[p["emotion"]] / s["segments"]
                check(abs(p["width"] - want) <= 3, f"{row['speaker']}: {p['emotion']} is {p['width']:.1f} px, not {want:.1f}")
                check(str(expected[p["emotion"]]) in p["title"], f"{row['speaker']}: the part's title {p['title']!r}")
            emotions_shown |= {p["emotion"] for p in row["parts"]} - {"none"}
            check(f"{round(s['share'] * 100)}%" in row["stats"], f"{row['speaker']}: the stats {row['stats']!r} lack the share")
        # The tiny model tags the ja.wav part fearful: at least one bar shows an emotion.
        check("fearful" in emotions_shown, f"no bar shows the fearful segment: {view['list']}")
        driver.execute_script("document.getElementById('result').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "speakers-en-1280.png"))

        # The same in Chinese: the stats and the bar's labels switch, the names stay.
        Select(driver.find_element(By.ID, "ui-language")).select_by_value("zh-CN")
        time.sleep(0.3)
        zh = driver.execute_script(SPEAKER_VIEW)
        check([r["speaker"] for r in zh["rows"]] == speakers, "the speakers changed with the language")
        check(all("个片段" in s["stats"] and "的情绪" in s["barLabel"] for s in zh["list"]), f"the speaker list is not in Chinese: {zh['list']}")
        check(driver.find_element(By.CSS_SELECTOR, "#segments th.speaker-col").text == "说话人", "the speaker column is not in Chinese")
        driver.execute_script("document.getElementById('speakers').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "speakers-zh-1280.png"))
        bt.phone_width(driver, "the speakers in Chinese")
        driver.execute_script("document.getElementById('speakers').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, "speakers-zh-375.png"))
        driver.set_window_size(1280, 1000)
        Select(driver.find_element(By.ID, "ui-language")).select_by_value("en")

        # 3. The speaker count reaches the server.
        one = upload(True, "1")
        check({r["speaker"] for r in one["rows"]} == {"spk0"}, f"with 1 speaker: {[r['speaker'] for r in one['rows']]}")

        # 4. Without 'who spoke': nothing speaker-related.
        plain = upload(False)
        check(plain["rows"] and not plain["column"], "a speaker column without speakers")
        check(plain["anySpeakerMark"] == 0 and not plain["listShown"] and not plain["legend"],
              f"speaker marks without speakers: {plain}")
        logs = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        check(not logs, f"browser console errors: {logs}")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
