#!/usr/bin/env python3
"""Offers permessage-deflate as browsers do, sends a long message twice, then 100,000 bytes that compress to a few
hundred, and prints one JSON line: the extension the server agreed to, whether both echoes came back whole, how
many frames from the server were compressed, and the close code the last message got.

Usage: ws_deflate.py URL [server_no_context_takeover]
"""
import asyncio
import json
import sys

import websockets
from websockets.extensions import permessage_deflate

compressed_frames = 0
decode = permessage_deflate.PerMessageDeflate.decode


def counting_decode(self, frame, *, max_size=None):
    global compressed_frames
    if frame.rsv1:
        compressed_frames += 1
    return decode(self, frame, max_size=max_size)


permessage_deflate.PerMessageDeflate.decode = counting_decode


async def main(url, server_no_context_takeover):
    offer = permessage_deflate.ClientPerMessageDeflateFactory(
        client_max_window_bits=True, server_no_context_takeover=server_no_context_takeover)
    async with websockets.connect(url, extensions=[offer], compression=None) as ws:
        json.loads(await ws.recv())  # welcome
        long = "合同条款第十二条：" * 1000
        echoes = []
        for _ in range(2):
            await ws.send(long)
            echoes.append(json.loads(await ws.recv())["original_message"] == long)
        await ws.send("a" * 100_000)
        try:
            await ws.recv()
            inflated_close = None
        except websockets.exceptions.ConnectionClosed as closed:
            inflated_close = closed.rcvd.code if closed.rcvd else None
        print(json.dumps({
            "extension": ws.response_headers.get("Sec-WebSocket-Extensions"),
            "echoes": echoes,
            "compressed_frames": compressed_frames,
            "inflated_close": inflated_close,
        }))


asyncio.run(main(sys.argv[1], len(sys.argv) > 2 and sys.argv[2] == "server_no_context_takeover"))
