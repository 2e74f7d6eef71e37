"""Announcements and mentor-student message threads."""
