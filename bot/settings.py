"""Configuration: `config.toml` (or --config PATH) overridden by HAVEN_* environment variables.

Every key is documented in `config.example.toml`. Validation happens here, once, so that a bad
value stops the bot at start with one line naming the key instead of failing later mid-chat.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot import i18n
from bot.domain.schedule_time import parse_timezone
from bot.storage.engine import is_postgres, sqlite_path

WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")  # what Telegram accepts, 16 at least


class ConfigError(Exception):
    """A configuration problem, already phrased as the one line the maintainer will read."""


class BotSection(BaseModel):
    model_config = {"extra": "forbid"}

    # A path or sqlite:///path (SQLite, the default), or postgresql://user@host/db.
    database: str = "haven.db"
    timezone: str = "UTC"
    country: str | None = None
    language: str = "en"

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, value: object) -> object:
        return str(value) if isinstance(value, Path) else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return parse_timezone(value).key

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if len(value) != 2 or not value.isalpha():
            raise ValueError("must be a two-letter country code such as GB")
        return value.upper()

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        """A language Haven speaks, as a catalogue name ("pt-BR" and "pt" give "pt_BR")."""
        chosen = i18n.supported(value)
        if chosen is None:
            raise ValueError(f"must be one of {', '.join(i18n.OFFERED)}")
        return chosen


TELEGRAM_TOKEN = re.compile(
    r"^\d{3,}:[A-Za-z0-9_-]{8,}$"
)  # "<bot id>:<secret>", as @BotFather gives
DISCORD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{4,}$")


def _check_token(value: SecretStr | None, shape: re.Pattern[str]) -> SecretStr | None:
    """A blank or malformed token stops the bot at start with a clear line (never the token):
    better than a process that connects to nothing."""
    if value is None:
        return None
    secret = value.get_secret_value()
    if not secret.strip():
        raise ValueError("is empty; remove it to run without this platform")
    if secret != secret.strip() or not shape.match(secret):
        raise ValueError("does not look like a token (check for spaces or a cut copy)")
    return value


class TelegramSection(BaseModel):
    model_config = {"extra": "forbid"}

    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    # Webhook mode (several processes behind a load balancer): Telegram posts each update to
    # `webhook_url`; this process serves it on `webhook_listen`. Unset: polling, one process.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1:8443"
    webhook_secret: SecretStr | None = None  # Telegram sends it with every update

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_token(value, TELEGRAM_TOKEN)

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"must be host:port, like 127.0.0.1:8443, not {value!r}")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()
        ):
            raise ValueError("must be 16 to 256 letters, digits, _ or -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> TelegramSection:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("webhook_url needs webhook_secret (so only Telegram can post updates)")
        return self


class DiscordSection(BaseModel):
    model_config = {"extra": "forbid"}

    token: SecretStr | None = None
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    sync_commands: bool = True
    guild_ids: list[int] = Field(default_factory=list)
    lead_role: str | None = None
    members_intent: bool = False
    # Several processes (PostgreSQL): this process's shards of `shard_count` in all, as
    # discord.py's AutoShardedClient takes them; unset: one process, all of the bot's guilds.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[Annotated[int, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _shards(self) -> DiscordSection:
        if (self.shard_count is None) != (self.shard_ids is None):
            raise ValueError("shard_ids and shard_count go together")
        count, ids = self.shard_count, self.shard_ids
        if count is not None and ids is not None and (not ids or any(s >= count for s in ids)):
            raise ValueError(f"shard_ids must be from 0 to {count - 1}")
        return self

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_token(value, DISCORD_TOKEN)


class SchedulerSection(BaseModel):
    model_config = {"extra": "forbid"}

    grace: timedelta = timedelta(hours=1)


class PrivacySection(BaseModel):
    model_config = {"extra": "forbid"}

    note_days: int = Field(30, ge=1)
    checkin_days: int = Field(365, ge=1)
    min_group: int = Field(5, ge=2)


class LimitsSection(BaseModel):
    model_config = {"extra": "forbid"}

    commands_per_minute: int = Field(30, ge=0)  # per member; 0 turns the cooldown off


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HAVEN_", env_nested_delimiter="__", extra="forbid", case_sensitive=False
    )

    bot: BotSection = Field(default_factory=BotSection)
    telegram: TelegramSection = Field(default_factory=TelegramSection)
    discord: DiscordSection = Field(default_factory=DiscordSection)
    scheduler: SchedulerSection = Field(default_factory=SchedulerSection)
    privacy: PrivacySection = Field(default_factory=PrivacySection)
    limits: LimitsSection = Field(default_factory=LimitsSection)


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Read settings; `config` None means `config.toml` in the current folder if present.
    A relative `bot.database` is taken from the config file's folder (so `haven` run from
    anywhere with `--config /srv/haven/config.toml` keeps its data in /srv/haven), else from
    the current folder. Raises ConfigError."""
    path = config if config is not None else Path("config.toml")
    if config is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")

    class _FromFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            toml = TomlConfigSettingsSource(
                settings_cls, toml_file=path if path.is_file() else None
            )
            return (init_settings, env_settings, toml)

    try:
        loaded = _FromFile(**overrides)
    except ValidationError as exc:
        raise ConfigError(_first_problem(exc)) from None
    except ValueError as exc:  # e.g. a TOML syntax error
        raise ConfigError(f"config file {path} could not be read: {exc}") from None
    database = loaded.bot.database
    if path.is_file() and database != ":memory:" and not is_postgres(database):
        file = sqlite_path(database)
        if not file.is_absolute():
            loaded.bot.database = str(path.resolve().parent / file)
    return loaded


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "is not a known key (see config.example.toml)"
    return f"config error: {key}: {message}"
