"""HTTP routes: translate a request into a use case and its result into JSON or a page."""
