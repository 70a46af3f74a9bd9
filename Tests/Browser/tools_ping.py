#!/usr/bin/env python3
"""The browser test tool /tools/websocket_test.html: connect to /ws/health, send a ping, see the pong
logged with its round-trip time; then the echo endpoint and a review socket's close code.

Usage: tools_ping.py BASE_URL
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import By, Check, TimeoutException, chrome, wait_for  # noqa: E402


def entries(driver, direction):
    return [e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, f"#log li[data-direction={direction}]")]


def main(base):
    check = Check("tools_ping")
    driver = chrome()
    check.driver = driver
    try:
        driver.get(base + "/tools/websocket_test.html")
        wait_for(driver, lambda d: d.find_element(By.ID, "url").get_attribute("value").endswith("/ws/health"), message="health URL")
        driver.find_element(By.ID, "connect").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "state").get_attribute("data-state") == "OPEN", message="open")
        wait_for(driver, lambda d: any('"health"' in t for t in entries(d, "in")), message="greeting")
        check.ok(True, "connected to /ws/health and got the greeting")
        driver.find_element(By.ID, "send-ping").click()
        wait_for(driver, lambda d: any('"pong"' in t for t in entries(d, "in")), message="pong")
        pong = next(t for t in entries(driver, "in") if '"pong"' in t)
        sent = entries(driver, "out")
        check.ok(any('"ping"' in t for t in sent), f"the ping is logged as sent: {sent[-1] if sent else None}")
        check.ok("往返" in pong and "ms" in pong, f"the pong is logged with its round trip: {pong}")
        check.ok(pong[:2].isdigit() and pong[2] == ":", f"log entries are timestamped: {pong[:12]}")
        check.ok("最近" in driver.find_element(By.ID, "rtt").text, f"RTT shown: {driver.find_element(By.ID, 'rtt').text}")

        # any text: the echo endpoint
        driver.find_element(By.ID, "disconnect").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "state").get_attribute("data-state") == "CLOSED", message="closed")
        check.ok(driver.find_element(By.ID, "close-code").text.startswith("1000"), f"close code shown: {driver.find_element(By.ID, 'close-code').text}")
        driver.find_element(By.CSS_SELECTOR, "input[name=endpoint][value=test]").click()
        driver.find_element(By.ID, "connect").click()
        wait_for(driver, lambda d: any('"welcome"' in t for t in entries(d, "in")), message="welcome")
        box = driver.find_element(By.ID, "message")
        box.clear()
        box.send_keys("你好，回显")
        driver.find_element(By.ID, "send").click()
        wait_for(driver, lambda d: any('"echo"' in t and "你好，回显" in t for t in entries(d, "in")), message="echo")
        check.ok(True, "any text is echoed by /ws/test")

        # a review socket for a task that does not exist: close code 4404 with its meaning
        driver.find_element(By.ID, "disconnect").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=endpoint][value=review]").click()
        task = driver.find_element(By.ID, "task-id")
        task.clear()
        task.send_keys("999999")
        driver.find_element(By.ID, "connect").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "close-code").text.startswith("4404"), message="4404")
        check.ok("任务不存在" in driver.find_element(By.ID, "close-code").text, f"close 4404 explained: {driver.find_element(By.ID, 'close-code').text}")
        check.screenshot("tools-websocket-test.png")
    except TimeoutException as error:
        check.fail(f"timed out: {error.msg or error}")
    except Exception as error:  # noqa: BLE001
        check.fail(f"{type(error).__name__}: {error}")
    check.done()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
