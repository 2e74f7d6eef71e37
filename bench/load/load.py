"""Locust scenario for the saturation runs of bench/load/suite.py: one scenario per run, chosen
by BENCH_ENDPOINT (a name in bench/load/scenarios.py), each simulated user asking again and
again as fast as it can. The requests come from the context file BENCH_CONTEXT names (API
tokens of random members, their emails for sign-in). FastHttpUser (geventhttpclient):
several times cheaper per request than requests-based users, so the generator takes less
of the CPU it shares with the server.
"""

import os
import random

from locust import FastHttpUser, constant, task
from scenarios import LABELS, builder, context_load

ENDPOINT = os.environ.get("BENCH_ENDPOINT", "floor")
MAKE = builder(
    ENDPOINT,
    context_load() if "BENCH_CONTEXT" in os.environ else {},
    os.environ.get("BENCH_SLOT", "saturated"),
)


class Member(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 30.0
    network_timeout = 30.0

    def on_start(self):
        self.rng = random.Random()

    @task
    def ask(self):
        method, path, headers, body = MAKE(self.rng)
        # Redirects are not followed (the form answers 302 to itself); one to the sign-in
        # page means the session did not count, so it fails.
        with self.client.request(method, path, headers=headers, data=body, name=LABELS[ENDPOINT],
                                 allow_redirects=False, catch_response=True) as answer:  # fmt: skip
            if answer.status_code >= 400 or answer.status_code == 0:
                answer.failure(f"HTTP {answer.status_code}")
            elif "/login" in (answer.headers.get("Location") or ""):
                answer.failure("redirect to sign-in")
