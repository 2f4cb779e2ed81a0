"""Round trip: every field comes back exactly as it was saved, however odd."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    FIELD_NAMES,
    HOSTILE,
    all_stored,
    insert,
    make_token,
    record_of,
    save,
    stored,
    user_values,
)
from tokenstore_conformance.records.preconditions import relying_on, requires

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user

FIELDS_BUT_EXPIRY = tuple(name for name in FIELD_NAMES if name != "expires_in")


def _every_field(value: str, expiry: str = "1767225600000") -> dict[str, str]:
    # A distinct value per field, so a store that mixes up two columns is caught too.
    fields = {name: f"{value}|{name}" for name in FIELDS_BUT_EXPIRY}
    fields["expires_in"] = expiry
    return fields


def _read_back_every_way(store, saved) -> None:
    expected = record_of(saved)
    assert stored(store) == [expected], "get_tokens"
    by_id = relying_on("BYID-HIT", lambda: store.find_token_by_id(saved.get_id()))
    requires("BYID-HIT", by_id is not None, "find_token_by_id misses a stored id")
    assert record_of(by_id) == expected, "find_token_by_id"
    # find_token by id is FIND-BY-ID's to find; once it does, what it fills in is this clause's.
    found = relying_on("FIND-BY-ID", lambda: store.find_token(make_token(id=saved.get_id())))
    if found is not None:
        assert record_of(found) == expected, "find_token by id"


@clause("ROUNDTRIP-FIELDS")
def test_all_ten_fields_come_back_with_an_assigned_id(token_store):
    saved = insert(token_store, **user_values(1))
    _read_back_every_way(token_store, saved)


@clause("ROUNDTRIP-FIELDS")
def test_all_ten_fields_come_back_with_a_caller_id(token_store):
    saved = insert(token_store, **user_values(1, id="4150868000000419001"))
    _read_back_every_way(token_store, saved)


@clause("ROUNDTRIP-FIELDS")
def test_fields_never_set_come_back_as_none(token_store):
    saved = insert(token_store, access_token="1000.only-access")
    found = token_store.find_token_by_id(saved.get_id())
    requires("BYID-HIT", found is not None, "find_token_by_id misses a stored id")
    record = record_of(found)
    assert record == record_of(saved)
    assert (record.refresh_token, record.user_name, record.expires_in) == (None, None, None)


@clause("ROUNDTRIP-HOSTILE")
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_values_come_back_unchanged(token_store, value):
    saved = insert(token_store, **_every_field(value))
    _read_back_every_way(token_store, saved)
    by_user = token_store.find_token(make_token(user_name=f"{value}|user_name"))
    # A miss is this clause's when it is the value's doing: when find_token by a user name finds records.
    requires("FIND-BY-USER", by_user is not None, "find_token by user name misses the stored record")
    assert by_user.get_id() == saved.get_id(), "find_token by user name"


@clause("ROUNDTRIP-HOSTILE")
def test_like_wildcards_match_only_themselves(token_store):
    plain = insert(token_store, **user_values(1, user_name="abc@example.test", access_token="acc-abc"))
    # A wildcard that matches is this clause's fault only where an unknown name without one misses.
    missed = token_store.find_token(make_token(user_name="xyz@example.test")) is None
    requires("FIND-MISS-NONE", missed, "find_token by an unknown user name does not miss")
    assert token_store.find_token(make_token(user_name="a_c@example.test")) is None
    assert token_store.find_token(make_token(user_name="%@example.test")) is None
    assert token_store.find_token(make_token(access_token="acc-%")) is None
    assert stored(token_store) == [record_of(plain)]


@clause("ROUNDTRIP-HOSTILE")
@multi_user
def test_quote_in_one_user_name_never_touches_another_user(token_store):
    victim = insert(token_store, **user_values(1, user_name="victim@example.test"))
    save(token_store, **user_values(2, user_name="x' or user_name='victim@example.test"))
    save(token_store, user_name="x' or '1'='1", access_token="1000.access.attacker")
    requires(
        "SAVE-INSERT", all_stored(token_store, [victim]), "a record saved earlier is missing from get_tokens"
    )
    found = token_store.find_token_by_id(victim.get_id())
    requires("BYID-HIT", found is not None, "find_token_by_id misses a stored id")
    assert record_of(found) == record_of(victim)
    assert len(stored(token_store)) == 3


@clause("ROUNDTRIP-LONG")
def test_values_of_2000_characters_come_back_whole(token_store):
    long_values = {name: (name[0] + "x" * 1999) for name in FIELDS_BUT_EXPIRY}
    saved = insert(token_store, **long_values, expires_in="1767225600000")
    _read_back_every_way(token_store, saved)


@clause("ROUNDTRIP-EXPIRY-STR")
@pytest.mark.parametrize("expiry", ["1767225600000", "99999999999999999999", "0"])
def test_expiry_comes_back_as_the_same_string(token_store, expiry):
    saved = insert(token_store, **user_values(1, expires_in=expiry))
    by_id = token_store.find_token_by_id(saved.get_id())
    requires("BYID-HIT", by_id is not None, "find_token_by_id misses a stored id")
    listed = token_store.get_tokens()
    requires("GET-ALL", len(listed) == 1, f"get_tokens returned {len(listed)} tokens for one record")
    for token in (by_id, listed[0]):
        value = token.get_expires_in()
        assert type(value) is str, f"expires_in came back as {type(value).__name__} {value!r}"
        assert value == expiry
