#!/usr/bin/env python3
"""Drives the web UI in Chinese and English in headless Chromium (Debian chromium + chromium-driver).

Starts the built server with the tiny fixture model (no speaker model), opens the UI in a browser
whose language is Chinese, then:
  1. the UI starts in Chinese (<html lang="zh-CN">); a fixture is uploaded and its result shown;
  2. no English is left anywhere in the page: text nodes (hidden ones too: dialogs, the Live tab),
     placeholders, titles, aria-labels, button and option labels, outside what is data (file
     names, transcripts, the server's own messages: elements marked translate="no") and a short
     whitelist (product and format names, API, ITN, units); the emotion badge reads 恐惧, the
     engine's --label-style zh word;
  3. the header switch turns every catalogue string to English, with no Chinese left but the
     language names; the choice survives a reload, and so does switching back;
  4. with no remembered choice, the browser's languages decide (English, then Chinese);
  5. nothing speaker-related shows (the server has no speaker model and the result no speakers);
  6. screenshots at 1280 and 375 px in both languages (no horizontal scrolling at 375 px).
Screenshots go to --out (default .build/test-artifacts/browser-i18n).

Exit status 0 when everything passed, 1 on a failure, 77 when Chromium or selenium is missing.
"""

import importlib.util
import os
import re
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_spec = importlib.util.spec_from_file_location("browser_test", os.path.join(ROOT, "scripts", "browser-test.py"))
bt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bt)

# Latin words allowed in the Chinese UI: names of the product, formats, standards and units.
WHITELIST = {"SenseVoice", "SenseVoiceSmall", "Swift", "OpenAPI", "API", "ITN", "SRT", "VTT", "JSON", "CSV", "EDL",
             "Resolve", "KB", "MB", "GB", "B", "English", "zh", "en", "yue", "ja", "ko"}
# Chinese allowed in the English UI: the language names of the two pickers, each in its own language.
NATIVE_NAMES = {"中文", "粵語", "日本語", "한국어"}

# Every string the page shows or announces, outside data (translate="no") and <code>, and the words
# of that data. Returns {strings: [[where, text]], data: [text]}.
COLLECT = r"""
const strings = [];
const data = [];
const skipped = (el) => el.closest('[translate="no"], code, script, style');
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.nodeValue.trim();
  if (!text) continue;
  const parent = node.parentElement;
  if (parent.closest('script, style')) continue;
  if (skipped(parent)) data.push(text);
  else strings.push([(parent.id || parent.className || parent.tagName), text]);
}
for (const el of document.querySelectorAll('*')) {
  const where = el.id || el.className || el.tagName;
  for (const attribute of ['placeholder', 'title', 'aria-label', 'alt', 'value']) {
    if (attribute === 'value' && !(el.tagName === 'INPUT' && ['button', 'submit'].includes(el.type))) continue;
    const value = el.getAttribute(attribute);
    if (!value || !value.trim()) continue;
    if (skipped(el)) data.push(value);
    else strings.push([where + '@' + attribute, value]);
  }
}
strings.push(['document.title', document.title]);
return {strings, data};
"""


def latin_words(text):
    return re.findall(r"[A-Za-z]+", text)


def english_left(driver):
    """(where, word, text) for each Latin word in the page that is neither whitelisted nor data."""
    found = driver.execute_script(COLLECT)
    data_words = {w for text in found["data"] for w in latin_words(text)}
    bad = []
    for where, text in found["strings"]:
        for word in latin_words(text):
            if word not in WHITELIST and word not in data_words:
                bad.append((where, word, text))
    return bad, len(found["strings"])


def chinese_left(driver):
    """(where, text) for each string of the page with Han or Hangul characters besides language names
    and data (a transcript quoted in a title)."""
    found = driver.execute_script(COLLECT)
    data = sorted({d.strip() for d in found["data"] if len(d.strip()) > 1}, key=len, reverse=True)
    bad = []
    for where, text in found["strings"]:
        rest = text
        for d in data:
            rest = rest.replace(d, "")
        for name in NATIVE_NAMES:
            rest = rest.replace(name, "")
        if re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff5e]", rest):
            bad.append((where, text))
    return bad


