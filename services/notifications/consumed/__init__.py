"""The event types this service consumes: one registry entry each (see ``registry``)."""

from services.notifications.consumed import deliverables, directory
from services.notifications.consumed.registry import Registry

REGISTRY = Registry([*deliverables.EVENTS, *directory.EVENTS])
