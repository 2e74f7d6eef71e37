"""Signals for apps above activity, which activity must not import."""

from django.dispatch import Signal

# Sent once a logged, corrected or reviewed day has committed, with `user_id`, `group_id`
# and `day`. Analytics listens, to keep today's summary current.
day_changed = Signal()
