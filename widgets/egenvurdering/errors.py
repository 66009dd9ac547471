"""The self-assessment's errors: Norwegian messages that are safe to show.

* :class:`StorageError` and its subclasses: the database cannot do what was asked (busy, read-only,
  unreachable, badly set up) or the input does not match anything stored (unknown code, closed group).
  :func:`db_errors` turns SQLAlchemy's errors into them.
* :class:`PrivacyRefusal` (:class:`TooFewRespondents`): the privacy rule refuses to show figures.
  That is not a storage problem, so it is its own kind; both are :class:`~widgets._common.InputError`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from fellesregler.personvern import for_faa_tekst
from fellesregler.sprak import N_, oversetter

from .._common import InputError

_ = oversetter("egenvurdering")

__all__ = [
    "BAD_FOLDER",
    "BAD_URL",
    "DatabaseLocked",
    "DatabaseUnavailable",
    "GroupClosed",
    "GroupWithoutAdminCode",
    "InvalidGroupCode",
    "InvalidKey",
    "NotGroupLeader",
    "PrivacyRefusal",
    "ReadOnlyDatabase",
    "StorageError",
    "TooFewRespondents",
    "UnknownKey",
    "WrongAdminCode",
    "db_errors",
    "map_db_error",
]


class StorageError(InputError):
    """A storage problem. The message is in Norwegian and safe to show.

    The messages are bokmål marked with ``N_``; the error carries them in the målform in force.
    """

    default = N_("Noe gikk galt med databasen. Prøv igjen om litt, eller gi beskjed til kursansvarlig.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(_(message or self.default))


class DatabaseLocked(StorageError):
    default = N_(
        "Databasen er opptatt akkurat nå. Svarene dine er ikke lagret ennå, men de er ikke borte: "
        "prøv igjen om litt."
    )


class ReadOnlyDatabase(StorageError):
    default = N_(
        "Databasen kan bare leses akkurat nå, så svarene dine er ikke lagret. Det som er lagret fra før, "
        "er ikke borte. Ta vare på svarene og gi beskjed til kursansvarlig."
    )


class DatabaseUnavailable(StorageError):
    default = N_(
        "Vi får ikke kontakt med databasen akkurat nå, så svarene dine er ikke lagret. Det som er lagret fra "
        "før, er ikke borte. Prøv igjen om litt, eller gi beskjed til kursansvarlig."
    )


class UnknownKey(StorageError):
    default = N_(
        "Vi finner ingen svar for denne koden. Sjekk at du har skrevet den riktig. "
        "Svar slettes automatisk etter en tid, og de kan også være slettet av deg selv."
    )


class InvalidKey(UnknownKey):
    default = N_("Koden har feil form. En kode har 12 tegn, for eksempel K7QF-3MZP-XW2D.")


class InvalidGroupCode(StorageError):
    default = N_("Gruppekoden har feil form. En gruppekode har 8 tegn, for eksempel 4KXM-92TQ.")


#: For a database that cannot be used because of how it is set up, not because it is busy:
#: what is wrong, whom the user tells, and what the operator fixes (details are in the log).
BAD_URL = N_(
    "Egenvurderingen finner ikke databasen, fordi adressen til den er feil satt opp. Derfor kan ingenting "
    "lagres eller hentes nå. Det som er lagret fra før, er ikke borte. Gi beskjed til kursansvarlig. "
    "Den som drifter kurset, finner detaljene i loggen til appene og må rette innstillingen EGENVURDERING_DB_URL."
)
BAD_FOLDER = N_(
    "Egenvurderingen kan ikke lage eller åpne databasefilen, fordi mappen den skal ligge i, mangler eller ikke "
    "kan skrives til. Derfor kan ingenting lagres nå. Det som er lagret fra før, er ikke borte. Gi beskjed til "
    "kursansvarlig. Den som drifter kurset, finner detaljene i loggen til appene. Mappen må finnes, og appene "
    "må kunne skrive i den. Hvilken mappe det er, står i innstillingen EGENVURDERING_DB_URL (uten den er det "
    "mappen var i kursmappen)."
)


class GroupClosed(StorageError):
    default = N_(
        "Gruppen er lukket, så ingen nye kan legge svarene sine til i den. Spør kurslederen om du skal være med "
        "i en annen gruppe."
    )


class WrongAdminCode(StorageError):
    """The admin code («lederkode») given to close a group is missing or not the group's."""

    default = N_(
        "Lederkoden er feil. Bare den som laget gruppen, har lederkoden. Den ble vist én gang, "
        "sammen med gruppekoden."
    )
    missing = N_(
        "Skriv inn lederkoden. Bare den som laget gruppen, har lederkoden. Den ble vist én gang, "
        "sammen med gruppekoden."
    )


class GroupWithoutAdminCode(StorageError):
    """A group made before admin codes existed: it has no admin code, so nobody can close it."""

    default = N_(
        "Denne gruppen ble laget før det fantes lederkoder, og derfor kan den ikke lukkes. "
        "Vil du kunne lukke gruppen, lager du en ny gruppe og ber teamet legge svarene sine til i den."
    )


class NotGroupLeader(StorageError):
    default = N_("Denne koden er ikke registrert som leder i gruppen.")


class PrivacyRefusal(InputError):
    """The privacy rule refuses to show figures. Not a storage problem: the database works fine."""


class TooFewRespondents(PrivacyRefusal):
    """Fewer than the minimum group size have answered, so the team view is not shown yet."""

    def __init__(self, answered: int, minimum: int) -> None:
        self.answered = answered
        self.minimum = minimum
        super().__init__(for_faa_tekst(minimum, svart=answered))


def map_db_error(exc: SQLAlchemyError) -> StorageError:
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in text or "busy" in text or "lock timeout" in text or "could not obtain lock" in text:
        return DatabaseLocked()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return ReadOnlyDatabase()
    if "unable to open database" in text or "could not connect" in text or "connection refused" in text:
        return DatabaseUnavailable()
    return StorageError()


@contextmanager
def db_errors() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:  # DBAPI errors, pool timeouts and the like
        raise map_db_error(exc) from exc
