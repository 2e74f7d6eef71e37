"""Every write of the device sync hub: connections (connections.py), syncs (sync.py), and the
pacing of requests per provider (pacing.py)."""
