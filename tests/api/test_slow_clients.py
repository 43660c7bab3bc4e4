#!/usr/bin/env python3
"""test_slow_clients.py — slow clients cannot take the server down: 300
slow connections on loopback that send a byte every half second (headers
that never end, or a body that never ends), first from one client address,
then from ten. The server runs with a short deadline (--timeout 3) and
checks: a client address holds at most --max-per-client connections; every
slow connection is shut at the deadline although it is never idle; /healthz
answers throughout (on the main port from another address, and on the
health listener even while the main port is full, its connections all
held by slow clients); a request that is slow
but complete within the deadline, and a kept-alive connection used for
longer than the deadline, are served. Every load is bounded in count and
time and targets 127.0.0.1 only (the slow clients' source addresses are
other loopback addresses, 127.0.0.2 and up).
Usage: test_slow_clients.py path/to/inbeeld"""
import http.client
import os
import re
import select
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

TIMEOUT = 3            # --timeout: the deadline of a request, in seconds
PER_CLIENT = 32        # --max-per-client
MAX_CONNECTIONS = 64   # --max-connections
SLOW = 300             # slow connections per attack
DRIP = 0.5             # seconds between two bytes of a slow client

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(
    inbeeld, "--timeout", str(TIMEOUT), "--max-per-client", str(PER_CLIENT),
    "--max-connections", str(MAX_CONNECTIONS), "--health-listen", "127.0.0.1:0")


def health_port():
    deadline = time.time() + 10
    while time.time() < deadline:
        for line in list(server.log):
            m = re.search(r"gezondheid op http://127\.0\.0\.1:(\d+)/healthz", line)
            if m:
                return int(m.group(1))
        time.sleep(0.05)
    raise apilib.Failure("no health listener announced: %s" % "".join(server.log))


HEALTH = health_port()


class SlowClient:
    """One slow connection from `source`: a request head that never ends,
    or (body=True) a complete head and a body that never ends."""

    def __init__(self, source, body):
        self.opened = time.time()
        self.closed = None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(2)
        try:
            self.sock.bind((source, 0))
            self.sock.connect(("127.0.0.1", server.port))
            if body:
                self.sock.sendall(b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\n"
                                  b"Content-Type: application/json\r\n"
                                  b"Content-Length: 100000\r\n\r\n{")
            else:
                self.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        except OSError:
            self.closed = self.opened          # refused outright
        self.sock.setblocking(False)

    def drip(self):
        """Sends one more byte; notes when the server closed the connection."""
        if self.closed is not None:
            return
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
            if readable and not self.sock.recv(4096):
                raise ConnectionResetError
            self.sock.send(b"a")
        except OSError:
            self.closed = time.time()

    def close(self):
        self.sock.close()


def attack(sources, seconds):
    """SLOW slow clients spread over `sources`, every fourth sending a slow
    body; drips for `seconds` and returns them (closed)."""
    clients = [SlowClient(sources[i % len(sources)], body=i % 4 == 3) for i in range(SLOW)]
    end = time.time() + seconds
    while time.time() < end:
        for c in clients:
            c.drip()
        time.sleep(DRIP)
    for c in clients:
        c.close()
    return clients


def healthz(port, timeout=2.0):
    """The status of GET /healthz on port from 127.0.0.1, None when no answer."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


class Prober(threading.Thread):
    """Asks /healthz on each port every 0.3 s until stopped."""

    def __init__(self, ports):
        super().__init__(daemon=True)
        self.ports = ports
        self.answers = {p: [] for p in ports}
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(0.3):
            for p in self.ports:
                self.answers[p].append(healthz(p))

    def stop(self):
        self.stopping.set()
        self.join()


def held(clients):
    """The clients the server accepted and kept (open a second after)."""
    return [c for c in clients if c.closed is None or c.closed - c.opened > 1.0]


def check_shut_at_deadline(clients):
    late = [round(c.closed - c.opened, 2) if c.closed else None for c in clients
            if c.closed is None or not TIMEOUT - 0.5 <= c.closed - c.opened <= TIMEOUT + 1.5]
    check(not late, "%d of %d slow connections not shut at the %d s deadline: %s"
          % (len(late), len(clients), TIMEOUT, late[:10]))


def test_one_address_held_to_its_share_and_shut_at_deadline():
    prober = Prober([server.port, HEALTH])
    prober.start()
    clients = attack(["127.0.0.2"], TIMEOUT + 2.5)
    prober.stop()
    kept = held(clients)
    check(0 < len(kept) <= PER_CLIENT,
          "one address held %d connections (at most %d)" % (len(kept), PER_CLIENT))
    check(any(i % 4 == 3 for i, c in enumerate(clients) if c in kept),
          "a slow body among the connections held")
    check_shut_at_deadline(kept)
    for port, answers in prober.answers.items():
        check(len(answers) >= 10 and all(a == 200 for a in answers),
              "/healthz on port %d during the attack: %s" % (port, answers))


def test_full_server_health_listener_answers():
    sources = ["127.0.0.%d" % i for i in range(3, 13)]      # 30 connections each
    result = {}
    attacker = threading.Thread(target=lambda: result.update(
        clients=attack(sources, TIMEOUT + 2.5)), daemon=True)
    attacker.start()
    time.sleep(0.5)
    full = healthz(server.port, timeout=1.0)
    reserve = [healthz(HEALTH, timeout=1.0) for _ in range(5)]
    attacker.join()
    # Beyond the connection limit, connections wait in the kernel's
    # backlog: seen from here they are open, so only the answers tell.
    check(full is None, "the main port answered while full: %s" % full)
    check(reserve == [200] * 5, "/healthz on the health listener while full: %s" % reserve)
    check(len(result["clients"]) == SLOW, "the attack ran")
    # The connections left waiting in the backlog are accepted and found
    # closed within a few seconds.
    back = time.time() + TIMEOUT + 6
    while healthz(server.port, timeout=1.0) != 200:
        check(time.time() < back, "the main port does not answer after the attack")


def test_slow_but_in_time_and_kept_alive_served():
    # A head that takes half the deadline to arrive.
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"\r\n"):
        s.sendall(part)
        time.sleep(TIMEOUT / 4)
    answer = s.recv(4096)
    s.close()
    check(answer.startswith(b"HTTP/1.1 200 "), "slow but in time: %r" % answer[:40])
    # One kept-alive connection, used for longer than the deadline: each
    # answer starts the next request's deadline.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    start = time.time()
    statuses = []
    while time.time() - start < TIMEOUT + 1.5:
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        statuses.append(r.status)
        time.sleep(TIMEOUT / 3)
    conn.close()
    check(len(statuses) >= 4 and all(st == 200 for st in statuses),
          "kept-alive connection: %s" % statuses)


def test_health_listener_answers_healthz_only():
    c = apilib.Client(HEALTH)
    status, _, body = c.json("GET", "/healthz")
    check(status == 200 and body["status"] == "ok", "healthz: %d %s" % (status, body))
    status, _, _ = c.request("GET", "/api/v1/openapi.json")
    check(status == 404, "only /healthz there: %d" % status)
    status, headers, _ = c.request("POST", "/healthz")
    check(status == 405 and headers["allow"] == "GET", "POST /healthz: %d" % status)


try:
    apilib.main([test_one_address_held_to_its_share_and_shut_at_deadline,
                 test_full_server_health_listener_answers,
                 test_slow_but_in_time_and_kept_alive_served,
                 test_health_listener_answers_healthz_only], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
