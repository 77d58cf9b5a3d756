"""What people type is normalised where it is only form, refused where the substance is wrong."""

from datetime import date

import pytest

from market.errors import Invalid
from market.identity import normalise_phone, normalise_uscc, parse_id_number, uscc_checksum_ok
from tests.conftest import id_number, uscc_with_check

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("raw", ["13800138000", "+86 138 0013 8000", "１３８００１３８０００", "138-0013-8000", "0086 13800138000"])
def test_phone_numbers_are_normalised_not_refused(raw):
    assert normalise_phone(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["", "12345", "23800138000", "1380013800x"])
def test_bad_phone_numbers_name_the_field(raw):
    with pytest.raises(Invalid) as exc:
        normalise_phone(raw)
    assert "phone" in exc.value.fields


def test_id_number_with_lowercase_x_and_fullwidth_digits_is_accepted():
    number = id_number("110105", "19491231", "002")
    assert number.endswith("X") or number[-1].isdigit()
    raw = number.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    value, birth = parse_id_number(raw, today=TODAY)
    assert value == number and birth == date(1949, 12, 31)


def test_id_number_with_wrong_check_character_is_refused():
    number = id_number()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    with pytest.raises(Invalid) as exc:
        parse_id_number(wrong, today=TODAY)
    assert "校验" in exc.value.fields["id_number"]


def test_id_number_with_impossible_or_future_birth_date_is_refused():
    for birth in ("19810230", "20300101"):
        with pytest.raises(Invalid) as exc:
            parse_id_number(id_number(birth=birth), today=TODAY)
        assert "出生日期" in exc.value.fields["id_number"]


def test_known_valid_id_number_passes_gb11643():
    # The standard's own example.
    value, _ = parse_id_number("11010519491231002X", today=TODAY)
    assert value == "11010519491231002X"


def test_uscc_check_character():
    good = uscc_with_check("91350105100000008")
    assert good == "91350105100000008X"
    assert uscc_checksum_ok(good)
    assert not uscc_checksum_ok(good[:17] + "Y")
    assert normalise_uscc(" ９１３５０１０５１０００００００８x ") == good


def test_uscc_with_forbidden_letters_is_refused_with_field():
    with pytest.raises(Invalid) as exc:
        normalise_uscc("91350105I0000000OX")
    assert "uscc" in exc.value.fields
