"""Errors that a participant may see. Their messages are plain Dutch and say what to do."""

from __future__ import annotations


class WijklibError(Exception):
    """Base class: the message is written for a participant, in Dutch."""


class UnknownGemeenteError(WijklibError, LookupError):
    """A gemeente name or code that does not exist.

    Attributes
    ----------
    given : str
        What the user typed.
    suggestions : list of str
        The closest gemeente names, best first (may be empty).
    """

    def __init__(self, given: str, suggestions: list[str], ambiguous: bool = False) -> None:
        self.given = given
        self.suggestions = suggestions
        if ambiguous:
            options = " of ".join(f"'{s}'" for s in suggestions)
            message = (
                f"Er zijn meer gemeenten met de naam '{given}'. Kies er een: {options}."
            )
        elif suggestions:
            options = ", ".join(f"'{s}'" for s in suggestions)
            message = (
                f"De gemeente '{given}' ken ik niet. Bedoel je misschien: {options}? "
                "Controleer de spelling, of gebruik de gemeentecode (bijvoorbeeld GM0344)."
            )
        else:
            message = (
                f"De gemeente '{given}' ken ik niet. Controleer de spelling, "
                "of gebruik de gemeentecode (bijvoorbeeld GM0344)."
            )
        super().__init__(message)


class NoConnectionError(WijklibError, ConnectionError):
    """The service cannot be reached and the cache does not hold what is asked."""

    def __init__(self, service: str, what: str, gemeente: str | None = None) -> None:
        example = gemeente or "Utrecht"
        super().__init__(
            f"Er is geen verbinding met {service}, en {what} staan nog niet in de cache. "
            "Maak verbinding met internet en probeer het opnieuw. Werk je zonder internet? "
            "Haal de gegevens dan vooraf op, als je wel internet hebt, met: "
            f"python -m wijklib download --gemeente \"{example}\"  (of: make data)."
        )
        self.service = service


class ServiceError(WijklibError, RuntimeError):
    """The service answered, but with an error that retrying did not solve."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(
            f"{service} gaf een foutmelding: {detail}. Probeer het over een paar minuten "
            "opnieuw. Blijft het misgaan? Meld het dan aan de trainer."
        )
        self.service = service
        self.detail = detail


class ServiceSlowError(WijklibError, TimeoutError):
    """The service did not answer in time (``WIJKLIB_TIMEOUT`` seconds for the whole call)."""

    def __init__(self, service: str, what: str, seconds: float,
                 gemeente: str | None = None) -> None:
        example = gemeente or "Utrecht"
        super().__init__(
            f"{service} reageert nu te traag: na {seconds:.0f} seconden wacht ik nog steeds op "
            f"{what}. Probeer het over een paar minuten opnieuw. Tip: haal de gegevens vooraf "
            "op, op een moment dat het wel snel gaat, met: "
            f"python -m wijklib download --gemeente \"{example}\"  (of: make data). "
            "Of geef de dienst meer tijd: zet de omgevingsvariabele WIJKLIB_TIMEOUT op een "
            f"groter aantal seconden (nu {seconds:.0f}), bijvoorbeeld 120."
        )
        self.service = service
        self.seconds = seconds


class UnreadableAnswerError(ServiceError):
    """The service answered, but every answer was incomplete or damaged (unreadable JSON)."""

    def __init__(self, service: str, attempts: int) -> None:
        WijklibError.__init__(
            self,
            f"{service} gaf wel antwoord, maar dat antwoord is onvolledig of beschadigd en "
            f"ik kan het niet lezen (ook niet na {attempts} pogingen). Dat ligt aan de "
            "dienst, niet aan jouw internetverbinding. Probeer het over een paar minuten "
            "opnieuw. Blijft het misgaan? Meld het dan aan de trainer.",
        )
        self.service = service
        self.detail = "onleesbaar antwoord"


class DataNotAvailableError(WijklibError, LookupError):
    """The service has no figures for this question (level, year or gemeente)."""


class InvalidChoiceError(WijklibError, ValueError):
    """A parameter has a value that is not one of the allowed choices."""


class UnknownIndicatorError(WijklibError, KeyError):
    """An indicator name that is not in the catalogue; the message names the closest."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""
