#!/usr/bin/env python3
"""A webhook receiver for tests/integration/webhook_test.cc: a real HTTP
server in its own process, as a customer's endpoint would be.

Usage: webhook_receiver.py DIR
Listens on 127.0.0.1 (a free port, written to DIR/port once listening).
Every POST is appended to DIR/requests.jsonl as one JSON line
{"path", "headers" (lower-case names), "body", "status"}. The status it
answers is the content of DIR/status (default 200), read per request, so a
test can make it fail and recover while it runs.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]


def answer_status():
    try:
        with open(os.path.join(DIR, "status")) as f:
            return int(f.read().strip() or "200")
    except FileNotFoundError:
        return 200


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        status = answer_status()
        record = {
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
            "status": status,
        }
        with open(os.path.join(DIR, "requests.jsonl"), "a") as f:
            f.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
tmp = os.path.join(DIR, "port.tmp")
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, os.path.join(DIR, "port"))
server.serve_forever()
