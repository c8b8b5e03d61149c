"""The parts of scripts/cluster-test.sh written in Python (standard library, plus aiosmtpd for
the SMTP receiver):

- smtp PORT RECORD: an SMTP server on 127.0.0.1:PORT that appends the time and Message-ID of
  every message it accepts to RECORD, one a line;
- load URL SECONDS CLIENTS ACKS: CLIENTS clients for SECONDS through URL (nginx, https with
  the test's own certificate), writing what was acknowledged to ACKS (JSON);
- check URL ACKS RECORD DATABASE_URL KILLED_AT: the acknowledged writes are in the database,
  each idempotency key made one thing, no ticket number twice, every acknowledged file
  downloads with its bytes, every outbox mail arrived, and exactly once but for the few the
  killed instance had in flight (received within the mail lease before the kill, then again).

Retries: a connection error, 502, 503 or 504 is retried with the same request (and the same
Idempotency-Key); so is 409 `request_in_progress` (the answer to a retry that arrives while
the key's first request, lost with a killed instance, is still counted as running). Any other
failure is reported and fails the run.
"""
import collections
import hashlib
import http.client
import json
import os
import random
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

PASSWORD = "Demo-Guichet-2026!"
CUSTOMERS = ["claire@acme.test", "paul@boreal.test", "remi@acme.test"]
AGENT = "agent@guichet.test"
RETRIED_STATUSES = {502, 503, 504}
# How long one request is retried before the run fails: past an instance's restart.
RETRY_FOR_SECONDS = 90
# A mail received twice is one the killed instance had sent, unrecorded, if its first copy
# arrived before the kill, within the mail lease (GUICHET_MAIL_LEASE in cluster-test.sh): the
# jobs it held are sent again once their lease passes.
IN_FLIGHT_SECONDS = 15.0
# Bytes already on their way when the kill was recorded reach the receiver just after it.
KILL_GRACE_SECONDS = 1.0


class Failure(Exception):
    pass


class Client:
    """One HTTP/1.1 keep-alive connection to nginx, re-opened after a connection error."""

    def __init__(self, url, stats):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.context = ssl._create_unverified_context()  # the test's self-signed certificate
        self.connection = None
        self.stats = stats
        self.token = None

    def _connect(self):
        self.connection = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=30
        )

    def request(self, method, path, body=None, headers=None, raw=False):
        """Sends until an answer other than a retried one comes; returns (status, body)."""
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        attempt = 0
        while True:
            attempt += 1
            reason = None
            try:
                if self.connection is None:
                    self._connect()
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                data = answer.read()
                status = answer.status
                if answer.will_close:
                    self.connection.close()
                    self.connection = None
            except (OSError, http.client.HTTPException) as error:
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                reason = f"connection: {type(error).__name__}"
            if reason is None:
                self.stats.count(method, path, status)
                if status in RETRIED_STATUSES:
                    reason = f"status {status}"
                elif status == 409 and b"request_in_progress" in data:
                    reason = "409 request_in_progress"
                else:
                    if not raw and data and answer.getheader("Content-Type", "").find("json") >= 0:
                        return status, json.loads(data)
                    return status, data
            else:
                self.stats.count(method, path, "connection error")
            self.stats.retry(reason)
            if time.monotonic() > deadline:
                raise Failure(f"{method} {path}: still failing after {attempt} attempts ({reason})")
            time.sleep(min(0.1 * attempt, 1.0))

    def expect(self, wanted, method, path, **kwargs):
        status, body = self.request(method, path, **kwargs)
        if status != wanted:
            raise Failure(f"{method} {path}: {status} {body!r:.300}")
        return body


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.retries = collections.Counter()
        self.requests = 0

    def count(self, method, path, status):
        with self.lock:
            self.requests += 1
            self.statuses[str(status)] += 1

    def retry(self, reason):
        with self.lock:
            self.retries[reason] += 1


def sign_in(client, email):
    pair = client.expect(200, "POST", "/api/v1/auth/login", body={"email": email, "password": PASSWORD})
    client.token = pair["access_token"]


def leaf_categories(nodes, kind):
    for node in nodes:
        if node["children"]:
            yield from leaf_categories(node["children"], kind)
        elif node.get("kind") in (None, kind):
            yield node["id"]


