"""Open data: the HSDS 3.0 / ORUK-style read API and HSDS JSON import and export."""
