#!/usr/bin/env python3
"""Crash durability: acknowledged writes survive `kill -9`.

Starts acegate (development mode, demo data) on the given database, files `createOpportunity` records from several
client threads as a demo partner and records every acknowledged one, kills the server with SIGKILL while requests
are in flight, restarts it on the same database and checks that every acknowledged record is there. The caller
checks the database's own integrity afterwards (PRAGMA integrity_check, amcheck).

usage: crash_test.py BINARY DATABASE_URL LOG_FILE
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BINARY, DATABASE_URL, LOG = sys.argv[1:4]
WRITERS = 4
KILL_AFTER_ACKS = 150
PASSWORD = "demo-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start():
    port = free_port()
    env = dict(
        os.environ,
        ACEGATE_DATABASE_URL=DATABASE_URL,
        ACEGATE_LISTEN=f"127.0.0.1:{port}",
        ACEGATE_LOG="warn",
        ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE="1000000",
        ACEGATE_RATE_LIMIT_PER_IP_PER_MINUTE="1000000",
    )
    log = open(LOG, "a")
    process = subprocess.Popen([BINARY], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    process.kill()
    sys.exit(f"acegate did not become ready on {DATABASE_URL}")


def graphql(url, query, variables=None, token=None, timeout=30):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"content-type": "application/json", "accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url + "/graphql", data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as r:
        return json.loads(r.read())


def login(url, email):
    response = graphql(
        url,
        "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }",
        {"e": email, "p": PASSWORD},
    )
    return response["data"]["login"]["accessToken"]


CREATE = """mutation($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id workloadName } userErrors { code message } }
}"""


def main():
    server, url = start()
    admin = login(url, "admin@acegate.example.com")
    partner = login(url, "partner-select@acegate.example.com")
    customers = graphql(
        url, '{ customers(first: 2, filter: { search: "Cactus" }) { nodes { id } } }', token=admin
    )["data"]["customers"]["nodes"]
    customer = customers[0]["id"]

    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()
    errors = []

    def writer(n):
        i = 0
        while not stop.is_set():
            i += 1
            name = f"crash-{n}-{i}"
            variables = {
                "input": {
                    "customerId": customer,
                    "fundingSource": "BUILD_FOR_STARTUPS",
                    "engagementType": "BUILD",
                    "workloadName": name,
                    "useCase": f"Crash durability probe {name}: an acknowledged write must survive kill -9.",
                    "scopeOfWork": "The partner builds the workload with the customer's engineers.",
                    "projectedConsumption": [{"service": "LAMBDA", "monthlyUsd": 100}],
                    "estimatedAnnualDealUsd": 60000,
                    "requestedAmountUsd": 5000,
                    "idempotencyKey": name,
                }
            }
            try:
                response = graphql(url, CREATE, variables, token=partner, timeout=10)
            except Exception:  # the server was killed mid-request: not acknowledged
                if not stop.is_set():
                    time.sleep(0.05)
                continue
            payload = (response.get("data") or {}).get("createOpportunity") or {}
            record = payload.get("opportunity")
            if record and not response.get("errors") and not payload.get("userErrors"):
                with lock:
                    acknowledged.append((record["id"], name))
            elif not stop.is_set():
                errors.append(response)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= KILL_AFTER_ACKS:
                break
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)  # mid-load: writers have requests in flight
    server.wait()
    stop.set()
    for t in threads:
        t.join(timeout=15)
    if errors:
        sys.exit(f"unexpected responses before the crash: {errors[:3]}")
    with lock:
        acked = list(acknowledged)
    if len(acked) < 10:
        sys.exit(f"only {len(acked)} writes were acknowledged before the crash")

    server, url = start()
    try:
        admin = login(url, "admin@acegate.example.com")
        missing = []
        for start_at in range(0, len(acked), 100):
            chunk = acked[start_at:start_at + 100]
            found = graphql(
                url,
                "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Opportunity { workloadName } } }",
                {"ids": [id for id, _ in chunk]},
                token=admin,
            )["data"]["nodes"]
            for (id, name), node in zip(chunk, found):
                if not node or node.get("workloadName") != name:
                    missing.append(name)
        total = graphql(url, "{ opportunities { totalCount } }", token=admin)["data"]["opportunities"]["totalCount"]
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    if missing:
        sys.exit(f"{len(missing)} of {len(acked)} acknowledged writes are missing after kill -9: {missing[:5]}")
    if code != 0:
        sys.exit(f"acegate exited with {code} on SIGTERM")
    print(f"crash test on {DATABASE_URL.split('://')[0]}: {len(acked)} acknowledged writes, all present after "
          f"kill -9 and restart ({total} records in all); clean exit 0 on SIGTERM")


main()
