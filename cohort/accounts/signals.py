"""Signals for apps above accounts, which accounts must not import."""

from django.dispatch import Signal

# Sent after members joined, left or moved between groups, or changed how they show on
# leaderboards; `group_ids` are the groups affected. The leaderboards listen.
standing_changed = Signal()

# Sent inside group_password_rotate's transaction, after the group's members' sessions and
# API tokens were ended: `group_id`, `group_name`, `member_ids` (the active members, less
# `actor_id` who made the change). The notifications app tells each member to create new
# tokens for their devices; a receiver's writes commit or roll back with the rotation.
group_password_rotated = Signal()
