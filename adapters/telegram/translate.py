"""Telegram objects to core messages and back. No I/O here, so it is easy to test."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    User,
)

from bot.core.messages import Actor, Place, Quoted, Reply

PLATFORM = "telegram"
ACTION_PREFIX = "h:"  # our callback data; anything else on a button is not ours
MAX_TEXT = 4096
MAX_CAPTION = 1024  # a photo's caption, counted in UTF-16 units like every Telegram length
WORD_JOINER = "\u2060"


def actor(user: User) -> Actor:
    return Actor(PLATFORM, str(user.id), user.full_name or user.username or str(user.id))


def place(chat: Chat, message: Message | None = None) -> Place:
    """The chat, and the forum topic the message was written in (answers go back there)."""
    if chat.type == Chat.PRIVATE:
        return Place(PLATFORM, str(chat.id), is_direct=True)
    thread = None
    if message is not None and message.is_topic_message and message.message_thread_id:
        thread = str(message.message_thread_id)
    return Place(
        PLATFORM,
        str(chat.id),
        is_direct=False,
        community_id=str(chat.id),
        title=chat.title or "",
        thread_id=thread,
    )


def quoted(message: Message) -> Quoted | None:
    """The message a command replies to (`/report` as a reply): its link is Telegram's own
    (supergroups and public groups have one; a basic group's messages have none)."""
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None  # in a forum topic, a message "replies" to the topic's opening
    author = actor(replied.from_user) if replied.from_user is not None else None
    return Quoted(
        f"{replied.chat.id}:{replied.message_id}",
        author,
        replied.text or replied.caption or "",
        replied.link,
    )


def when(message: Message | None) -> datetime:
    return message.date.astimezone(UTC) if message and message.date else datetime.now(UTC)


def command_text(message: Message) -> tuple[str, str]:
    """ "/checkin@HavenBot 4 tired" -> ("checkin", "4 tired"); the entity gives the split."""
    text = message.text or ""
    entity = next((e for e in message.entities if e.type == "bot_command" and e.offset == 0), None)
    length = entity.length if entity else len(text.split(" ", 1)[0])
    word = text[1:length]
    return word.split("@", 1)[0].casefold(), text[length:].strip()


def action_of(query: CallbackQuery) -> str | None:
    data = query.data or ""
    return data[len(ACTION_PREFIX) :] if data.startswith(ACTION_PREFIX) else None


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = []
    for row in reply.buttons:
        rows.append(
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=ACTION_PREFIX + (b.action or ""))
                for b in row
            ]
        )
    return InlineKeyboardMarkup(rows)


def defang(text: str) -> str:
    """Telegram turns "@name" in plain text into a live mention; a word joiner keeps it inert
    (and looks the same), so no text of ours or of a member's can ping anyone."""
    return text.replace("@", "@" + WORD_JOINER)


def language_code(language: str) -> str:
    """The code Telegram's setMyCommands takes for a catalogue: two letters, ISO 639-1
    ("pt_BR" is "pt": Telegram tells clients' languages apart by the language alone)."""
    return language.split("_")[0]
