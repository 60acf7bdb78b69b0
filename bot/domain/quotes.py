"""How a member's own input is quoted back in an error: short, so a megabyte typed after a
command never comes back, and as a Python-style quote so it reads as data, not as prose."""

QUOTE_LIMIT = 40  # characters of member input an error may repeat


def quoted(raw: object, limit: int = QUOTE_LIMIT) -> str:
    """The member's text in quotes, cut to `limit` characters with an ellipsis."""
    text = str(raw).strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
