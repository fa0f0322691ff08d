"""Cross-cutting infrastructure for every service: settings, logging, events, outbox, inbox."""
