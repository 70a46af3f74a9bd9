"""Shared helpers for the browser tests: headless Chromium through Selenium, against a live server.

Each test script takes the server's base URL (http://127.0.0.1:PORT) as its first argument, prints
what it checks, and exits 0 on success, 1 on failure (2 when the browser itself is missing).
"""
import contextlib
import json
import os
import shutil
import sys
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(HERE))

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - reported by the Swift test
    print("selenium is not installed in the venv: run scripts/setup-webapp.sh")
    sys.exit(2)

# The app is served at /app/; /app/index.html is the same page (and does not depend on the /app → /app/ redirect).
APP_PATH = os.environ.get("CONTRACTSHIELD_APP_PATH", "/app/index.html")

__all__ = ["APP_PATH", "By", "TimeoutException", "WebDriverException", "Check", "chrome", "wait_for", "artifact_dir",
           "upload", "post_json", "get_json", "contract_path", "SAMPLE_CONTRACT"]


def _find(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def artifact_dir():
    """Where screenshots and downloads go: $CONTRACTSHIELD_BROWSER_ARTIFACTS or .build/browser-tests."""
    path = os.environ.get("CONTRACTSHIELD_BROWSER_ARTIFACTS") or os.path.join(PACKAGE_ROOT, ".build", "browser-tests")
    os.makedirs(path, exist_ok=True)
    return path


def chrome(download_dir=None, width=1366, height=900, log_console=True):
    """A headless Chromium driven by the system chromedriver (no Selenium Manager, no network)."""
    binary = os.environ.get("CHROME_BINARY") or _find("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    driver_path = os.environ.get("CHROMEDRIVER") or _find("chromedriver")
    if not binary or not driver_path:
        print(f"headless Chromium or chromedriver not found (chrome={binary}, chromedriver={driver_path}): "
              "run scripts/setup-webapp.sh")
        sys.exit(2)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=zh-CN", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps"):
        options.add_argument(arg)
    if log_console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if download_dir:
        options.add_experimental_option("prefs", {
            "download.default_directory": download_dir,
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
        })
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    if download_dir:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return driver


def wait_for(driver, condition, timeout=20, message=""):
    """Waits until `condition(driver)` is truthy and returns its value."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, message)


def console_log(driver):
    with contextlib.suppress(Exception):
        return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser")]
    return []


class Check:
    """Collects named checks; `done()` prints the verdict and exits with the right status."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.driver = None

    def ok(self, condition, what):
        print(("PASS " if condition else "FAIL ") + what, flush=True)
        if not condition:
            self.failures.append(what)
        return condition

    def fail(self, what):
        return self.ok(False, what)

    def note(self, text):
        print("NOTE " + text, flush=True)

    def screenshot(self, name):
        if not self.driver:
            return None
        path = os.path.join(artifact_dir(), name)
        with contextlib.suppress(Exception):
            self.driver.save_screenshot(path)
            print(f"screenshot: {path}", flush=True)
            return path
        return None

    def done(self):
        if self.failures and self.driver:
            self.screenshot(f"{self.name}-failure.png")
            for line in console_log(self.driver)[-30:]:
                print("console " + line)
        if self.driver:
            with contextlib.suppress(Exception):
                self.driver.quit()
        print(f"{self.name}: {'OK' if not self.failures else 'FAILED: ' + '; '.join(self.failures)}", flush=True)
        sys.exit(0 if not self.failures else 1)


# ---------------------------------------------------------------- REST helpers (urllib, no extra packages)

def post_json(base, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.loads(response.read())


def upload(base, data, filename="contract.txt", contract_type=None):
    boundary = uuid.uuid4().hex
    parts = b""
    if contract_type:
        parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"contract_type\"\r\n\r\n"
                  f"{contract_type}\r\n").encode()
    parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
              f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(base + "/api/v1/upload", data=parts, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["task_id"]


# ---------------------------------------------------------------- contracts

# Written for these tests (not from the scoring corpus); used when ../shared/corpus is not beside the clone.
SAMPLE_CONTRACT = """设备采购合同

甲方（买方）：北京青松精密仪器有限公司
统一社会信用代码：91110108MA01ABCD2X
乙方（卖方）：天津远航工业设备有限公司

第一条 标的与价款
甲方向乙方采购数控机床贰台，合同总价款为人民币500,000.00元（大写：伍拾万元整）。

第二条 付款方式
甲方应于本合同签订之日起三日内一次性支付全部合同价款。

第三条 交付与验收
乙方于2025年6月30日前将设备运至甲方工厂。甲方应在收货后2日内完成验收，逾期未提出书面异议的，视为验收合格。

第四条 违约责任
甲方逾期付款的，每日按合同总价的1%支付违约金。任何一方违约的，应向守约方支付合同总价50%的违约金。
因乙方原因造成甲方人身伤害或者财产损失的，乙方不承担任何责任。

第五条 定金
甲方应于合同签订后支付定金人民币150,000元。

第六条 争议解决
因本合同引起的争议，提交北京仲裁委员会仲裁，也可以向乙方所在地人民法院起诉。

甲方（盖章）：北京青松精密仪器有限公司
乙方（盖章）：天津远航工业设备有限公司
"""


def contract_path(name="01_purchase_injection_molding.txt"):
    """A contract file to upload: from ../shared/corpus beside the package, else the embedded sample."""
    corpus = os.path.join(os.path.dirname(PACKAGE_ROOT), "shared", "corpus", name)
    if os.path.exists(corpus):
        return corpus, True
    path = os.path.join(artifact_dir(), f"sample-contract-{uuid.uuid4().hex[:8]}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(SAMPLE_CONTRACT)
    return path, False


def wait_file(directory, suffixes, timeout=20):
    """The first finished download in `directory` ending with one of `suffixes`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for name in os.listdir(directory):
            if name.endswith(".crdownload"):
                continue
            if any(name.endswith(s) for s in suffixes):
                path = os.path.join(directory, name)
                if os.path.getsize(path) > 0:
                    return path
        time.sleep(0.1)
    return None
