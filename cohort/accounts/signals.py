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

# Sent when members came to be in a group by a path that saves no User row one by one
# (import_members' bulk insert, assign_default_group's update), with `user_ids`. Saves of
# single users (member_add, invites, the admin) reach listeners through post_save.
# Journeys listens, to put them on the current path at once.
member_joined = Signal()

# Sent inside import_members' transaction when the importer asked for welcome emails, with
# `user_ids` of the members it created. The notifications app queues one welcome email
# each (their group's invite link and how to sign in) once the import commits.
members_to_welcome = Signal()
