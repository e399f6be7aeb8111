"""Pure pieces: base58-btc and serials."""

import pytest

from talentpool.certification.canonical import base58btc, from_base58btc
from talentpool.certification.serials import new_serial, normalise_serial


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
