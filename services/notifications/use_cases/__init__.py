"""What people and processes do with the service: each opens a unit of work, asks the domain, and
writes through the adapters.
"""
