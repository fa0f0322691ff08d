"""HTTP entrypoints: translate requests into use cases and their results into JSON."""
