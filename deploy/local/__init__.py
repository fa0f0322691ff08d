"""The embedded, one-machine way to run the platform (`make run`)."""
