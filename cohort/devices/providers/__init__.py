"""The registry of device providers: name -> adapter instance. Add one line per provider."""

from __future__ import annotations

from .base import Provider
from .google_health import GoogleHealth
from .oura import Oura
from .polar import Polar
from .withings import Withings

PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    PROVIDERS[provider.name] = provider
    return provider


def enabled_providers() -> list[Provider]:
    return [p for p in PROVIDERS.values() if p.enabled()]


def get_provider(name: str) -> Provider | None:
    return PROVIDERS.get(name)


register(GoogleHealth())
register(Withings())
register(Oura())
register(Polar())
