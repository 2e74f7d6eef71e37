"""Every operation of /api/v1/openapi.json, fuzzed by schemathesis in-process (WSGI) as a
member, an organiser and a mentor: no answer is a 500, and every answer has a status the
schema declares, the declared content type and a body that matches the declared schema.

Bounded for `make test` (FUZZ_EXAMPLES examples per operation and role, 6 by default,
derandomized so CI sees the same cases every run); a longer run:

    FUZZ_EXAMPLES=300 .venv/bin/python -m pytest -s system/fuzz/test_api_fuzz.py
"""

import json
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))


@schemathesis.check
def well_formed_is_not_400(ctx, response, case):
    """400 means a malformed request; one the schema allows is never answered so (but a NUL
    character, which no text column can hold, is refused anywhere: path, query or body)."""
    if response.status_code != 400 or case.meta is None:
        return None
    sent = [case.path_parameters, case.query, case.body]
    if case.meta.generation.mode.is_positive and "\\u0000" not in json.dumps(sent, default=str):
        raise AssertionError(f"A request the schema allows was answered 400: {response.text}")
    return None


CHECKS = [
    well_formed_is_not_400,
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# These end or replace the fuzzer's own credentials; it signs in afresh after each call.
RENEWS_CREDENTIALS = {"POST /api/v1/auth/logout", "DELETE /api/v1/tokens/{token_id}"}


def _strategy(operation, ids: dict[str, list]):
    """Positive and negative cases, plus positive ones whose path parameters are real ids
    (a random id is almost always a 404, which reaches little code)."""
    choices = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    names = [p.name for p in operation.path_parameters]
    if names and all(ids.get(name) for name in names):
        real = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in names})
        choices.append(real.flatmap(lambda values: operation.as_strategy(path_parameters=values)))
    return st.one_of(choices)


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)  # by hundred: 2xx, 4xx, ...
    succeeded: set = field(default_factory=set)  # operations answered 2xx at least once

    def add(self, operation, status: int) -> None:
        self.cases += 1
        self.statuses[f"{status // 100}xx"] += 1
        if status < 300:
            self.succeeded.add(operation.label)


def _fuzz(operation, credentials, ids, tally: Tally) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, ids))
    def run(case):
        if operation.schema.is_security_param_negated(case):
            response = case.call()  # its own missing or malformed credentials: refused
        else:
            headers = credentials.headers_for(operation.method, operation.path)
            response = case.call(headers=headers, cookies=credentials.cookies)
        tally.add(operation, response.status_code)
        if operation.label in RENEWS_CREDENTIALS:
            credentials.renew()
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ["member", "organiser", "mentor"])
def test_every_operation_answers_as_its_schema_says(role, transactional_db, fuzz_world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    credentials = fuzz_world.roles[role]
    tally, failures, operations = Tally(), [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, credentials, fuzz_world.ids, tally)
        except (Exception, BaseExceptionGroup) as exc:  # report every operation's failure
            failures.append(f"{operation.label}: {exc}"[:3000])
    print(  # shown with -s
        f"\nfuzz ({role}): {operations} operations, {tally.cases} cases "
        f"({', '.join(f'{k} {v}' for k, v in sorted(tally.statuses.items()))}), "
        f"{len(tally.succeeded)} operations answered 2xx, {len(failures)} failing"
    )
    assert not failures, "\n\n".join(failures)
    # The calls reach real code, not only refusals: the world behind them is real.
    assert len(tally.succeeded) >= operations // 3, sorted(tally.succeeded)
