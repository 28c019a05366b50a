"""One typed settings object, from the environment, then config/settings.toml, then defaults.

Variable names: the Slack ones and PORT are the names Slack and PaaS hosts use;
the rest start with CROSSCHECK_. A setting that is wrong or missing stops
start-up with SettingsError, whose message names the variable and how to set it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """Settings are missing or invalid; the message says which and how to fix them."""


def _config_dir() -> Path:
    return Path(os.environ.get("CROSSCHECK_CONFIG_DIR") or PROJECT_ROOT / "config")


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Everything Crosscheck can be configured with."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, validate_default=True)

    corpus: Path = Field(PROJECT_ROOT / "corpus", validation_alias=_env("CROSSCHECK_CORPUS", "corpus"))
    config_dir: Path = Field(
        default_factory=_config_dir, validation_alias=_env("CROSSCHECK_CONFIG_DIR", "config_dir")
    )
    index_dir: Path = Field(
        PROJECT_ROOT / ".crosscheck", validation_alias=_env("CROSSCHECK_INDEX_DIR", "index_dir")
    )
    spacy_model: str = Field("en_core_web_sm", validation_alias=_env("CROSSCHECK_SPACY_MODEL", "spacy_model"))
    bm25_variant: Literal["plus", "okapi", "l"] = Field(
        "plus", validation_alias=_env("CROSSCHECK_BM25_VARIANT", "bm25_variant")
    )
    max_question_chars: int = Field(
        300, ge=20, le=10_000, validation_alias=_env("CROSSCHECK_MAX_QUESTION_CHARS", "max_question_chars")
    )
    max_request_bytes: int = Field(
        1_000_000, ge=10_000, le=50_000_000,
        validation_alias=_env("CROSSCHECK_MAX_REQUEST_BYTES", "max_request_bytes"),
    )  # fmt: skip
    feedback_db: Path = Field(
        PROJECT_ROOT / ".crosscheck" / "feedback.sqlite3",
        validation_alias=_env("CROSSCHECK_FEEDBACK_DB", "feedback_db"),
    )
    corpus_check_seconds: float = Field(
        30, ge=0, le=86_400, validation_alias=_env("CROSSCHECK_CORPUS_CHECK_SECONDS", "corpus_check_seconds")
    )
    # Who may add and remove coverage from Slack: user ids (U...) and channel ids (C..., D...);
    # nobody by default (the command line always may: it runs on the server).
    coverage_editors: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("CROSSCHECK_COVERAGE_EDITORS", "coverage_editors")
    )
    # Fetching a pasted link: private, loopback and link-local addresses are refused unless allowed
    # (tests serve pages on loopback), so a link cannot reach the server's own network.
    fetch_allow_private: bool = Field(
        False, validation_alias=_env("CROSSCHECK_FETCH_ALLOW_PRIVATE", "fetch_allow_private")
    )
    fetch_timeout_seconds: float = Field(
        15, gt=0, le=300, validation_alias=_env("CROSSCHECK_FETCH_TIMEOUT_SECONDS", "fetch_timeout_seconds")
    )
    fetch_max_bytes: int = Field(
        5_000_000, ge=10_000, le=100_000_000,
        validation_alias=_env("CROSSCHECK_FETCH_MAX_BYTES", "fetch_max_bytes"),
    )  # fmt: skip
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", validation_alias=_env("CROSSCHECK_LOG_LEVEL", "log_level")
    )

    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_APP_TOKEN", "slack_app_token")
    )
    redis_url: SecretStr | None = Field(
        None, validation_alias=_env("CROSSCHECK_REDIS_URL", "REDIS_URL", "redis_url")
    )
    slack_app_id: str | None = Field(None, validation_alias=_env("SLACK_APP_ID", "slack_app_id"))
    slack_api_url: str = Field(
        "https://slack.com/api/", validation_alias=_env("SLACK_API_URL", "slack_api_url")
    )
    slash_command: str = Field(
        "/crosscheck", validation_alias=_env("CROSSCHECK_SLASH_COMMAND", "slash_command")
    )
    port: int = Field(3000, ge=1, le=65535, validation_alias=_env("PORT", "port"))

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("coverage_editors", mode="before")
    @classmethod
    def _editors(cls, value: Any) -> Any:
        """`U123,C456` or `U123 C456` from the environment; a TOML list as it is."""
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        if isinstance(value, list):
            for item in value:
                if not (isinstance(item, str) and re.fullmatch(r"[UWCDG][A-Z0-9]{2,}", item)):
                    raise ValueError(
                        f"{item!r} is not a Slack user or channel id (U..., W..., C..., D..., G...)"
                    )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("slash_command")
    @classmethod
    def _slash(cls, value: str) -> str:
        if not value.startswith("/") or " " in value:
            raise ValueError("must look like /crosscheck")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_dir() / "settings.toml")
        return (init_settings, env_settings, toml)

    def require_slack(self, socket_mode: bool = False) -> None:
        """Stop with a clear message unless the Slack settings a mode needs are all set."""
        needed = [
            (
                "slack_bot_token",
                "SLACK_BOT_TOKEN",
                "the Bot User OAuth Token (xoxb-...) from OAuth & Permissions",
            )
        ]
        if socket_mode:
            needed.append(
                ("slack_app_token", "SLACK_APP_TOKEN", "an app-level token (xapp-...) with connections:write")
            )
        else:
            needed.append(
                ("slack_signing_secret", "SLACK_SIGNING_SECRET", "the Signing Secret from Basic Information")
            )
        missing = [f"  {env}: {what}" for field, env, what in needed if not getattr(self, field)]
        if missing:
            raise SettingsError(
                "Slack settings are missing. Set these environment variables (or put them in "
                f"{_config_dir() / 'settings.toml'}):\n" + "\n".join(missing)
            )


ENV_NAMES = {
    name: next(
        (
            a
            for a in (
                field.validation_alias.choices if isinstance(field.validation_alias, AliasChoices) else []
            )
            if isinstance(a, str) and a.isupper()
        ),
        name.upper(),
    )
    for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and config/settings.toml; raises SettingsError with readable lines."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "settings"
            env = ENV_NAMES.get(field, field.upper())
            hidden = "token" in field or "secret" in field or field == "redis_url"
            shown = "a hidden value" if hidden else repr(error.get("input"))
            lines.append(f"  {env}: {error['msg']} (got {shown})")
        raise SettingsError("Some settings are invalid:\n" + "\n".join(lines)) from None
    except (OSError, ValueError) as exc:  # an unreadable or invalid config/settings.toml
        raise SettingsError(f"{_config_dir() / 'settings.toml'} cannot be read: {exc}") from None
