#!/usr/bin/env python3
"""Opens one WebSocket, sends the given text frames, and prints every message received (one JSON line each)
followed by "CLOSE <code>" when the server closes. Exits 2 if nothing more arrives for 10 s.

Usage: ws_session.py URL [FRAME ...]
Used by the Swift tests for connections the server closes at once: HummingbirdWSClient can miss a message
and close frame that arrive together with the 101 response, Python's websockets does not.
"""
import asyncio
import sys

import websockets


async def main(url, frames):
    async with websockets.connect(url, open_timeout=10) as ws:
        for frame in frames:
            await ws.send(frame)
        try:
            while True:
                print(await asyncio.wait_for(ws.recv(), 10), flush=True)
        except websockets.exceptions.ConnectionClosed as closed:
            print(f"CLOSE {closed.rcvd.code if closed.rcvd else 'none'}")
        except asyncio.TimeoutError:
            print("TIMEOUT")
            sys.exit(2)


asyncio.run(main(sys.argv[1], sys.argv[2:]))
