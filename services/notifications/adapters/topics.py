"""The Kafka topics this service reads and the dead-letter topic it writes (contracts.md)."""

DELIVERABLE_TOPIC = "deliverables.deliverable.v1"
REPORTING_ROUND_TOPIC = "deliverables.reporting-round.v1"
SERVICE_TOPIC = "directory.service.v1"
DEAD_LETTER_TOPIC = "notifications.dead-letter.v1"

CONSUMED_TOPICS = [DELIVERABLE_TOPIC, REPORTING_ROUND_TOPIC, SERVICE_TOPIC]
