"""System-level tests: end to end across the processes, and checks of the deployment files."""
