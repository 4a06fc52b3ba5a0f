#!/usr/bin/env python3
"""A local stand-in for the sites the polite scraper fetches, for the runtime's tests.

GET /<domain>/<id>/<attempt> answers 200, or 500 when (id, attempt) is in FAILS, after a short
delay so that requests overlap if the scraper lets them. Every request is logged as a JSON line
(domain, id, attempt, status, start, end: wall-clock seconds) to the log file; the chosen port is
written to the port file. Serves requests concurrently, so it would see any impoliteness.

usage: server.py PORT_FILE LOG_FILE
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAILS = {(1, 0), (1, 1), (3, 0)}
DELAY = 0.04
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        start = time.time()
        parts = self.path.strip("/").split("/")
        try:
            domain, ident, attempt = parts[0], int(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            self.send_error(404)
            return
        time.sleep(DELAY)
        status = 500 if (ident, attempt) in FAILS else 200
        body = b"<html>ok</html>" if status == 200 else b"<html>try again</html>"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        end = time.time()
        with lock, open(LOG, "a") as log:
            log.write(json.dumps({"domain": domain, "id": ident, "attempt": attempt, "status": status,
                                  "start": start, "end": end}) + "\n")

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    PORT_FILE, LOG = sys.argv[1], sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(PORT_FILE + ".tmp", PORT_FILE)
    server.serve_forever()
