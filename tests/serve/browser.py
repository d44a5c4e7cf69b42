#!/usr/bin/env python3
"""The workbench page in a real browser: Chromium headless driven through the DevTools protocol.

    browser.py URL TEMPLATE SHOTDIR

Prints one line per check, "PASS message" or "FAIL message" (test_browser.sh turns them into
TAP), or "SKIP reason" alone when the browser cannot start. Standard library only: a minimal
WebSocket client (RFC 6455: client frames masked, text frames, fragments, ping) over the socket
module, enough for the protocol's JSON messages."""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib


class WebSocket:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("websocket handshake: connection closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError("websocket handshake refused: " + head.split(b"\r\n")[0].decode())

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise OSError("websocket closed")
            data += chunk
        return data

    def send(self, text, opcode=1):
        payload = text.encode() if isinstance(text, str) else text
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode == 9:  # ping
                self.send(payload, 10)
                continue
            if opcode == 8:
                raise OSError("websocket closed by the browser")
            message += payload
            if b0 & 0x80:
                return message.decode()


class Browser:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        return r.get("result", {}).get("value")

    def wait(self, expr, seconds=10):
        end = time.time() + seconds
        while time.time() < end:
            v = self.eval(expr)
            if v:
                return v
            time.sleep(0.1)
        return None


def png_pixels(data):
    """(width, height, distinct colours, share of the most common colour) of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, width = 8, b"", 0
    while at < len(data):
        n, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    counts = {}
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:  # every fourth row is plenty to tell a blank page
            for x in range(0, stride, bpp * 4):
                px = bytes(line[x:x + 3])
                counts[px] = counts.get(px, 0) + 1
        prev = line
    total = sum(counts.values())
    return width, height, len(counts), max(counts.values()) / total


def main():
    url, template, shots = sys.argv[1], sys.argv[2], sys.argv[3]
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        print("SKIP chromium not installed (Debian package chromium)")
        return
    profile = tempfile.mkdtemp(prefix="wenshu-chromium-")
    proc = subprocess.Popen([exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0",
                             f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ws_url = None
        end = time.time() + 30
        while time.time() < end and not ws_url:
            line = proc.stderr.readline()
            if not line:
                break
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
        if not ws_url:
            print("SKIP chromium did not start (no DevTools address within 30 s)")
            return
        port = urllib.parse.urlparse(ws_url).port
        pages = []
        for _ in range(50):
            pages = [t for t in json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
                     if t["type"] == "page"]
            if pages:
                break
            time.sleep(0.1)
        b = Browser(WebSocket(pages[0]["webSocketDebuggerUrl"]))
        b.call("Page.enable")
        b.call("Runtime.enable")
        b.call("Page.navigate", url=url)
        where = b.wait("document.getElementById('where') && /第 1 条/.test(document.getElementById('where').textContent)"
                       " && document.getElementById('where').textContent")
        print(("PASS" if where else "FAIL") + f" the page opens on the first record: {where}")
        text = b.eval("document.body.innerText") or ""
        for name in ("韦小军", "临江市社会福利院", "评议意见反馈通知书"):
            print(("PASS" if name in text else "FAIL") + f" the page text has {name}")

        def shot(name):
            png = base64.b64decode(b.call("Page.captureScreenshot", format="png")["data"])
            path = os.path.join(shots, name)
            with open(path, "wb") as f:
                f.write(png)
            w, h, colours, top = png_pixels(png)
            good = w >= 800 and colours >= 8 and top < 0.95
            print(("PASS" if good else "FAIL") + f" screenshot {name} is not blank ({w}×{h}, {colours} colours, "
                  f"the commonest {top:.0%})")

        shot("first.png")
        # the first form may have a single record (analysis-text: members with a full text): step
        # through the 提纲 from its first record, M25, chosen in the list of records
        b.eval("(() => { const s = document.getElementById('form'); s.value = 'analysis';"
               " s.dispatchEvent(new Event('change')); })()")
        b.wait("/form=analysis/.test(document.getElementById('pdf').src)")
        b.eval("document.querySelector('li[data-record=\"M25\"] .who').click()")
        b.wait("/第 1 条.*M25/.test(document.getElementById('where').textContent)")
        b.eval("document.getElementById('next').click()")
        second = b.wait("/第 2 条/.test(document.getElementById('where').textContent) && document.getElementById('where').textContent")
        print(("PASS" if second else "FAIL") + f" ▶ goes to the second record: {second}")
        b.eval("document.getElementById('prev').click()")
        first = b.wait("/第 1 条/.test(document.getElementById('where').textContent) && document.getElementById('where').textContent")
        print(("PASS" if first else "FAIL") + f" ◀ comes back: {first}")

        # the feedback notice of M25, then an edit of its template seen in the preview
        b.eval("(() => { const s = document.getElementById('form'); s.value = 'feedback';"
               " s.dispatchEvent(new Event('change')); })()")
        src = b.wait("/form=feedback/.test(document.getElementById('pdf').src) && document.getElementById('pdf').src")
        print(("PASS" if src else "FAIL") + f" choosing the form shows its PDF: {src}")
        where = b.eval("document.getElementById('where').textContent") or ""
        print(("PASS" if "韦小军" in where else "FAIL") + f" the record shown is named: {where}")
        pdf = urllib.request.urlopen(src).read() if src else b""
        print(("PASS" if pdf.startswith(b"%PDF-") else "FAIL") + " the preview's address gives a PDF")
        shot("feedback.png")
        with open(template, encoding="utf-8") as f:
            old = f.read()
        new = old.replace("{{ name }}同志：", "{{ name }}同志（浏览器中修改）：")
        with open(template + ".new", "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(template + ".new", template)
        changed = b.wait(f"document.getElementById('pdf').src !== {json.dumps(src)} && document.getElementById('pdf').src")
        print(("PASS" if changed else "FAIL") + f" saving the template reloads the preview: {changed}")
        pdf2 = urllib.request.urlopen(changed).read() if changed else b""
        text2 = subprocess.run(["pdftotext", "-", "-"], input=pdf2, capture_output=True).stdout.decode()
        print(("PASS" if "韦小军同志（浏览器中修改）：" in text2 else "FAIL") + " the new preview shows the edit")
        time.sleep(0.5)
        shot("edited.png")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
