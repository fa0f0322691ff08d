"""The deliverables domain: rules with no I/O, shared by the use cases and the importer."""
