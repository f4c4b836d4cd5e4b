#!/usr/bin/env python3
"""End-to-end throughput of a running phonebulk server, over its Bulk API.

    bench/e2e.py --url http://127.0.0.1:8080 [--url http://...:8081 ...] \
        --token pb_... [--bodies bench/out/corpus.bodies.jsonl] \
        [--numbers 100000]

With several --url (nodes of one database), batch k is created and started
on node k mod N and polled and fetched on the next node, as clients behind a
load balancer would be: every node must answer for every batch.

Acts like one careful client with a large list: it sends --numbers phones as
batches of up to 10,000 (the API's maximum), taken in order from the create
bodies written by phonebulk_corpus. One thread uploads: create, then start at
once, so the server processes batch k while batch k+1 is uploaded. The main
thread polls each started batch (short backoff: 50 ms growing to 500 ms)
and, as soon as it is completed, fetches its results with Add-Metadata: true
and checks them (status, one phone per submitted phone in submission order,
statistics adding up).

Prints one JSON object: numbers/s end to end (first create sent to last
results received), create/start/results-fetch latencies (median, max), the
processing rate the server itself reports (records / (last date_ended -
first date_started)), bytes moved, polls, 429s and any verification errors.
Exit status 1 when a check failed. Python 3 standard library only.
"""

import argparse
import datetime
import http.client
import json
import resource
import statistics
import sys
import threading
import time
import urllib.parse

BATCH_PATH = "/phone/bulk/v1/batches"


