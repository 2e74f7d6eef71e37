"""The OpenAPI document the fuzzer reads is the whole contract: each operation declares
its errors with the {"detail": ...} body, and no two schemas share a name (Ninja names a
component after its class, so a second `MeOut` silently replaced the first: /me was
documented as a leaderboard rank)."""

import typing

from pydantic import BaseModel

from config.api import api


def _models(annotation) -> typing.Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def test_no_two_schemas_share_a_name():
    classes: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*(operation.response_models or {}).values(), *operation.models]:
                    for found in _models(model):
                        classes.setdefault(found.__name__, set()).add(
                            f"{found.__module__}.{found.__qualname__}"
                        )
    shared = {name: sorted(where) for name, where in classes.items() if len(where) > 1}
    assert shared == {}


def test_every_operation_declares_its_errors_with_a_detail():
    schema = api.get_openapi_schema()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            # 400 on every operation: a NUL in the query string is malformed on reads too.
            expected = {400, 422, 503} | ({401, 403, 404} if operation.get("security") else set())
            if method != "get":
                expected |= {409, 429}
            assert expected <= set(responses), f"{method.upper()} {path}: {sorted(responses)}"
            for status in expected:
                body = responses[status]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}
