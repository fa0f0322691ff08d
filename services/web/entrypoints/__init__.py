"""What starts work: HTTP routes, consumers, background loops, the command line. They translate and
delegate to a use case.
"""
