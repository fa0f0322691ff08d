"""Deliverables service: the system of record for the community-justice delivery plan."""
