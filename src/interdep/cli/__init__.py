"""The ``interdep`` command line."""
