#!/usr/bin/env python3
"""Tries one WebSocket handshake and prints the outcome: "upgraded" or the HTTP status of the refusal.

Usage: ws_handshake.py URL [ORIGIN]
A browser sends exactly one Origin header; this client does too (the Swift test client adds its own).
"""
import asyncio
import sys

import websockets


async def main(url, origin):
    try:
        async with websockets.connect(url, origin=origin, open_timeout=10):
            print("upgraded")
    except websockets.exceptions.InvalidStatusCode as refused:
        print(refused.status_code)


asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
