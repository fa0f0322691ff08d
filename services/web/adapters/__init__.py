"""Ways in and out of storage and other systems: tables, queries, the outbox, upstream clients, the
mailer, file formats.
"""
