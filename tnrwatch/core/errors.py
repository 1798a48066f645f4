"""The one family of application errors. Each subclass says in one line what went wrong."""


class ApplicationError(Exception):
    """Base of every error tnrwatch raises on purpose; its message is safe to show a user."""

    def __init__(self, message: str = "", *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())
        self.message = message or (self.__doc__ or "").strip()
        self.extra = extra or {}


class ValidationError(ApplicationError):
    """The input is not valid."""


class NotFoundOrForbiddenError(ApplicationError):
    """No such object, or you may not see it (the two are deliberately indistinguishable)."""


class PermissionDeniedError(ApplicationError):
    """You are not allowed to do this."""


class ConflictError(ApplicationError):
    """The change conflicts with the current state of the record."""
