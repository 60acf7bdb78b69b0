"""Self-test of the fake Telegram Bot API, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from fakes.telegram_api import GROUP_ANONYMOUS_BOT, FakeTelegram
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

# PTB 22 warns whenever a RetryAfter is built that retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after`:telegram.warnings.PTBDeprecationWarning"
)

ALICE = 1001
BOB = 1002  # has never started the bot
OWNER = 1003
ADMIN = 1004
GROUP = -1001234567890

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ]
    ]
)


def populate(fake: FakeTelegram) -> FakeTelegram:
    fake.add_user(ALICE, "Alice", username="alice")
    fake.add_user(BOB, "Bob", started=False)
    fake.add_user(OWNER, "Olive")
    fake.add_user(ADMIN, "Adam")
    fake.add_group(GROUP, "Peer Support", admins=[ADMIN], creator=OWNER)
    return fake


def make_bot(fake: FakeTelegram, token: str | None = None) -> Bot:
    return Bot(token or fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = populate(FakeTelegram())
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(fake) as client:
        yield client


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else value


# ---------------------------------------------------------------------- basics


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (999000, "HavenTestBot", "Haven", True)
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert [c.method for c in fake.calls] == ["getMe", "getMe"]  # initialize() + ours
    assert all(c.status == 200 for c in fake.calls)


async def test_wrong_token_is_rejected(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with make_bot(fake, token="123456:WRONG"):
            pass
    assert fake.calls == []


async def test_raw_http_shapes(fake: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:
        root = f"http://127.0.0.1:{fake.port}"
        async with http.get(f"{fake.base_url}{fake.token}/GETME") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/json"
            assert (await response.json())["result"]["username"] == "HavenTestBot"
        async with http.post(f"{root}/bot1:nope/getMe") as response:
            assert response.status == 401
            assert response.headers["Content-Type"] == "application/json"
            body = await response.json()
            assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with http.post(f"{fake.base_url}{fake.token}/sendTelepathy") as response:
            assert response.status == 404
            body = await response.json()
            assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
        # JSON bodies are accepted too
        payload = {"chat_id": ALICE, "text": "123", "reply_markup": KEYBOARD.to_dict()}
        async with http.post(f"{fake.base_url}{fake.token}/sendMessage", json=payload) as response:
            assert response.status == 200
            result = (await response.json())["result"]
    assert result["text"] == "123"
    assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert fake.calls[-1].params["chat_id"] == ALICE


async def test_webhook_and_session_methods(fake: FakeTelegram, bot: Bot) -> None:
    fake.send_text(ALICE, "hello")
    info = await bot.get_webhook_info()
    assert info.url == ""
    assert info.pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert await bot.get_updates() == ()
    assert await bot.log_out() is True
    assert await bot.close() is True


# ---------------------------------------------------------------------- sending


async def test_send_message_returns_a_full_message(fake: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(
        ALICE, "Hi *there*", parse_mode="MarkdownV2", reply_markup=KEYBOARD
    )
    assert message.message_id == 1
    assert message.text == "Hi *there*"
    assert message.from_user.id == fake.bot_id
    assert (message.chat.id, message.chat.type, message.chat.first_name) == (
        ALICE,
        "private",
        "Alice",
    )
    assert message.reply_markup == KEYBOARD
    assert message.date.year >= 2024

    call = fake.calls[-1]
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == ALICE  # PTB sends "1001"; the fake decodes it
    assert call.params["reply_markup"] == KEYBOARD.to_dict()
    assert fake.sent[-1]["reply_markup"] == KEYBOARD.to_dict()
    assert fake.messages_to(ALICE) == fake.sent
    assert fake.messages_to(GROUP) == []


async def test_group_messages_replies_and_ids(fake: FakeTelegram, bot: Bot) -> None:
    incoming = fake.send_text(OWNER, "hello all", GROUP)["message"]
    reply = await bot.send_message(
        GROUP, "Welcome!", reply_parameters=ReplyParameters(incoming["message_id"])
    )
    assert (reply.chat.type, reply.chat.title) == ("supergroup", "Peer Support")
    assert reply.message_id == incoming["message_id"] + 1  # message ids are per chat
    assert reply.reply_to_message.text == "hello all"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(ALICE, "x", reply_parameters=ReplyParameters(42))


async def test_forbidden_until_user_starts_the_bot(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(BOB, "hello?")
    assert fake.calls[-1].status == 403
    fake.set_started(BOB, True)
    assert (await bot.send_message(BOB, "hello!")).text == "hello!"


async def test_unknown_chat(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(4242, "anyone?")


@pytest.mark.parametrize(
    ("parse_mode", "text", "accepted"),
    [
        (None, "a < b. _x_ (1+1=2)!", True),
        ("MarkdownV2", "Done.", False),
        ("MarkdownV2", "Done\\.", True),
        ("MarkdownV2", "*bold* _italic_ __under__ ~s~ ||sp|| `c.o.d.e`", True),
        ("MarkdownV2", "[link](https://example.com/a_b) \\(ok\\)", True),
        ("MarkdownV2", "*never closed", False),
        ("MarkdownV2", "1-2", False),
        ("MarkdownV2", "> a quote\n\\> not a quote", True),
        ("HTML", "<b>bold</b> <a href='https://x.y'>link</a> &lt;3", True),
        ("HTML", "<tg-spoiler>s</tg-spoiler><blockquote>q</blockquote><pre>p</pre>", True),
        ("HTML", "1 < 2", False),
        ("HTML", "<br>", False),
        ("HTML", "<b>unclosed", False),
        ("HTML", "<b><i>x</b></i>", False),
        ("Markdown", "*bold* _it_ `code` [l](http://x.y)", True),
        ("Markdown", "snake_case", False),
    ],
)
async def test_parse_modes(bot: Bot, parse_mode: str | None, text: str, accepted: bool) -> None:
    if accepted:
        assert (await bot.send_message(ALICE, text, parse_mode=parse_mode)).text == text
    else:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(ALICE, text, parse_mode=parse_mode)


async def test_empty_and_too_long_text(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ALICE, " ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ALICE, "x" * 4097)


async def test_callback_data_is_limited_to_64_bytes(bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(ALICE, "buttons", reply_markup=markup)


async def test_edit_message_text(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = False  # an edit right after the send would hit the 1/s chat limit
    sent = await bot.send_message(ALICE, "Pick one", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Picked", chat_id=ALICE, message_id=sent.message_id)
    assert edited.text == "Picked"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # like Telegram: no reply_markup -> keyboard removed
    assert [m["text"] for m in fake.messages_to(ALICE)] == ["Pick one", "Picked"]
    assert fake.sent[0]["reply_markup"] == KEYBOARD.to_dict()  # entries are snapshots
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Picked", chat_id=ALICE, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("?", chat_id=ALICE, message_id=99)
    assert fake.calls[-1].response == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message to edit not found",
    }


async def test_edit_message_text_keeps_the_markup_it_is_given(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = False
    sent = await bot.send_message(ALICE, "Pick one", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text(
        "Pick one, please", chat_id=ALICE, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert (edited.text, edited.reply_markup) == ("Pick one, please", KEYBOARD)
    assert fake.sent[-1]["reply_markup"] == KEYBOARD.to_dict()

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):  # same text and markup
        await bot.edit_message_text(
            "Pick one, please", chat_id=ALICE, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    assert fake.calls[-1].response == {
        "ok": False,
        "error_code": 400,
        "description": (
            "Bad Request: message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup of the message"
        ),
    }
    other = InlineKeyboardMarkup([[InlineKeyboardButton("Later", callback_data="later")]])
    same_text = await bot.edit_message_text(
        "Pick one, please", chat_id=ALICE, message_id=sent.message_id, reply_markup=other
    )
    assert same_text.reply_markup == other  # only the markup changed: that is a change
    fake.press(ALICE, fake.sent[-1], "later")  # the stored message has the new button


async def test_send_photo_and_document(fake: FakeTelegram, bot: Bot) -> None:
    photo = await bot.send_photo(
        ALICE, InputFile(b"\x89PNG fake", filename="chart.png"), caption="Your week"
    )
    document = await bot.send_document(GROUP, InputFile(b"a,b\n1,2\n", filename="export.csv"))

    assert photo.photo[0].file_size == 9
    assert photo.photo[0].width > 0
    assert photo.caption == "Your week"
    assert (document.document.file_name, document.document.file_size) == ("export.csv", 8)
    assert fake.sent[0]["photo"][0]["file_name"] == "chart.png"
    assert fake.calls[-1].params["document"]["filename"] == "export.csv"
    assert fake.calls[-1].params["document"]["size"] == 8

    file = await bot.get_file(document.document.file_id)
    assert file.file_path.startswith(fake.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"


# ---------------------------------------------------------------------- fault injection and limits


async def test_fail_next_shapes(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = False
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    fake.fail_next("sendMessage", 400, "Bad Request: something odd", times=2)
    with pytest.raises(RetryAfter) as exc:
        await bot.send_message(ALICE, "1")
    assert retry_seconds(exc.value) == 1
    assert fake.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(ALICE, "2")
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"(?i)something odd"):
            await bot.send_message(ALICE, "3")
    assert (await bot.send_message(ALICE, "4")).text == "4"
    assert [c.status for c in fake.calls if c.method == "sendMessage"] == [429, 403, 400, 400, 200]
    assert fake.rejected_for_limits == 0
    assert fake.sent[0]["text"] == "4"


async def test_one_message_per_second_per_chat(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(ALICE, "first")
    with pytest.raises(RetryAfter) as exc:
        await bot.send_message(ALICE, "second")
    assert retry_seconds(exc.value) == 1
    assert fake.rejected_for_limits == 1
    assert fake.calls[-1].status == 429
    assert [m["text"] for m in fake.messages_to(ALICE)] == ["first"]
    await bot.send_message(GROUP, "other chats are fine")
    await asyncio.sleep(0.96)  # pacing at ~1 s is accepted (50 ms tolerance)
    await bot.send_message(ALICE, "third")


async def test_limits_can_be_turned_off() -> None:
    async with populate(FakeTelegram(enforce_limits=False)) as fake, make_bot(fake) as bot:
        await bot.send_message(ALICE, "first")
        await bot.send_message(ALICE, "second")
        assert len(fake.messages_to(ALICE)) == 2
        assert fake.rejected_for_limits == 0


async def test_thirty_messages_per_second_overall(fake: FakeTelegram, bot: Bot) -> None:
    for n in range(31):
        fake.add_user(5000 + n, f"User {n}")
    for n in range(30):
        await bot.send_message(5000 + n, "news")
    with pytest.raises(RetryAfter):
        await bot.send_message(5030, "news")
    assert fake.rejected_for_limits == 1


async def test_twenty_messages_per_minute_per_group(fake: FakeTelegram, bot: Bot) -> None:
    # Pretend the bot sent 20 group messages over the last 40 seconds.
    now = time.monotonic()
    fake._sends_by_chat[GROUP] = deque(now - 40 + 2 * n for n in range(20))
    with pytest.raises(RetryAfter) as exc:
        await bot.send_message(GROUP, "one too many")
    assert retry_seconds(exc.value) == 20  # until the oldest leaves the 60 s window
    assert fake.rejected_for_limits == 1


# ---------------------------------------------------------------------- updates


async def test_long_poll_wakes_when_an_update_arrives(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    fake.send_text(ALICE, "/start@HavenTestBot hello")
    updates = await poll
    assert time.monotonic() - started < 1
    message = updates[0].message
    assert message.text == "/start@HavenTestBot hello"
    assert message.from_user.id == ALICE
    assert (message.chat.id, message.chat.type) == (ALICE, "private")
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 19)]


async def test_long_poll_returns_empty_at_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=timedelta(milliseconds=300)) == ()
    assert 0.25 < time.monotonic() - started < 1


async def test_offset_confirms_and_push_redelivers(fake: FakeTelegram, bot: Bot) -> None:
    first = fake.send_text(ALICE, "one")
    second = fake.send_text(ALICE, "two", update_id=500)
    third = fake.send_text(ALICE, "three")
    assert [first["update_id"], second["update_id"], third["update_id"]] == [1, 500, 501]

    updates = await bot.get_updates(limit=2)
    assert [u.update_id for u in updates] == [1, 500]
    updates = await bot.get_updates(offset=501)
    assert [u.message.text for u in updates] == ["three"]
    assert await bot.get_updates(offset=502) == ()

    fake.push(second)  # redelivered once, although 500 < the confirmed offset
    updates = await bot.get_updates(offset=502)
    assert [(u.update_id, u.message.text) for u in updates] == [(500, "two")]
    assert await bot.get_updates(offset=502) == ()


async def test_allowed_updates_filter(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = False
    sent = await bot.send_message(ALICE, "Pick", reply_markup=KEYBOARD)
    fake.send_text(ALICE, "text")
    fake.press(ALICE, fake.sent[-1], "no")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.message.message_id for u in updates] == [sent.message_id]


async def test_group_updates(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(GROUP, "Check in?")
    fake.send_text(ALICE, "/checkin@HavenTestBot", GROUP)
    fake.send_text(OWNER, "for the group", GROUP, sender_chat_id=GROUP)
    fake.send_text(ADMIN, "me too", GROUP, reply_to_bot=True)
    fake.join(BOB, GROUP)

    command, anonymous, reply, joined = (u.message for u in await bot.get_updates())
    assert command.chat.id == GROUP
    assert command.entities[0].length == len("/checkin@HavenTestBot")
    assert anonymous.from_user.id == GROUP_ANONYMOUS_BOT["id"] == 1087968824
    assert anonymous.from_user.username == "GroupAnonymousBot"
    assert anonymous.sender_chat.id == GROUP
    assert reply.reply_to_message.text == "Check in?"
    assert reply.reply_to_message.from_user.id == fake.bot_id
    assert [u.id for u in joined.new_chat_members] == [BOB]
    assert isinstance(await bot.get_chat_member(GROUP, BOB), ChatMemberMember)


async def test_press_and_answer_callback_query(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(ALICE, "Feeling better?", reply_markup=KEYBOARD)
    fake.press(ALICE, fake.sent[-1], "yes")
    with pytest.raises(ValueError, match="no button"):
        fake.press(ALICE, fake.sent[-1], "maybe")

    (update,) = await bot.get_updates()
    query = update.callback_query
    assert (query.data, query.from_user.id) == ("yes", ALICE)
    assert query.message.text == "Feeling better?"
    assert query.message.reply_markup == KEYBOARD

    assert await bot.answer_callback_query(query.id, text="Noted") is True
    assert fake.callback_answers[query.id] == {"text": "Noted"}
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)  # a query is answered once
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("12345")


# ---------------------------------------------------------------------- commands and chats


async def test_commands(fake: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("checkin", "How are you?")]
    assert await bot.set_my_commands(commands) is True
    assert await bot.set_my_commands(
        [BotCommand("checkin", "Group check-in")], scope=BotCommandScopeAllGroupChats()
    )
    assert fake.commands == [
        {"command": "start", "description": "Begin"},
        {"command": "checkin", "description": "How are you?"},
        {
            "command": "checkin",
            "description": "Group check-in",
            "scope": {"type": "all_group_chats"},
        },
    ]
    assert await bot.get_my_commands() == tuple(commands)
    group_commands = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in group_commands] == ["checkin"]

    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Start", "Begin")])
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("start", "x" * 257)])
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("start", "")])
    assert len(fake.commands) == 3


async def test_chat_members_and_chats(fake: FakeTelegram, bot: Bot) -> None:
    owner = await bot.get_chat_member(GROUP, OWNER)
    assert isinstance(owner, ChatMemberOwner)
    assert owner.is_anonymous is False
    admin = await bot.get_chat_member(GROUP, ADMIN)
    assert isinstance(admin, ChatMemberAdministrator)
    assert admin.user.first_name == "Adam"
    assert admin.can_restrict_members is True
    assert isinstance(await bot.get_chat_member(GROUP, ALICE), ChatMemberLeft)
    fake.send_text(ALICE, "hi", GROUP)
    assert isinstance(await bot.get_chat_member(GROUP, ALICE), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(GROUP, 777), ChatMemberLeft)

    admins = await bot.get_chat_administrators(GROUP)
    assert [(m.status, m.user.id) for m in admins] == [("creator", OWNER), ("administrator", ADMIN)]

    group = await bot.get_chat(GROUP)
    assert (group.id, group.type, group.title) == (GROUP, "supergroup", "Peer Support")
    private = await bot.get_chat(ALICE)
    assert (private.type, private.first_name, private.username) == ("private", "Alice", "alice")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-100999)


# ---------------------------------------------------------------------- waiting helpers


async def test_wait_for_call(fake: FakeTelegram, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(ALICE, "eventually")

    task = asyncio.create_task(later())
    (call,) = await fake.wait_for_call("sendmessage", timeout=2)
    assert call.params["text"] == "eventually"
    await task
    await fake.wait_for(lambda: len(fake.sent) == 1, timeout=1)

    with pytest.raises(AssertionError, match=r"(?s)expected 2 successful sendMessage.*eventually"):
        await fake.wait_for_call("sendMessage", count=2, timeout=0.1)
    with pytest.raises(AssertionError, match="condition not met"):
        await fake.wait_for(lambda: False, timeout=0.05)


async def test_stop_ends_long_polls_and_leaves_no_tasks() -> None:
    fake = populate(FakeTelegram())
    await fake.start()
    async with make_bot(fake) as other:
        poll = asyncio.create_task(other.get_updates(timeout=30))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await fake.stop()
        assert await poll == ()
        assert time.monotonic() - started < 1
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftovers == []


# ---------------------------------------------------------------------- pins


async def test_pin_needs_an_admin_with_can_pin_messages(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = False
    rules = await bot.send_message(GROUP, "House rules")
    meeting = await bot.send_message(GROUP, "Meeting at 7")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to manage pinned messages"):
        await bot.pin_chat_message(GROUP, rules.message_id)
    assert fake.calls[-1].response == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: not enough rights to manage pinned messages in the chat",
    }

    fake.promote(GROUP, can_pin_messages=False)  # an administrator, but not allowed to pin
    me = await bot.get_chat_member(GROUP, fake.bot_id)
    assert isinstance(me, ChatMemberAdministrator)
    assert (me.can_pin_messages, me.can_delete_messages) == (False, True)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to manage pinned messages"):
        await bot.pin_chat_message(GROUP, rules.message_id)
    assert fake.pinned(GROUP) == []

    fake.promote(GROUP)
    assert await bot.pin_chat_message(GROUP, rules.message_id, disable_notification=True)
    assert await bot.pin_chat_message(GROUP, meeting.message_id)
    assert await bot.pin_chat_message(GROUP, meeting.message_id)  # pinned already: fine
    assert fake.pinned(GROUP) == [rules.message_id, meeting.message_id]
    assert fake.calls_of("pinChatMessage")[0].params == {
        "chat_id": GROUP,
        "message_id": rules.message_id,
        "disable_notification": True,
    }
    chat = await bot.get_chat(GROUP)
    assert chat.pinned_message is not None
    assert chat.pinned_message.message_id == meeting.message_id  # the most recent one
    with pytest.raises(BadRequest, match=r"(?i)message to pin not found"):
        await bot.pin_chat_message(GROUP, 999)

    assert await bot.unpin_chat_message(GROUP) is True  # no id: the most recent pinned message
    assert fake.pinned(GROUP) == [rules.message_id]
    assert await bot.unpin_chat_message(GROUP, rules.message_id) is True
    assert await bot.unpin_chat_message(GROUP, rules.message_id) is True  # not pinned: fine
    with pytest.raises(BadRequest, match=r"(?i)message to unpin not found"):
        await bot.unpin_chat_message(GROUP)  # nothing pinned
    with pytest.raises(BadRequest, match=r"(?i)message to unpin not found"):
        await bot.unpin_chat_message(GROUP, 999)
    assert fake.pinned(GROUP) == []

    fake.demote(GROUP)
    assert isinstance(await bot.get_chat_member(GROUP, fake.bot_id), ChatMemberMember)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to manage pinned messages"):
        await bot.pin_chat_message(GROUP, rules.message_id)


async def test_pin_in_private_chats_and_deleted_messages(fake: FakeTelegram, bot: Bot) -> None:
    note = await bot.send_message(ALICE, "Your plan for the week")
    assert await bot.pin_chat_message(ALICE, note.message_id) is True  # no rights needed
    assert fake.pinned(ALICE) == [note.message_id]
    assert (await bot.get_chat(ALICE)).pinned_message.message_id == note.message_id
    assert await bot.delete_message(ALICE, note.message_id)
    assert fake.pinned(ALICE) == []  # a deleted message is no longer pinned
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.pin_chat_message(4242, 1)


async def test_pin_is_subject_to_fault_injection(fake: FakeTelegram, bot: Bot) -> None:
    note = await bot.send_message(ALICE, "Pin me")
    fake.chaos(1.0, statuses=(502,), seed=1, methods=["pinChatMessage"])
    with pytest.raises(NetworkError):
        await bot.pin_chat_message(ALICE, note.message_id)
    assert fake.chaos_answers == {("pinChatMessage", 502): 1}
    assert fake.pinned(ALICE) == []  # answered before the method ran
    fake.chaos(0)
    fake.fail_next("unpinChatMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    assert await bot.pin_chat_message(ALICE, note.message_id) is True
    with pytest.raises(RetryAfter):
        await bot.unpin_chat_message(ALICE, note.message_id)
    assert fake.pinned(ALICE) == [note.message_id]