class Client:
    """One keep-alive connection; reconnects once when the server closed it.

    Not thread-safe: one Client per thread.
    """

    def __init__(self, url, token, timeout):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.token = token
        self.timeout = timeout
        self.conn = None
        self.rate_limited = 0

    def request(self, method, path, body=None, metadata=False):
        """Returns (status, parsed JSON, response bytes, seconds).

        Retries a 429 after its Retry-After: the benchmark measures the
        server's throughput, not the rate limit (bench/run raises it).
        """
        headers = {"Auth-Token": self.token, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if metadata:
            headers["Add-Metadata"] = "true"
        for attempt in range(20):
            t0 = time.perf_counter()
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(
                        self.host, self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.HTTPException, ConnectionError) as e:
                # A keep-alive connection the server closed between requests:
                # one fresh connection is worth a try, a second failure is real.
                self.conn.close()
                self.conn = None
                if attempt > 0:
                    raise RuntimeError(f"{method} {path}: {e!r}") from e
                continue
            secs = time.perf_counter() - t0
            if resp.status == 429:
                self.rate_limited += 1
                time.sleep(float(resp.getheader("Retry-After", "1")))
                continue
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return resp.status, parsed, len(data), secs
        raise RuntimeError(f"{method} {path}: still rate limited")


def parse_time(s):
    # "2025-09-10T01:02:03.004005Z"
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")


def ms_summary(seconds):
    if not seconds:
        return {"median": None, "max": None}
    return {"median": round(statistics.median(seconds) * 1000, 1),
            "max": round(max(seconds) * 1000, 1)}


def load_bodies(path, numbers):
    """The first `numbers` phones of the corpus, as create bodies (bytes)."""
    bodies, phones = [], []
    left = numbers
    with open(path, "rb") as f:
        for line in f:
            if left <= 0:
                break
            body = json.loads(line)
            if len(body["phones"]) > left:
                body["phones"] = body["phones"][:left]
            left -= len(body["phones"])
            phones.append([p["number"] for p in body["phones"]])
            bodies.append(json.dumps(body, ensure_ascii=False).encode())
    if left > 0:
        sys.exit(f"{path} holds fewer than {numbers} phones; "
                 "generate a larger corpus")
    return bodies, phones


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, action="append",
                    help="a node's base URL; repeat for several nodes")
    ap.add_argument("--token", required=True)
    ap.add_argument("--bodies", default="bench/out/corpus.bodies.jsonl")
    ap.add_argument("--numbers", type=int, default=100_000)
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds to wait for everything")
    args = ap.parse_args()

    bodies, submitted = load_bodies(args.bodies, args.numbers)
    n_batches = len(bodies)
    errors = []
    create_s, start_s, fetch_s = [], [], []
    started = [None] * n_batches  # batch ids, filled by the uploader
    started_at = [None] * n_batches  # client clock when start returned
    ready = threading.Condition()
    bytes_up = sum(len(b) for b in bodies)

    up_clients = [Client(u, args.token, args.timeout) for u in args.url]
    read_clients = [Client(u, args.token, args.timeout) for u in args.url]
    nodes = len(args.url)

    def upload():
        for k, body in enumerate(bodies):
            c = up_clients[k % nodes]
            st, js, _, secs = c.request("POST", BATCH_PATH, body=body)
            create_s.append(secs)
            if st != 200:
                errors.append(f"batch {k}: create {st} {js}")
                break
            bid = js["result"]["batch_id"]
            st, js, _, secs = c.request("POST", f"{BATCH_PATH}/{bid}/start",
                                        body=b"")
            start_s.append(secs)
            if st != 200:
                errors.append(f"batch {k}: start {st} {js}")
                break
            with ready:
                started[k] = bid
                started_at[k] = time.perf_counter()
                ready.notify_all()
        with ready:
            upload_done[0] = time.perf_counter()
            ready.notify_all()

    upload_done = [None]
    t0 = time.perf_counter()
    uploader = threading.Thread(target=upload, daemon=True)
    uploader.start()

    deadline = t0 + args.timeout
    polls = 0
    bytes_down = 0
    wait_s = []  # start returned -> completed seen, per batch
    server_started, server_ended = [], []
    records_done = 0
    for k in range(n_batches):
        with ready:
            while started[k] is None and upload_done[0] is None:
                ready.wait(1)
        bid = started[k]
        if bid is None:
            break  # the uploader failed; its error is recorded
        c = read_clients[(k + 1) % nodes]
        delay = 0.05
        while True:
            st, js, _, _ = c.request("GET", f"{BATCH_PATH}/{bid}")
            polls += 1
            status = js["result"]["status"] if st == 200 else None
            if st != 200 or status in ("completed", "stopped"):
                break
            if time.perf_counter() > deadline:
                errors.append(f"batch {k}: still {status} at the timeout")
                break
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
        if status != "completed":
            errors.append(f"batch {k}: status {st} {status}")
            continue
        wait_s.append(time.perf_counter() - started_at[k])
        server_started.append(parse_time(js["result"]["date_started"]))
        server_ended.append(parse_time(js["result"]["date_ended"]))

        st, js, size, secs = c.request("GET", f"{BATCH_PATH}/{bid}/results",
                                       metadata=True)
        fetch_s.append(secs)
        bytes_down += size
        if st != 200:
            errors.append(f"batch {k}: results {st}")
            continue
        r = js["result"]
        phones = r["phones"]
        want = submitted[k]
        if r["status"] != "completed" or len(phones) != len(want):
            errors.append(f"batch {k}: {r['status']} with {len(phones)} "
                          f"phones, sent {len(want)}")
            continue
        if sum(s["value"] for s in r["statistics"]) != len(want):
            errors.append(f"batch {k}: statistics do not add up")
        mismatched = sum(1 for p, n in zip(phones, want) if p["number"] != n)
        if mismatched:
            errors.append(f"batch {k}: {mismatched} phones out of order or "
                          "changed")
        records_done += len(phones)
    total = time.perf_counter() - t0
    uploader.join(timeout=5)

    server_secs = ((max(server_ended) - min(server_started)).total_seconds()
                   if server_started else None)
    out = {
        "nodes": nodes,
        "numbers": args.numbers,
        "batches": n_batches,
        "records_verified": records_done,
        "total_seconds": round(total, 3),
        "numbers_per_second": round(records_done / total, 1),
        "upload_seconds": (round(upload_done[0] - t0, 3)
                           if upload_done[0] else None),
        "create_ms": ms_summary(create_s),
        "start_ms": ms_summary(start_s),
        "results_fetch_ms": ms_summary(fetch_s),
        "start_to_completed_ms": ms_summary(wait_s),
        "server_processing_seconds": (round(server_secs, 3)
                                      if server_secs else None),
        "server_processing_numbers_per_second": (
            round(records_done / server_secs, 1) if server_secs else None),
        "request_bytes": bytes_up,
        "results_bytes": bytes_down,
        "status_polls": polls,
        "rate_limited_429": sum(x.rate_limited
                                for x in up_clients + read_clients),
        "client_cpu_seconds": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_utime +
            resource.getrusage(resource.RUSAGE_SELF).ru_stime, 2),
        "errors": errors,
    }
    print(json.dumps(out, indent=2))
    return 1 if errors or records_done != args.numbers else 0


if __name__ == "__main__":
    sys.exit(main())
