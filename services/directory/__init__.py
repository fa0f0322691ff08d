"""Community Support Services directory: HSDS 3.0 entries extended for community justice."""
