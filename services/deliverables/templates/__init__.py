"""Jinja2 templates of the published document (a package so that installs ship them)."""
