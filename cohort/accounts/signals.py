"""Signals for apps above accounts, which accounts must not import."""

from django.dispatch import Signal

# Sent after members joined, left or moved between groups, or changed how they show on
# leaderboards; `group_ids` are the groups affected. The leaderboards listen.
standing_changed = Signal()
