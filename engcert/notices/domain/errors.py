class NoticeError(Exception):
    """A notice or objection step the rules do not allow; the message is for people.

    ``field`` names the form field the message belongs beside, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
