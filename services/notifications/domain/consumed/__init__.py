"""The event types this service consumes: one registry entry each (see ``registry``)."""

from services.notifications.domain.consumed import deliverables, directory
from services.notifications.domain.consumed.registry import Registry

REGISTRY = Registry([*deliverables.EVENTS, *directory.EVENTS])