def customer(url, email, stop, stats, acks, failures, seed):
    rng = random.Random(seed)
    client = Client(url, stats)
    mine = []  # ticket numbers this client opened
    try:
        sign_in(client, email)
        categories = list(leaf_categories(client.expect(200, "GET", "/api/v1/categories"), "incident"))
        if not categories:
            raise Failure(f"{email} is offered no incident category")
        while not stop.is_set():
            roll = rng.random()
            if not mine or roll < 0.3:
                key = str(uuid.uuid4())
                body = {
                    "kind": "incident",
                    "category_id": rng.choice(categories),
                    "urgency": "medium",
                    "title": f"cluster {key}",
                    "description": "Opened by the cluster test's load.",
                }
                ticket = client.expect(201, "POST", "/api/v1/tickets", body=body, headers={"Idempotency-Key": key})
                mine.append(ticket["number"])
                acks.add("tickets", {"key": key, "number": ticket["number"]})
            elif roll < 0.5:
                key = str(uuid.uuid4())
                number = rng.choice(mine)
                entry = client.expect(
                    201, "POST", f"/api/v1/tickets/{number}/followups",
                    body={"body": f"follow-up {key}"}, headers={"Idempotency-Key": key},
                )
                acks.add("followups", {"key": key, "number": number, "id": entry["id"]})
            elif roll < 0.65:
                number = rng.choice(mine)
                content = os.urandom(rng.randint(1, 48 * 1024))
                boundary = uuid.uuid4().hex
                name = f"file-{uuid.uuid4().hex[:8]}.bin"
                body = (
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                    "Content-Type: application/octet-stream\r\n\r\n"
                ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
                info = client.expect(
                    201, "POST", f"/api/v1/tickets/{number}/attachments", body=body,
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                )
                acks.add("uploads", {
                    "id": info["id"], "number": number, "name": name,
                    "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                })
            elif roll < 0.8:
                uploads = acks.uploads_of(email)
                if uploads:
                    upload = rng.choice(uploads)
                    data = client.expect(200, "GET", f"/api/v1/attachments/{upload['id']}", raw=True)
                    if hashlib.sha256(data).hexdigest() != upload["sha256"]:
                        raise Failure(f"attachment {upload['id']} came back with other bytes")
            else:
                client.expect(200, "GET", "/api/v1/tickets?limit=20")
    except Failure as failure:
        failures.append(f"{email}: {failure}")


def agent(url, stop, stats, acks, failures, seed):
    rng = random.Random(seed)
    client = Client(url, stats)
    try:
        sign_in(client, AGENT)
        while not stop.is_set():
            page = client.expect(200, "GET", "/api/v1/tickets?limit=20")
            # The load's own tickets: the demo's may be closed.
            ours = [t["number"] for t in page["items"] if t["title"].startswith("cluster ")]
            if not ours:
                time.sleep(0.2)
                continue
            number = rng.choice(ours)
            key = str(uuid.uuid4())
            internal = rng.random() < 0.5
            entry = client.expect(
                201, "POST", f"/api/v1/tickets/{number}/followups",
                body={"body": f"agent {key}", "internal": internal}, headers={"Idempotency-Key": key},
            )
            acks.add("followups", {"key": key, "number": number, "id": entry["id"]})
    except Failure as failure:
        failures.append(f"{AGENT}: {failure}")


class Acks:
    """What the load balancer acknowledged with a 2xx, by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.kinds = collections.defaultdict(list)
        self.by_owner = collections.defaultdict(list)

    def add(self, kind, item):
        item["owner"] = threading.current_thread().name
        with self.lock:
            self.kinds[kind].append(item)
            if kind == "uploads":
                self.by_owner[item["owner"]].append(item)

    def uploads_of(self, _email):
        with self.lock:
            return list(self.by_owner[threading.current_thread().name])


def load(url, seconds, clients, out):
    stats, acks, failures = Stats(), Acks(), []
    stop = threading.Event()
    threads = []
    for n in range(clients):
        if n % 4 == 3:
            target, args = agent, (url, stop, stats, acks, failures, n)
        else:
            email = CUSTOMERS[n % len(CUSTOMERS)]
            target, args = customer, (url, email, stop, stats, acks, failures, n)
        threads.append(threading.Thread(target=target, args=args, name=f"client-{n}"))
    for thread in threads:
        thread.start()
    started = time.monotonic()
    while time.monotonic() - started < seconds and not failures:
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    with open(out, "w") as f:
        json.dump({
            "acks": acks.kinds, "failures": failures, "requests": stats.requests,
            "statuses": stats.statuses, "retries": stats.retries,
        }, f)
    print(f"load: {stats.requests} answers, statuses {dict(sorted(stats.statuses.items()))}, "
          f"retries {dict(stats.retries)}; acknowledged: "
          + ", ".join(f"{len(v)} {k}" for k, v in sorted(acks.kinds.items())))
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def sql(database_url, query):
    """Rows of `query` through psql, as lists of strings."""
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", database_url, "-c", query],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def check(url, acks_file, record, database_url, killed_at_file):
    with open(acks_file) as f:
        run = json.load(f)
    with open(killed_at_file) as f:
        killed_at = float(f.read())
    acks = run["acks"]
    problems = list(run["failures"])
    unexpected = {s: n for s, n in run["statuses"].items() if s not in ("200", "201", "502", "503", "504", "409", "connection error")}
    if unexpected:
        problems.append(f"clients saw statuses other than 2xx and retried ones: {unexpected}")

    # Tickets: every acknowledged number exists, each key made exactly one ticket.
    titles = collections.Counter(row[0] for row in sql(database_url, "SELECT title FROM tickets WHERE title LIKE 'cluster %'"))
    numbers = {row[0] for row in sql(database_url, "SELECT number FROM tickets")}
    for ticket in acks.get("tickets", []):
        if ticket["number"] not in numbers:
            problems.append(f"acknowledged ticket {ticket['number']} is not in the database")
        if titles[f"cluster {ticket['key']}"] != 1:
            problems.append(f"key {ticket['key']} made {titles[f'cluster ' + ticket['key']]} tickets")
    for title, count in titles.items():
        if count != 1:
            problems.append(f"{count} tickets titled {title!r}")
    duplicated = sql(database_url, "SELECT number, count(*) FROM tickets GROUP BY number HAVING count(*) > 1")
    if duplicated:
        problems.append(f"ticket numbers taken twice: {duplicated}")

    # Follow-ups: the acknowledged event exists, each key made exactly one.
    # Each follow-up's body ends with its key.
    made_by_key = collections.Counter(
        (row[0] or "").rsplit(" ", 1)[-1]
        for row in sql(database_url, "SELECT details::json->>'body' FROM ticket_events "
                                     "WHERE event IN ('followup', 'internal_note')")
    )
    events = {row[0] for row in sql(database_url, "SELECT id FROM ticket_events")}
    for followup in acks.get("followups", []):
        if str(followup["id"]) not in events:
            problems.append(f"acknowledged follow-up {followup['id']} is not in the database")
        made = made_by_key[followup["key"]]
        if made != 1:
            problems.append(f"key {followup['key']} made {made} follow-ups")

    # Files: every acknowledged upload downloads whole, through nginx, as an agent.
    client = Client(url, Stats())
    sign_in(client, AGENT)
    rows = {row[0]: row[1] for row in sql(database_url, "SELECT id, sha256 FROM attachments")}
    for upload in acks.get("uploads", []):
        if str(upload["id"]) not in rows:
            problems.append(f"acknowledged upload {upload['id']} is not in the database")
            continue
        status, data = client.request("GET", f"/api/v1/attachments/{upload['id']}", raw=True)
        if status != 200 or hashlib.sha256(data).hexdigest() != upload["sha256"]:
            problems.append(f"upload {upload['id']} does not download with its bytes ({status})")

    # Mails: every outbox message was received, and once, but for those the killed instance
    # had handed to the SMTP server just before it died without recording them: their
    # leases pass and they are sent again, with the same Message-ID (SMTP's acceptance and
    # the database's record cannot be one atomic step).
    received = collections.Counter()
    first_received = {}
    with open(record) as f:
        for line in f:
            at, message_id = line.split(" ", 1)
            message_id = message_id.strip().strip("<>")
            received[message_id] += 1
            first_received.setdefault(message_id, float(at))
    outbox = [row[0].strip("<>") for row in sql(database_url, "SELECT message_id FROM outbox_messages")]
    unsent = sql(database_url, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL")[0][0]
    if unsent != "0":
        problems.append(f"{unsent} outbox messages are not marked sent")
    missing = [m for m in outbox if received[m] == 0]
    twice = {m: n for m, n in received.items() if n > 1}
    in_flight = {m for m, n in twice.items() if n == 2 and killed_at - IN_FLIGHT_SECONDS <= first_received[m] <= killed_at + KILL_GRACE_SECONDS}
    twice = {m: n for m, n in twice.items() if m not in in_flight}
    strangers = set(received) - set(outbox)
    if missing:
        problems.append(f"{len(missing)} outbox mails never arrived, e.g. {missing[:3]}")
    if twice:
        problems.append(
            f"{len(twice)} mails arrived more than once, e.g. "
            f"{[(m, n, round(first_received[m] - killed_at, 3)) for m, n in list(twice.items())[:3]]} "
            "(id, copies, first copy's time after the kill in seconds)"
        )
    if strangers:
        problems.append(f"{len(strangers)} mails arrived that the outbox does not hold")
    dead = sql(database_url, "SELECT kind, last_error FROM jobs WHERE state = 'dead'")
    if dead:
        problems.append(f"dead jobs: {dead[:3]}")

    retries = sum(run["retries"].values())
    print(
        f"cluster test: {run['requests']} answers ({retries} retried: {run['retries']}), per status "
        f"{dict(sorted(run['statuses'].items()))}; {len(acks.get('tickets', []))} tickets, "
        f"{len(acks.get('followups', []))} follow-ups, {len(acks.get('uploads', []))} uploads acknowledged "
        f"and found; {len(outbox)} mails, {sum(received.values())} received "
        f"({len(in_flight)} in flight at the kill sent again)"
    )
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def smtp(port, record):
    from aiosmtpd.controller import Controller
    from email.parser import BytesHeaderParser

    lock = threading.Lock()

    class Recorder:
        async def handle_DATA(self, server, session, envelope):
            message_id = BytesHeaderParser().parsebytes(envelope.content).get("Message-ID", "")
            with lock, open(record, "a") as f:
                f.write(f"{time.time():.3f} {message_id.strip()}\n")
            return "250 OK"

    controller = Controller(Recorder(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        threading.Event().wait()
    finally:
        controller.stop()


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "smtp":
        smtp(int(args[0]), args[1])
    elif command == "load":
        sys.exit(load(args[0], float(args[1]), int(args[2]), args[3]))
    elif command == "check":
        sys.exit(check(*args))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
