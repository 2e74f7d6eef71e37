"""Tokens at rest: Fernet with DEVICE_TOKEN_KEY, else a key derived from SECRET_KEY; a
token the key no longer opens reads as none, and the member is asked to reconnect."""

from cryptography.fernet import Fernet

from cohort.devices.crypto import token_decrypt, token_encrypt
from cohort.devices.models import SyncRun
from cohort.devices.services.sync import device_sync


def test_a_configured_key_encrypts_and_decrypts(settings):
    settings.DEVICE_TOKEN_KEY = Fernet.generate_key().decode()
    stored = token_encrypt("ya29.secret")
    assert "ya29" not in stored and token_decrypt(stored) == "ya29.secret"
    assert Fernet(settings.DEVICE_TOKEN_KEY.encode()).decrypt(stored.encode()) == b"ya29.secret"


def test_without_a_key_one_is_derived_from_the_secret_key(settings):
    settings.DEVICE_TOKEN_KEY = ""
    stored = token_encrypt("ya29.secret")
    assert token_decrypt(stored) == "ya29.secret"
    settings.SECRET_KEY = "another secret key entirely"
    assert token_decrypt(stored) == ""


def test_a_token_the_key_no_longer_opens_asks_to_reconnect(google, walker, connected, settings):
    conn = connected()
    settings.DEVICE_TOKEN_KEY = Fernet.generate_key().decode()  # the key changed
    assert device_sync(connection_id=conn.pk, kind=SyncRun.Kind.NIGHTLY).outcome == "reconnect"
    assert google.count("/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp") == 0
