"""Field types shared by the API's input schemas.

JSON has real numbers, so an integer field of a JSON body takes only an integer: not a
boolean (pydantic would take `true` as 1), not a number with a fraction and not a numeric
string. Every integer of every JSON body schema is a `JsonInt` (system/security/
test_api_input_errors.py walks the OpenAPI document and fails on any that is not); query,
path and form values arrive as text and keep plain `int`."""

from typing import Annotated

from pydantic import Strict

JsonInt = Annotated[int, Strict()]
