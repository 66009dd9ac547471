"""Which texts of data/egenvurdering.yaml a reader sees, for translation (gettext domain «egenvurdering»).

The instrument is written once, in bokmål. The apps translate each text where they show it
(``_(item.text)``), so the nynorsk lives in ``locale/nn/LC_MESSAGES/egenvurdering.po`` beside the
texts of the code. :func:`extract` is the Babel extractor that puts these texts in the template
(registered as method ``yaml`` in ``tools/i18n.py``, used through ``locale/domener.yaml``).
"""
from __future__ import annotations

from collections.abc import Iterator

import yaml

__all__ = ["TEXT_KEYS", "extract"]

#: Keys whose values a reader sees: the scale labels, «vet ikke», the band names, the privacy
#: text, each dimension's and statement's name and text, and the status the book's table shows.
#: Ids, chapters, kinds, numbers, the title and the note (which the book says in its own words) are not.
TEXT_KEYS = {
    ("status",),
    ("scale", "*"),
    ("dont_know",),
    ("scoring", "bands", "name"),
    ("privacy", "text"),
    ("dimensions", "name"),
    ("dimensions", "text"),
    ("dimensions", "items", "text"),
}


def _texts(node: yaml.Node, path: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            if isinstance(value, yaml.ScalarNode):
                if (path + (name,)) in TEXT_KEYS or (path + ("*",)) in TEXT_KEYS:
                    text = " ".join(str(value.value).split())  # as the loader reads it
                    if text:
                        yield value.start_mark.line + 1, text
            else:
                yield from _texts(value, path + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            yield from _texts(value, path)  # a list's items share their key's path


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor: ``(lineno, funcname, message, comments)`` for each text a reader sees."""
    source = fileobj.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    root = yaml.compose(source)
    if root is None:
        return
    for lineno, text in _texts(root, ()):
        yield lineno, "_", text, []
