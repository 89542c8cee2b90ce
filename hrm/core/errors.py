"""Domain errors, mapped once per channel (REST status, chat sentence, CLI exit code).

Two families, as the planners need to know which is which:
- ``InvalidInput`` means "fix your arguments and retry";
- the others mean "this cannot work as asked, adapt".
"""


class HRMError(Exception):
    """Base of every error the product raises on purpose; its message is safe to show a user."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(HRMError):
    code = "not_found"


class PermissionDenied(HRMError):
    code = "permission_denied"


class InvalidInput(HRMError):
    code = "invalid_input"


class Unauthenticated(HRMError):
    code = "unauthenticated"


class ConfigurationError(HRMError):
    code = "configuration_error"


class MigrationError(HRMError):
    code = "migration_error"
