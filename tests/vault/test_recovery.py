from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from defender_desk.errors import RecoveryCodeInvalid
from defender_desk.vault import recovery


def test_format_and_entropy():
    code = recovery.generate()
    groups = code.split("-")
    assert len(groups) == 8 and all(len(g) == 4 and g.isdigit() for g in groups)
    assert recovery.ENTROPY_BITS >= 100
    assert math.log2(10 ** (recovery.DIGITS - 1)) >= 100
    assert recovery.normalize(code) == code.replace("-", "")


def test_codes_differ():
    assert len({recovery.generate() for _ in range(50)}) == 50


@pytest.mark.parametrize("sep", [" ", "-", "", "  ", "–", "\t"])
def test_separators_accepted(sep):
    code = recovery.generate()
    digits = code.replace("-", "")
    typed = sep.join(digits[i : i + 4] for i in range(0, 32, 4))
    assert recovery.normalize(typed) == digits


def test_kazakh_layout_letters_map_back_to_digits():
    # What the Kazakh layout types on keys 1..0 (unshifted): " ә і ң ғ , . ү ұ қ
    kazakh = {'1': '"', "2": "ә", "3": "і", "4": "ң", "5": "ғ", "6": ",", "7": ".", "8": "ү",
              "9": "ұ", "0": "қ"}  # fmt: skip
    for _ in range(20):
        code = recovery.generate()
        digits = code.replace("-", "")
        typed = "".join(kazakh[d] for d in digits)
        assert recovery.normalize(typed) == digits
        spaced = " ".join(typed[i : i + 4] for i in range(0, 32, 4))
        assert recovery.normalize(spaced) == digits
        upper = " ".join(typed[i : i + 4].upper() for i in range(0, 32, 4))
        assert recovery.normalize(upper.replace('"', "!")) == digits


def test_dots_as_separators_still_work():
    code = recovery.generate()
    digits = code.replace("-", "")
    dotted = ".".join(digits[i : i + 4] for i in range(0, 32, 4))
    assert recovery.normalize(dotted) == digits


def test_every_single_digit_typo_and_adjacent_swap_is_caught():
    code = recovery.generate().replace("-", "")
    for i, wrong in itertools.product(range(32), "0123456789"):
        if wrong == code[i]:
            continue
        with pytest.raises(RecoveryCodeInvalid):
            recovery.normalize(code[:i] + wrong + code[i + 1 :])
    for i in range(31):
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        with pytest.raises(RecoveryCodeInvalid):
            recovery.normalize(swapped)


@pytest.mark.parametrize("bad", ["", "1234", "abcd-efgh", "1" * 40, "пароль"])
def test_rejects_non_codes(bad):
    with pytest.raises(RecoveryCodeInvalid):
        recovery.normalize(bad)


@given(st.text(max_size=80))
def test_normalize_never_crashes(text):
    try:
        digits = recovery.normalize(text)
    except RecoveryCodeInvalid:
        return
    assert len(digits) == 32 and digits.isdigit() and recovery.damm_check(digits) == 0
