"""Pure pieces: JCS (RFC 8785), base58-btc and serials."""

import json
import math
import struct

import pytest

from talentpool.certification.canonical import (
    CanonicalizationError, base58btc, canonicalize, es6_number, from_base58btc,
)
from talentpool.certification.serials import new_serial, normalise_serial


def double(hex_bits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(hex_bits))[0]


@pytest.mark.parametrize(("bits", "expected"), [
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"), ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
    ("444b1ae4d6e2ef50", "1e+21"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("3eb0c6f7a0b5ed8d", "0.000001"), ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555556", "333333333.3333334"),
    ("4100000000000000", "131072"), ("c3e0000000000000", "-9223372036854776000"),
])
def test_numbers_follow_ecmascript(bits, expected):
    """Sample values from RFC 8785, appendix B."""
    assert es6_number(double(bits)) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 2**53, {1: "x"}, object()])
def test_values_without_a_canonical_form_are_refused(value):
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


def test_members_sort_by_utf16_code_units():
    """The sorting example of RFC 8785 §3.2.3."""
    value = {"\u20ac": "Euro Sign", "\r": "Carriage Return",
             "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
             "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
             "\u00f6": "Latin Small Letter O With Diaeresis"}
    expected = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert list(json.loads(canonicalize(value))) == expected


def test_strings_and_structure():
    value = {"b": [1, True, None, "é\n\u0001\"\\"], "a": {"y": 1.5, "x": -0.0}}
    expected = '{"a":{"x":0,"y":1.5},"b":[1,true,null,"é\\n\\u0001\\"\\\\"]}'
    assert canonicalize(value) == expected.encode()


def test_base58btc_round_trip_keeps_leading_zeros():
    for data in (b"", b"\0\0\x01\xff", bytes(range(64))):
        assert from_base58btc(base58btc(data)) == data
    assert base58btc(b"Hello World!") == "z2NEpo7TZRRrLZSi2U"
    with pytest.raises(ValueError):
        from_base58btc("z0OIl")


def test_serials_are_random_long_and_forgiving_on_input():
    serials = {new_serial() for _ in range(500)}
    assert len(serials) == 500
    serial = serials.pop()
    body = serial.removeprefix("TP-").replace("-", "")
    assert len(body) * 5 >= 128 and set(body) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert normalise_serial(serial.lower()) == serial
    assert normalise_serial(" " + body + " ") == serial
    assert normalise_serial(serial.replace("1", "I").replace("0", "o")) == serial
    for bad in ("", "TP-1234", serial + "X", serial.replace(serial[-1], "U"), "x" * 500, None):
        assert normalise_serial(bad) is None
