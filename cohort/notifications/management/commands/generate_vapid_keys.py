import base64

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand
from py_vapid import Vapid


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Command(BaseCommand):
    help = (
        "Make a VAPID key pair for Web Push and print the settings to add (docs/operations.md, "
        "'Push notifications'). Changing the keys later ends every member's push subscription."
    )

    def handle(self, *args, **options):
        vapid = Vapid()
        vapid.generate_keys()
        private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
        public = vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.stdout.write(f"VAPID_PUBLIC_KEY={_b64url(public)}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={_b64url(private)}")
        self.stderr.write(
            "Keep VAPID_PRIVATE_KEY secret (or in a file named by VAPID_PRIVATE_KEY_FILE) and set "
            "VAPID_SUBJECT to a mailto: or https: contact for the push services."
        )
