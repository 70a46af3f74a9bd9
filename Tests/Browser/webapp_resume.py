#!/usr/bin/env python3
"""The web app survives a dropped WebSocket mid-review and misses no stage.

Reviews finish in milliseconds, so the drop is made deterministic: before the app loads, a wrapper
around window.WebSocket (installed with Chrome DevTools' Page.addScriptToEvaluateOnNewDocument)
closes the app's first /ws/review socket right after the first progress event arrives on it. The
browser then discards everything else sent on that socket; the app must reconnect with
?since=<last seq> and render every remaining event: its event log must end with `complete`, 100%,
with no seq missing or repeated, and match the server's own event history exactly.

Usage: webapp_resume.py BASE_URL
"""
import asyncio
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (APP_PATH, SAMPLE_CONTRACT, By, Check, TimeoutException, chrome, post_json,  # noqa: E402
                     upload, wait_for)

DROP_FIRST_REVIEW_SOCKET = r"""
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  let dropped = false;
  class DroppingWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const entry = { url: String(url), frames: 0, closedByTest: false };
      window.__sockets.push(entry);
      if (!dropped && /\/ws\/review\//.test(entry.url)) {
        dropped = true;
        this.addEventListener('message', (event) => {
          entry.frames += 1;
          let data = {};
          try { data = JSON.parse(event.data); } catch (e) {}
          if (data.type === 'progress' && !entry.closedByTest) {
            entry.closedByTest = true;
            entry.droppedAfterSeq = data.seq;
            this.close(4000, 'test drops the connection');
          }
        });
      }
    }
  }
  window.WebSocket = DroppingWebSocket;
})();
"""


async def server_history(base, task_id):
    """Every event the server stored for the task, from a replay with ?since=0."""
    import websockets

    url = base.replace("http", "ws", 1) + f"/ws/review/{task_id}?since=0"
    events = []
    async with websockets.connect(url) as ws:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if "seq" in message:
                events.append(message)
                if message.get("stage") in ("complete", "failed", "cancelled"):
                    return events


def main(base):
    check = Check("webapp_resume")
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
    task_id = upload(base, SAMPLE_CONTRACT.encode(), "resume.txt", "purchase")
    post_json(base, "/api/v1/confirm_roles", {"task_id": task_id, "role": "buyer"})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DROP_FIRST_REVIEW_SOCKET})

    driver.get(f"{base}{APP_PATH}#/task/{task_id}")
    wait_for(driver, lambda d: d.find_elements(By.ID, "start-review"), message="role form of a READY task")
    driver.find_element(By.ID, "start-review").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#event-log li[data-stage=complete]"), timeout=30,
             message="the app renders the complete event")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#result"), timeout=20, message="result")

    sockets = driver.execute_script("return window.__sockets")
    review = [s for s in sockets if "/ws/review/" in s["url"]]
    check.ok(len(review) >= 2, f"the app opened a second review socket after the drop ({len(review)} in all)")
    check.ok(review and review[0].get("closedByTest"), f"the first socket was dropped after seq {review[0].get('droppedAfterSeq') if review else None}")
    if len(review) >= 2:
        dropped_after = review[0]["droppedAfterSeq"]
        check.ok(f"since={dropped_after}" in review[1]["url"], f"the app resumed with ?since={dropped_after}: {review[1]['url']}")

    rendered = driver.execute_script("""
        return [...document.querySelectorAll('#event-log li[data-seq]')].map(li => ({
          seq: Number(li.dataset.seq), stage: li.dataset.stage, progress: li.dataset.progress === '' ? null : Number(li.dataset.progress)}));
    """)
    seqs = [e["seq"] for e in rendered]
    print("rendered:", " ".join(f"{e['seq']}:{e['stage']}:{e['progress']}" for e in rendered))
    check.ok(len(seqs) == len(set(seqs)), "no event rendered twice")
    check.ok(seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False, "no seq gap in the rendered log")
    check.ok(bool(rendered) and rendered[0]["stage"] == "queued", "the log starts at the first stage")
    check.ok(bool(rendered) and rendered[-1]["stage"] == "complete" and rendered[-1]["progress"] == 100,
             "the log ends complete at 100%")

    history = asyncio.run(server_history(base, task_id))
    check.ok([e["seq"] for e in history] == seqs, f"the log is exactly the server's history ({len(history)} events)")
    stages = []
    for e in history:
        if e["stage"] not in stages:
            stages.append(e["stage"])
    rendered_stages = []
    for e in rendered:
        if e["stage"] not in rendered_stages:
            rendered_stages.append(e["stage"])
    check.ok(rendered_stages == stages, f"every stage shown in order: {' → '.join(rendered_stages)}")
    check.ok(driver.find_element(By.ID, "review-progress").get_attribute("aria-valuenow") == "100", "the bar ends at 100%")
    notes = [li.get_attribute("textContent") for li in driver.find_elements(By.CSS_SELECTOR, "#event-log li.note")]
    check.ok(any("断开" in n for n in notes) and any("重新连接" in n for n in notes), f"the log tells the user about the drop: {notes}")
    feed = driver.execute_script("const f = window.contractShieldApp.feed; return f && {connections: f.connections, lastSeq: f.lastSeq}")
    print("feed:", feed)


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
