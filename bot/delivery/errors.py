"""How a send can fail, in platform-neutral terms; each adapter maps its library's errors."""


class SendError(Exception):
    """Base class: the message was not sent."""


class Unreachable(SendError):
    """The member blocked the bot, never started it, or closed direct messages: stop trying."""


class Transient(SendError):
    """A server error, a timeout or a rate limit that outlasted its retry: try again later."""


class Rejected(SendError):
    """The platform refused this message for good (bad request): do not retry."""
