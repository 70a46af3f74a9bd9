#!/usr/bin/env python3
"""Drives the guide's unmodified ReviewWebSocketClient through a real review on a live server.

Usage: run_guide_client.py BASE_URL CONTRACT_FILE ROLE
The guide's client connects to ws://localhost:8000; when the server under test listens
elsewhere, `websockets.connect` is pointed at it (the class itself stays untouched).
Prints what the client printed and exits 0 when it saw the connection, progress and
the complete message, 1 otherwise.
"""
import asyncio
import contextlib
import io
import json
import sys
import urllib.request
import uuid

import websockets

sys.path.insert(0, __import__("os").path.dirname(__file__))
from guide_review_client import ReviewWebSocketClient  # noqa: E402


def post(base, path, body, content_type):
    req = urllib.request.Request(base + path, data=body, method="POST", headers={"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def upload(base, path):
    boundary = uuid.uuid4().hex
    with open(path, "rb") as f:
        data = f.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"contract.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return post(base, "/api/v1/upload", body, f"multipart/form-data; boundary={boundary}")["task_id"]


async def main(base, contract, role):
    task_id = upload(base, contract)
    post(base, "/api/v1/confirm_roles", json.dumps({"task_id": task_id, "role": role}).encode(), "application/json")

    host = base.split("://", 1)[1]
    real_connect = websockets.connect
    websockets.connect = lambda uri, *a, **k: real_connect(uri.replace("localhost:8000", host), *a, **k)

    client = ReviewWebSocketClient(task_id=task_id)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        running = asyncio.ensure_future(client.connect())
        for _ in range(100):
            if client.running:
                break
            await asyncio.sleep(0.05)
        post(base, "/api/v1/review", json.dumps({"task_id": task_id}).encode(), "application/json")
        for _ in range(600):
            if "进度更新: complete - 100%" in out.getvalue():
                break
            await asyncio.sleep(0.05)
        # The status reply is not ordered against the progress events: on a loaded machine the server may read the
        # client's get_status only after the review has finished, so the reply can arrive after "complete".
        for _ in range(200):
            if "任务状态: " in out.getvalue():
                break
            await asyncio.sleep(0.05)
        await client.disconnect()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(running, 5)
    printed = out.getvalue()
    print(printed)
    wanted = [f"已连接到任务 {task_id} 的WebSocket", f"连接确认: 已连接到任务 {task_id} 的进度推送",
              "任务状态: PROCESSING", "进度更新: analyzing", "进度更新: complete - 100% - 审查完成"]
    # The client asks for the status as soon as it is connected; the answer is the status when the server reads the
    # request, which on a loaded machine may be before the review starts or after it has finished.
    statuses = [f"任务状态: {s}" for s in ("READY", "PROCESSING", "COMPLETED")]
    missing = [w for w in wanted if w not in printed and not (w == "任务状态: PROCESSING" and any(s in printed for s in statuses))]
    if missing:
        print("MISSING:", missing)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:4])))
