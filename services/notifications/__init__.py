"""Notifications: turns change events into email for subscribers (opt-in, digests, retries)."""
