"""Settings: environment, then config/settings.toml, then defaults; invalid values name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ENV_NAMES, PROJECT_ROOT, SettingsError, load_settings

SECRET = "xoxb-do-not-show-this-1234"


def test_load_settings_defaults(clean_env: pytest.MonkeyPatch) -> None:
    s = load_settings()
    got = (s.corpus, s.config_dir, s.bm25_variant, s.max_question_chars, s.log_level, s.port)
    expected = (PROJECT_ROOT / "corpus", PROJECT_ROOT / "config", "plus", 300, "WARNING", 3000)
    assert got == expected, f"expected {expected!r}, got {got!r}"
    assert s.slack_bot_token is None, "expected no Slack token by default"


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("CROSSCHECK_CORPUS", "/data/articles", "corpus", Path("/data/articles")),
        ("CROSSCHECK_INDEX_DIR", "/tmp/idx", "index_dir", Path("/tmp/idx")),
        ("CROSSCHECK_BM25_VARIANT", "okapi", "bm25_variant", "okapi"),
        ("CROSSCHECK_MAX_QUESTION_CHARS", "120", "max_question_chars", 120),
        ("CROSSCHECK_LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("CROSSCHECK_SPACY_MODEL", "en_core_web_md", "spacy_model", "en_core_web_md"),
        ("SLACK_API_URL", "http://localhost:9000/api", "slack_api_url", "http://localhost:9000/api/"),
        ("CROSSCHECK_SLASH_COMMAND", "/xcheck", "slash_command", "/xcheck"),
        ("PORT", "8080", "port", 8080),
    ],
)
def test_load_settings_from_environment(clean_env, variable: str, value: str, field: str, expected) -> None:
    clean_env.setenv(variable, value)
    got = getattr(load_settings(), field)
    assert got == expected, f"{variable}={value!r}: expected {field}={expected!r}, got {got!r}"


def test_load_settings_overrides_beat_environment(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("CROSSCHECK_CORPUS", "/from/env")
    assert load_settings(corpus=tmp_path).corpus == tmp_path, "expected the explicit corpus to win"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CROSSCHECK_MAX_QUESTION_CHARS", "abc"),
        ("CROSSCHECK_MAX_QUESTION_CHARS", "5"),
        ("CROSSCHECK_MAX_QUESTION_CHARS", "1000000"),
        ("CROSSCHECK_BM25_VARIANT", "bm42"),
        ("CROSSCHECK_LOG_LEVEL", "loud"),
        ("PORT", "99999"),
        ("PORT", "http"),
        ("SLACK_API_URL", "ftp://slack.com/api"),
        ("CROSSCHECK_SLASH_COMMAND", "crosscheck"),
    ],
)
def test_load_settings_invalid_names_variable(
    clean_env: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    clean_env.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert variable in message, f"expected the message to name {variable}, got {message!r}"
    assert value.upper() in message.upper(), f"expected the message to show {value!r}, got {message!r}"


@pytest.mark.parametrize("field", ["slack_bot_token", "slack_signing_secret", "slack_app_token"])
def test_load_settings_invalid_secret_is_hidden(clean_env: pytest.MonkeyPatch, field: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(**{field: [SECRET]})  # not a string: invalid
    message = str(raised.value)
    assert ENV_NAMES[field] in message, f"expected {ENV_NAMES[field]} named, got {message!r}"
    assert SECRET not in message, f"expected the secret hidden, got {message!r}"


def test_load_settings_error_never_shows_tokens(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", SECRET)
    clean_env.setenv("SLACK_SIGNING_SECRET", SECRET)
    clean_env.setenv("CROSSCHECK_MAX_QUESTION_CHARS", "abc")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert SECRET not in str(raised.value), f"expected no token in {raised.value}"


def test_settings_repr_hides_tokens(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", SECRET)
    s = load_settings()
    assert SECRET not in repr(s) and SECRET not in str(s), "expected tokens hidden in repr and str"
    assert s.slack_bot_token is not None and s.slack_bot_token.get_secret_value() == SECRET, (
        "expected it kept"
    )


def test_settings_toml_between_environment_and_defaults(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "settings.toml").write_text(
        'max_question_chars = 50\nbm25_variant = "okapi"\n', encoding="utf-8"
    )
    clean_env.setenv("CROSSCHECK_CONFIG_DIR", str(tmp_path))
    clean_env.setenv("CROSSCHECK_MAX_QUESTION_CHARS", "120")
    s = load_settings()
    assert (s.max_question_chars, s.bm25_variant) == (120, "okapi"), (
        f"expected the environment over the file (120) and the file over defaults (okapi), "
        f"got {(s.max_question_chars, s.bm25_variant)!r}"
    )
    assert s.config_dir == tmp_path, f"expected config_dir {tmp_path}, got {s.config_dir}"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("max_question_chars = \n", "settings.toml"),
        ("max_question_chars = 3\n", "CROSSCHECK_MAX_QUESTION_CHARS"),
    ],
    ids=["broken-toml", "invalid-value"],
)
def test_settings_toml_problem_is_settings_error(clean_env, tmp_path: Path, content: str, named: str) -> None:
    (tmp_path / "settings.toml").write_text(content, encoding="utf-8")
    clean_env.setenv("CROSSCHECK_CONFIG_DIR", str(tmp_path))
    with pytest.raises(SettingsError, match=named):
        load_settings()


@pytest.mark.parametrize(
    ("socket_mode", "missing"),
    [(False, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]), (True, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"])],
)
def test_require_slack_names_missing_variables(clean_env, socket_mode: bool, missing: list[str]) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings().require_slack(socket_mode=socket_mode)
    for name in missing:
        assert name in str(raised.value), f"expected {name} named, got {raised.value}"


def test_require_slack_passes_when_set_and_hides_values(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", SECRET)
    s = load_settings()
    with pytest.raises(SettingsError) as raised:
        s.require_slack()
    assert "SLACK_SIGNING_SECRET" in str(raised.value) and SECRET not in str(raised.value), (
        f"got {raised.value}"
    )
    clean_env.setenv("SLACK_SIGNING_SECRET", "signing")
    load_settings().require_slack()  # no error


def test_env_names_cover_every_setting() -> None:
    assert ENV_NAMES["max_question_chars"] == "CROSSCHECK_MAX_QUESTION_CHARS", f"got {ENV_NAMES!r}"
    assert ENV_NAMES["slack_bot_token"] == "SLACK_BOT_TOKEN", f"got {ENV_NAMES!r}"
    assert ENV_NAMES["port"] == "PORT", f"got {ENV_NAMES!r}"
