"""Signals for apps above journeys, which journeys must not import."""

from django.dispatch import Signal

# Sent (inside the caller's transaction) when a path became the current one, with `path_id`.
# Activity listens: it rebuilds everyone's progress on the new chain from the days already
# logged, once the change commits.
path_made_current = Signal()