def main():
    args = bt.arguments(__doc__, "browser-i18n")
    chromium, driver_path, status = bt.tools(args.binary)
    if status is not None:
        return status
    os.makedirs(args.out, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="sv-browser-i18n-")
    try:
        return bt.run_reporting("browser language test", bt.Server(args.binary, args.model, data_dir), args.out,
                                lambda server: run(chromium, driver_path, server.url, args))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(chromium, driver_path, url, args):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select

    check = bt.check
    driver, wait = bt.chrome(chromium, driver_path, "zh-CN", args.timeout)

    def html_lang():
        return driver.execute_script("return document.documentElement.lang")

    def ready(text):
        wait.until(lambda d: "ready" in d.find_element(By.ID, "status").get_attribute("class")
                   and d.find_element(By.ID, "status").text.strip() == text)

    def show_result():
        wait.until(EC.visibility_of_element_located((By.ID, "result")))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#segments tbody tr"))
        time.sleep(0.3)

    def screenshots(name):
        """The result card at 1280 px, then the page top at 375 px (no horizontal scrolling)."""
        driver.set_window_size(1280, 1000)
        time.sleep(0.3)
        driver.execute_script("document.getElementById('result').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(args.out, f"{name}-1280.png"))
        bt.phone_width(driver, name)
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(args.out, f"{name}-375.png"))
        driver.execute_script("document.getElementById('result').scrollIntoView({block: 'start'})")
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(args.out, f"{name}-375-result.png"))
        driver.set_window_size(1280, 1000)
        time.sleep(0.3)

    try:
        # 1. A Chinese browser gets the Chinese UI.
        driver.get(url + "/")
        ready("就绪")
        check(html_lang() == "zh-CN", f"<html lang> is {html_lang()!r} in a Chinese browser")
        check(Select(driver.find_element(By.ID, "ui-language")).first_selected_option.get_attribute("value") == "zh-CN",
              "the header switch does not show Chinese")
        check(driver.find_element(By.ID, "upload-title").text == "转写", "the upload card is not in Chinese")
        family = driver.execute_script("return getComputedStyle(document.body).fontFamily")
        for font in ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei"]:
            check(font in family, f"the Chinese font stack lacks {font}: {family}")
        check(driver.find_element(By.ID, "diarize-option").get_attribute("hidden") is not None,
              "the speaker option shows on a server without a speaker model")

        # Upload a fixture with ITN off (the tiny model tags it fearful).
        driver.find_element(By.ID, "itn").click()
        driver.find_element(By.ID, "file-input").send_keys(os.path.join(ROOT, "Tests/Fixtures/audio/ja.wav"))
        wait.until(lambda d: d.find_element(By.ID, "submit").is_enabled())
        bt.click(driver, driver.find_element(By.ID, "submit"))
        show_result()
        badge = driver.find_element(By.CSS_SELECTOR, "#segments tbody .badge.emotion[data-emotion='fearful']")
        check("恐惧" in badge.text, f"the emotion badge reads {badge.text!r}, not the --label-style zh word 恐惧")
        for b in driver.find_elements(By.CSS_SELECTOR, "#result .badge.lang"):
            check(b.text in {"中文", "英语", "粤语", "日语", "韩语"} or not b.get_attribute("title").isalpha(),
                  f"the language {b.get_attribute('title')} is not named in Chinese: {b.text!r}")
        check(any("已完成" in j["text"] for j in bt.jobs(driver)), f"the job state is not in Chinese: {bt.jobs(driver)}")

        # 5. No speakers: nothing speaker-related.
        check(driver.find_element(By.ID, "speakers").get_attribute("hidden") is not None, "the speakers list shows")
        check(not driver.find_element(By.CSS_SELECTOR, "#segments th.speaker-col").is_displayed(), "a speaker column shows")
        check(not driver.find_elements(By.CSS_SELECTOR, "#result .speaker-chip, #result .speaker-band, #segments td.speaker-col"),
              "speaker marks in a result without speakers")

        # 2. No English left in Chinese mode (the Live tab is in the page, hidden, and checked too).
        bad, count = english_left(driver)
        check(count > 60, f"only {count} strings were checked")
        check(not bad, "English left in the Chinese UI: " + "; ".join(f"{w} in {where}: {text!r}" for where, w, text in bad[:20]))
        bt.click(driver, driver.find_element(By.ID, "tab-live"))
        check(driver.find_element(By.ID, "live-toggle").text == "● 开始", "the Live tab is not in Chinese")
        check(driver.find_element(By.ID, "live-status").text == "未在收听。", "the Live status is not in Chinese")
        bad, _ = english_left(driver)
        check(not bad, "English left in the Chinese Live tab: " + "; ".join(f"{w} in {where}" for where, w, _ in bad[:20]))
        driver.save_screenshot(os.path.join(args.out, "live-zh-1280.png"))
        bt.click(driver, driver.find_element(By.ID, "tab-files"))
        zh_strings = translated(driver)
        screenshots("result-zh")

        # 3. The header switch: every catalogue string changes, no Chinese is left.
        Select(driver.find_element(By.ID, "ui-language")).select_by_value("en")
        wait.until(lambda d: html_lang() == "en")
        en_strings = translated(driver)
        check(zh_strings.keys() == en_strings.keys(), "the set of translated elements changed")
        same = [k for k in zh_strings if zh_strings[k] == en_strings[k] and not allowed_same(en_strings[k])]
        check(not same, f"strings not switched: {same[:20]}")
        missing = driver.execute_script("return Object.keys(MESSAGES.en).filter(k => !(k in MESSAGES['zh-CN']))")
        check(not missing, f"catalogue keys without Chinese: {missing}")
        check(driver.find_element(By.ID, "status").text == "ready", "the status is not in English")
        badge = driver.find_element(By.CSS_SELECTOR, "#segments tbody .badge.emotion[data-emotion='fearful']")
        check("fearful" in badge.text, f"the emotion badge reads {badge.text!r} in English")
        check(any("succeeded" in j["text"].lower() for j in bt.jobs(driver)), "the job state is not in English")
        left = chinese_left(driver)
        check(not left, f"Chinese left in the English UI: {left[:20]}")
        screenshots("result-en")

        # The choice survives a reload, although the browser prefers Chinese; and switching back too.
        driver.refresh()
        ready("ready")
        check(html_lang() == "en", f"<html lang> is {html_lang()!r} after a reload in English")
        check(driver.find_element(By.ID, "tab-files").text == "Files", "the English choice was not remembered")
        Select(driver.find_element(By.ID, "ui-language")).select_by_value("zh-CN")
        wait.until(lambda d: html_lang() == "zh-CN")
        driver.refresh()
        ready("就绪")
        check(html_lang() == "zh-CN", "the Chinese choice was not remembered")

        # 4. Without a remembered choice the browser's languages decide.
        driver.execute_script("localStorage.removeItem('sensevoice.language')")
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setUserAgentOverride", {
            "userAgent": driver.execute_script("return navigator.userAgent"), "acceptLanguage": "en-GB,en"})
        driver.refresh()
        ready("ready")
        check(html_lang() == "en", f"an English browser got <html lang={html_lang()!r}>")
        driver.execute_cdp_cmd("Network.setUserAgentOverride", {
            "userAgent": driver.execute_script("return navigator.userAgent"), "acceptLanguage": "fr-FR,zh-TW,en"})
        driver.refresh()
        ready("就绪")
        check(html_lang() == "zh-CN", f"a French, then Chinese browser got <html lang={html_lang()!r}>")

        logs = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        check(not logs, f"browser console errors: {logs}")
    finally:
        driver.quit()


# The strings of the catalogue's elements, keyed by element and attribute (text and attributes).
TRANSLATED = r"""
const out = {};
document.querySelectorAll('[data-i18n], [data-i18n-placeholder], [data-i18n-title], [data-i18n-aria-label]').forEach((el, i) => {
  const key = (el.id || el.tagName) + '#' + i;
  if (el.dataset.i18n) out[key + ' text ' + el.dataset.i18n] = el.textContent;
  if (el.dataset.i18nPlaceholder) out[key + ' placeholder'] = el.placeholder;
  if (el.dataset.i18nTitle) out[key + ' title'] = el.title;
  if (el.dataset.i18nAriaLabel) out[key + ' aria-label'] = el.getAttribute('aria-label');
});
return out;
"""


def translated(driver):
    return driver.execute_script(TRANSLATED)


def allowed_same(text):
    """Strings that are the same in both languages: language names with their codes, and '中文 (zh)'."""
    return text.strip() in {"中文 (zh)"}


if __name__ == "__main__":
    sys.exit(main())
