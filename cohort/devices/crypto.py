"""Encrypting provider tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) with
DEVICE_TOKEN_KEY, else a key derived from SECRET_KEY by HKDF, so a database dump alone
never holds a usable token."""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(configured: str, secret: str) -> Fernet:
    if configured:
        return Fernet(configured.encode())
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cohort.devices.tokens"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _key() -> Fernet:
    return _fernet(settings.DEVICE_TOKEN_KEY, settings.SECRET_KEY)


def token_encrypt(value: str) -> str:
    return _key().encrypt(value.encode()).decode() if value else ""


def token_decrypt(value: str) -> str:
    """The plain token, or "" when there is none or the key changed (then the member
    reconnects: the sync treats a missing token as a withdrawn grant)."""
    if not value:
        return ""
    try:
        return _key().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""
