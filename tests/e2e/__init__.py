"""End-to-end tests: the real processes, driven only through the gateway and SMTP."""
