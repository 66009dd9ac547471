"""What both apps do with the store: open it on first use, and say so in Norwegian when it cannot be used."""
from __future__ import annotations

from fellesregler.sprak import oversetter

from .._common import feedback_html
from .errors import StorageError
from .store import Store


_ = oversetter("egenvurdering")


class StoreView:
    """Mixin for the apps (EgenvurderingApp, TeamApp).

    The app sets ``_store`` (None: the default database, opened on first use),
    ``instrument`` and a ``store_message`` HTML widget, and names in
    ``_store_trouble`` (title, advice; marked with ``N_``, translated here) what the user can do while the database
    cannot be used. Every action reaches the database through ``store``, so
    the next action tries again once the problem is fixed.
    """

    _store_trouble: tuple[str, str] = ("", "")

    @property
    def store(self) -> Store:
        """The store, opened on first use; a Norwegian StorageError while the database cannot be used."""
        if self._store is None:
            self._store = Store(instrument=self.instrument)
        return self._store

    @store.setter
    def store(self, value: Store) -> None:
        self._store = value

    def _check_store(self) -> None:
        """Say at the top when the database cannot be used, instead of failing later or crashing."""
        title, advice = self._store_trouble
        try:
            self.store.check()
        except StorageError as err:
            self.store_message.value = feedback_html(f"{err} {_(advice)}", "feil", _(title))
            return
        self.store_message.value = ""
