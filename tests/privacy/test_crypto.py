from __future__ import annotations

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import SettingsWrapper

from engcert.privacy.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    encrypt,
    needs_rotation,
)


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


@pytest.fixture
def two_keys(settings: SettingsWrapper) -> tuple[str, str]:
    old, new = f"k1:{new_key()}", f"k2:{new_key()}"
    settings.ENGCERT_FIELD_KEYS = [old]
    return old, new


def test_chinese_and_astral_plane_text_survives_a_round_trip() -> None:
    plaintext = "张三 11010519491231002X 𠀀𪚥"

    assert decrypt(encrypt(plaintext)) == plaintext


@given(st.text())
def test_any_text_survives_a_round_trip(plaintext: str) -> None:
    assert decrypt(encrypt(plaintext)) == plaintext


def test_tokens_name_the_version_and_key_and_never_repeat() -> None:
    first, second = encrypt("same"), encrypt("same")

    assert first.split(":")[:2] == ["v1", "dev"]
    assert first != second


def test_a_development_key_is_derived_from_the_secret_key(
    settings: SettingsWrapper,
) -> None:
    token = encrypt("secret")
    settings.SECRET_KEY = "another-secret-key-for-this-test"

    with pytest.raises(DecryptionError):
        decrypt(token)


def test_a_tampered_token_is_rejected() -> None:
    token = encrypt("11010519491231002X")
    prefix, payload = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 0x01
    tampered = f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode('ascii')}"

    with pytest.raises(DecryptionError) as excinfo:
        decrypt(tampered)
    assert str(excinfo.value) == "Token failed authentication (tampered or wrong key)"


def test_a_token_relabelled_with_another_key_id_is_rejected(
    two_keys: tuple[str, str], settings: SettingsWrapper
) -> None:
    old, new = two_keys
    token = encrypt("secret")
    settings.ENGCERT_FIELD_KEYS = [new, old]

    with pytest.raises(DecryptionError):
        decrypt(token.replace("v1:k1:", "v1:k2:"))


def test_a_token_with_an_unknown_key_id_is_rejected(
    two_keys: tuple[str, str], settings: SettingsWrapper
) -> None:
    _old, new = two_keys
    token = encrypt("secret")
    settings.ENGCERT_FIELD_KEYS = [new]

    with pytest.raises(DecryptionError) as excinfo:
        decrypt(token)
    assert str(excinfo.value) == "Token was encrypted with unknown key id 'k1'"


@pytest.mark.parametrize("token", ["", "plain text", "v2:dev:AAAA", "v1:dev:", "v1::AAAA", "v1:dev:!!!!"])
def test_malformed_tokens_are_rejected(token: str) -> None:
    with pytest.raises(DecryptionError):
        decrypt(token)


def test_a_token_made_with_the_old_key_decrypts_after_a_new_key_is_put_first(
    two_keys: tuple[str, str], settings: SettingsWrapper
) -> None:
    old, new = two_keys
    old_token = encrypt("护照 E12345678")
    settings.ENGCERT_FIELD_KEYS = [new, old]
    new_token = encrypt("护照 E12345678")

    assert decrypt(old_token) == "护照 E12345678"
    assert needs_rotation(old_token) is True
    assert needs_rotation(new_token) is False
    assert new_token.split(":")[1] == "k2"


def test_an_unlabelled_key_gets_an_id_that_survives_reordering(
    settings: SettingsWrapper,
) -> None:
    first, second = new_key(), new_key()
    settings.ENGCERT_FIELD_KEYS = [first]
    token = encrypt("secret")
    settings.ENGCERT_FIELD_KEYS = [second, first]

    assert decrypt(token) == "secret"
    assert needs_rotation(token) is True


def test_a_key_of_the_wrong_length_is_a_configuration_error(
    settings: SettingsWrapper,
) -> None:
    settings.ENGCERT_FIELD_KEYS = ["k1:" + base64.urlsafe_b64encode(b"short").decode()]

    with pytest.raises(ImproperlyConfigured):
        encrypt("secret")


def test_a_blind_index_is_stable_and_ignores_formatting() -> None:
    assert blind_index("11010519491231002X") == blind_index("110105 19491231 002x")
    assert blind_index("11010519491231002X") == blind_index("１１０１０５１９４９１２３１００２Ｘ")
    assert len(blind_index("11010519491231002X")) == 64


def test_different_numbers_have_different_blind_indexes() -> None:
    assert blind_index("11010519491231002X") != blind_index("110105194912310011")


def test_the_blind_index_depends_on_the_index_key(settings: SettingsWrapper) -> None:
    derived = blind_index("E12345678")
    settings.ENGCERT_INDEX_KEY = new_key()

    assert blind_index("E12345678") != derived
    assert blind_index("E12345678") == blind_index("E12345678")
