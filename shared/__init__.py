"""Cross-cutting infrastructure shared by every service: settings, logging, events, outbox, inbox."""
