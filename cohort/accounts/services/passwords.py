"""Generated group passwords: read aloud, typed on a phone, printed on a sign-in sheet."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

# No 0/o, 1/l/i: a password read off a printed sheet is typed without guessing.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def group_password_generate() -> str:
    """Four blocks of four (about 79 bits), e.g. "k7mq-x3pv-9wtd-h4ne"; passes Django's
    validators (checked, and drawn again in the unlikely case it does not)."""
    while True:
        blocks = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        password = "-".join(blocks)
        try:
            validate_password(password)
        except ValidationError:  # a rare draw the validators refuse: draw again
            continue
        return password
