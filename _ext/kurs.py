"""Sphinx extension for the course book (placeholder, being written)."""


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
