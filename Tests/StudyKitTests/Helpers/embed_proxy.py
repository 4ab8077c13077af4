#!/usr/bin/env python3
"""A loopback HTTP proxy in front of the real embedding server, for EmbedTests: it passes requests
through, or slows them, or answers with errors and broken bodies, as the test sets it.

  embed_proxy.py UPSTREAM_BASE        e.g. http://127.0.0.1:41234   (prints "PORT\\n" when ready)

Control (from the test): POST /__proxy/mode with JSON
  {"mode": "pass"}                              forward as is
  {"mode": "delay", "seconds": 3}               wait, then forward
  {"mode": "status", "status": 503, "count": 2, "retry_after": 0}   answer that status `count` times, then pass
  {"mode": "bad-json"}                          200 with a cut-off JSON body
  {"mode": "wrong-dim", "dim": 100}             forward, then cut every vector to `dim` values
  {"mode": "fail-after", "count": 2}            forward `count` embeddings requests, then 500 with no retry hope
GET /__proxy/stats -> {"embeddings_requests": N, "inputs": N}
Bounded: it exits when its standard input closes (the test ended) or after 15 minutes.
"""
import base64
import json
import os
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = sys.argv[1].rstrip("/")
STATE = {"mode": "pass", "embeddings_requests": 0, "inputs": 0}
LOCK = threading.Lock()


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/__proxy/stats":
            with LOCK:
                stats = {k: STATE[k] for k in ("embeddings_requests", "inputs")}
            self.reply(200, json.dumps(stats).encode())
            return
        self.forward(b"", "GET")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        if self.path == "/__proxy/mode":
            with LOCK:
                STATE.update(json.loads(body))
            self.reply(200, b"{}")
            return
        with LOCK:
            STATE["embeddings_requests"] += 1
            try:
                STATE["inputs"] += len(json.loads(body).get("input", []))
            except Exception:
                pass
            mode = dict(STATE)
            if mode["mode"] == "status":
                STATE["count"] -= 1
                if STATE["count"] <= 0:
                    STATE["mode"] = "pass"
            if mode["mode"] == "fail-after":
                STATE["count"] -= 1
        if mode["mode"] == "delay":
            time.sleep(mode["seconds"])
        elif mode["mode"] == "status":
            headers = [("Retry-After", str(mode["retry_after"]))] if "retry_after" in mode else []
            self.reply(mode["status"], json.dumps({"error": {"message": "proxy says %d" % mode["status"]}}).encode(),
                       headers=headers)
            return
        elif mode["mode"] == "bad-json":
            self.reply(200, b'{"object": "list", "data": [{"embedding": [0.1, 0.2')
            return
        elif mode["mode"] == "fail-after" and mode["count"] <= 0:
            self.reply(400, json.dumps({"error": {"message": "proxy refuses from now on"}}).encode())
            return
        self.forward(body, "POST", cut=mode.get("dim") if mode["mode"] == "wrong-dim" else None)

    def forward(self, body, method, cut=None):
        request = urllib.request.Request(UPSTREAM + self.path, data=body if method == "POST" else None, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                status, data = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        if cut is not None and status == 200:
            document = json.loads(data)
            for item in document["data"]:
                if isinstance(item["embedding"], str):
                    raw = base64.b64decode(item["embedding"])[: 4 * cut]
                    item["embedding"] = base64.b64encode(raw).decode()
                else:
                    item["embedding"] = item["embedding"][:cut]
            data = json.dumps(document).encode()
        self.reply(status, data)


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    threading.Timer(900, lambda: os._exit(0)).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
