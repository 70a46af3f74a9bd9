#!/usr/bin/env python3
"""The guide's ReviewWebSocket class, unmodified, in headless Chromium over a real review.

Tests/Browser/guide_review_page.html loads Tests/GuideClients/guide_review_websocket.js as it is and
points its hard-coded ws://localhost:8000 at the server under test. The page is served from the Tests
folder by a throwaway HTTP server on 127.0.0.1 (a file:// page would send `Origin: null`, which a server
with an Origin policy may refuse). The class must
receive `connection`, then `status` (filling #task-status and #contract-type), then progress up to
100% (#progress-bar width, #status-text).

Usage: guide_review_class.py BASE_URL
"""
import functools
import http.server
import json
import os
import pathlib
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import SAMPLE_CONTRACT, By, Check, TimeoutException, chrome, post_json, upload, wait_for  # noqa: E402

TESTS = pathlib.Path(__file__).resolve().parent.parent


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_tests_folder():
    """Serves Tests/ (the page and the guide's script) on an ephemeral port; returns (server, base URL)."""
    handler = functools.partial(QuietHandler, directory=str(TESTS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(base):
    check = Check("guide_review_class")
    driver = chrome()
    check.driver = driver
    try:
        run(check, driver, base)
    except TimeoutException as error:
        check.fail(f"timed out: {error.msg or error}")
    except Exception as error:  # noqa: BLE001
        check.fail(f"{type(error).__name__}: {error}")
    check.done()


def run(check, driver, base):
    host = base.split("://", 1)[1]
    task_id = upload(base, SAMPLE_CONTRACT.encode(), "guide.txt", "purchase")
    post_json(base, "/api/v1/confirm_roles", {"task_id": task_id, "role": "buyer"})

    pages, pages_url = serve_tests_folder()
    driver.get(f"{pages_url}/Browser/guide_review_page.html?server={host}&task={task_id}")
    wait_for(driver, lambda d: d.find_element(By.ID, "task-status").text == "READY", message="status READY from get_status")
    check.ok(driver.find_element(By.ID, "contract-type").text == "purchase", "the status fills #contract-type")
    log = driver.execute_script("return window.guideLog")
    check.ok("WebSocket连接已建立" in log, "the class logged its open")
    check.ok(any(line.startswith(f"连接确认: 已连接到任务 {task_id} 的进度推送") for line in log), "the class got the connection message")

    post_json(base, "/api/v1/review", {"task_id": task_id})
    wait_for(driver, lambda d: d.find_element(By.ID, "status-text").text == "审查完成", timeout=30, message="status text 审查完成")
    width = driver.execute_script("return document.getElementById('progress-bar').style.width")
    check.ok(width == "100%", f"#progress-bar reached {width}")

    log = driver.execute_script("return window.guideLog")
    progress = [line for line in log if line.startswith("进度更新:")]
    print("\n".join(progress))
    check.ok(any(" analyzing - " in line for line in progress), "the class saw analyzing progress")
    check.ok(progress and progress[-1] == "进度更新: complete - 100%", "the last progress the class saw is complete - 100%")
    frames = driver.execute_script("return window.guideFrames")
    mine = [f for f in frames if f["url"].endswith(f"/ws/review/{task_id}")]
    sent = [json.loads(f["data"]) for f in mine if f["dir"] == "out"]
    check.ok({"type": "get_status"} in sent, "the class asked for the status")
    received = [json.loads(f["data"]) for f in mine if f["dir"] == "in"]
    types = [m.get("type") for m in received]
    check.ok(types[:2] == ["connection", "status"] or types[0] == "connection", f"frames in order: {types[:4]}…")
    check.ok(not any(f["dir"] == "close" for f in mine), "the class's socket stayed open")
    check.screenshot("guide-review-class.png")
    pages.shutdown()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
