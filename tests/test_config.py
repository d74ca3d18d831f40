from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


def _settings(**values: object) -> Settings:
    return load_settings(_env_file=None, **values)


def test_defaults_are_the_embedded_setup() -> None:
    settings = _settings()
    assert settings.DATABASE_URL == "sqlite:///emcoach.db"
    assert settings.SLACK_API_URL == "https://slack.com/api/"
    assert settings.PORT == 3000
    assert settings.LOG_LEVEL == "INFO"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql://u@db/app", "postgresql+psycopg://u@db/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:////var/lib/emcoach.db", "sqlite:////var/lib/emcoach.db"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert expected == _settings(DATABASE_URL=given).DATABASE_URL


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"PORT": "0"}, "PORT"),
        ({"PORT": "seventy"}, "PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
    ],
)
def test_malformed_values_name_the_variable(values: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _settings(**values)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable} is malformed")
    assert "Get it from:" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_token_says_where_to_get_it() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN is not set\. Get it from: .*xapp"):
        _settings(SLACK_BOT_TOKEN="xoxb-1").require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")


def test_wrong_kind_of_token_is_named() -> None:
    settings = _settings(SLACK_BOT_TOKEN="xapp-oops")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN should start with 'xoxb-'"):
        settings.require("SLACK_BOT_TOKEN")


def test_blank_values_count_as_unset() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        _settings(SLACK_SIGNING_SECRET="  ").require("SLACK_SIGNING_SECRET")


def test_dot_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nLOG_LEVEL=debug\n", encoding="utf-8")
    settings = load_settings(_env_file=env_file)
    assert settings.bot_token == "xoxb-from-file"
    assert settings.LOG_LEVEL == "DEBUG"


def test_secrets_do_not_leak_into_repr() -> None:
    settings = _settings(SLACK_BOT_TOKEN="xoxb-very-secret")
    assert "very-secret" not in repr(settings)


def test_oauth_is_on_with_both_client_credentials_and_off_without() -> None:
    assert not _settings(SLACK_BOT_TOKEN="xoxb-1").oauth_enabled
    settings = _settings(SLACK_CLIENT_ID=" 1.2 ", SLACK_CLIENT_SECRET="secret-value")
    assert settings.oauth_enabled
    assert (settings.client_id, settings.client_secret) == ("1.2", "secret-value")
    assert "secret-value" in settings.secret_values, "the client secret is never logged"
    assert not _settings(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="  ").oauth_enabled


def test_half_an_oauth_configuration_is_named() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_CLIENT_SECRET is not set .*Client Secret"):
        _settings(SLACK_CLIENT_ID="1.2").require_oauth_pair()
    with pytest.raises(ConfigError, match=r"SLACK_CLIENT_ID is not set .*Client ID"):
        _settings(SLACK_CLIENT_SECRET="s").require_oauth_pair()


def test_redirect_uri_must_be_a_full_url() -> None:
    with pytest.raises(ConfigError) as caught:
        _settings(SLACK_REDIRECT_URI="/slack/oauth_redirect")
    assert caught.value.variable == "SLACK_REDIRECT_URI"
