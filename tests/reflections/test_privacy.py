"""What the privacy check finds, per kind of identifier, and what it leaves alone.

Numbers and addresses here are from ranges set aside for examples (Ofcom's drama
numbers, example.org, NHS Digital's documented test number), never real people's.
"""

import socket

import pytest

from reflections.privacy import Finding, find_identifiers, find_identifiers_in_reflection


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_identifiers(text)]


def kinds(text: str) -> set[str]:
    return {f.kind for f in find_identifiers(text)}


# -- names after role words and titles ---------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("I met my client John Smith at the centre.", "John Smith"),
        ("The service user, Sarah, was anxious.", "Sarah"),
        ("Our service-user Ahmed came late.", "Ahmed"),
        ("The patient: Peter had relapsed.", "Peter"),
        ("Mrs O'Brien spoke about her son.", "O'Brien"),
        ("Mr. Taylor-Jones disagreed.", "Taylor-Jones"),
        ("A resident called Maria Lopez joined.", "Maria Lopez"),
        ("A man named Tom told me", "Tom"),
        ("Client Jane Doe The next day", "Jane Doe"),
    ],
)
def test_names_after_role_words_and_titles(text, name):
    assert found(text) == [("name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "Client-centred practice is at the heart of MI.",
        "A client centred approach; client-led goals.",
        "I met Client A and then Mr X, as we anonymise them.",
        "The client. She said nothing for a while.",
        "I saw the client Tuesday and the patient in March.",
        "## Service User Involvement",
        "Patient Safety and Client Confidentiality come first.",
        "Dr Tober's chapter on the client relationship.",
        "My clients often say they feel judged.",
        "",
    ],
)
def test_words_after_role_words_that_are_not_names(text):
    assert "name" not in kinds(text)


# -- NHS numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"])
def test_nhs_numbers_with_a_valid_check_digit(number):
    assert found(f"His NHS number is {number}.") == [("nhs_number", number)]


@pytest.mark.parametrize(
    "number",
    [
        "943 476 5918",  # the last digit is not the mod-11 check digit
        "1234567890",
        "0000000001",
        "401 023 2138",
    ],
)
def test_ten_digit_numbers_failing_the_checksum_are_not_nhs_numbers(number):
    assert "nhs_number" not in kinds(f"Reference {number} in the file.")


def test_a_valid_nhs_number_inside_a_longer_number_is_not_one():
    assert "nhs_number" not in kinds("Order 99434765919 and 943 476 59190.")


# -- dates of birth -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, when",
    [
        ("DOB 12/03/1961, lives alone", "12/03/1961"),
        ("D.O.B.: 1.2.1975", "1.2.1975"),
        ("date of birth 1984-03-03", "1984-03-03"),
        ("She was born on 3rd March 1984 in Leeds.", "3rd March 1984"),
        ("born March 5, 1990", "March 5, 1990"),
        ("His birthday is 5 Jan 1990.", "5 Jan 1990"),
        ("Born: 1/2/03", "1/2/03"),
    ],
)
def test_dates_after_birth_words_are_dates_of_birth(text, when):
    assert found(text) == [("date_of_birth", when)]


@pytest.mark.parametrize(
    "text",
    [
        "On 12 March 2024 I met the group for the first time.",
        "The session on 03/04/2025 went well.",
        "Deadline 2025-11-30 for topic two.",
        "Born out of frustration, the group met again on 5 May 2024 and ...........",
        "DOB unknown; we met on 1 June 2024 much later in the conversation than this.",
        "date of birth 31/02/1980 (not a date)",
        "born 12/03/2199",
    ],
)
def test_ordinary_dates_are_not_dates_of_birth(text):
    assert "date_of_birth" not in kinds(text)


# -- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["0113 496 0000", "020 7946 0958", "+44 20 7946 0958", "(0113) 496 0123", "07700 900123",
     "07911 123456"],
)  # fmt: skip
def test_uk_phone_numbers(number):
    assert found(f"Call her on {number} after six.") == [("phone", number)]


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 and 2020 we ran 120 minutes of groups.",
        "A score of 0 10 20 on the scale.",
        "Dose 0.5 mg at 09:30.",
        "ISBN 978-0-19-123456-7, DOI 10.1002/14651858.CD001088.pub4.",
        "Case 1234567890 on the system.",
    ],
)
def test_numbers_that_are_not_phone_numbers(text):
    assert "phone" not in kinds(text)


# -- postcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["LS1 4DY", "M1 1AA", "SW1A 1AA", "EC1A 1BB", "B33 8TH", "CR2 6XH"]
)
def test_full_uk_postcodes(code):
    assert found(f"She lives at {code} with her sister.") == [("postcode", code)]


@pytest.mark.parametrize(
    "text",
    ["We met on the A1 near the M6.", "Room B12, floor 3.", "PHQ9 and GAD7 scores.", "Topic 1AB"],
)
def test_not_postcodes(text):
    assert "postcode" not in kinds(text)


# -- email addresses ------------------------------------------------------------------------


def test_email_addresses():
    text = "Write to jo.bloggs+group@example.org. Or j_o@mail.example.co.uk."
    assert found(text) == [
        ("email", "jo.bloggs+group@example.org"),
        ("email", "j_o@mail.example.co.uk"),
    ]


@pytest.mark.parametrize("text", ["Meet @ 10 at the hall.", "the @mention and a@b", "x@y."])
def test_not_email_addresses(text):
    assert "email" not in kinds(text)


# -- the findings themselves ---------------------------------------------------------------


def test_a_finding_says_where_it_is_with_its_words_around():
    text = "First line.\nMy client John Smith told me his NHS number, 943 476 5919, today."
    name, number = find_identifiers(text)
    assert isinstance(name, Finding)
    assert (name.kind, name.label, name.line) == ("name", "Name", 2)
    assert text[name.start : name.end] == "John Smith"
    assert name.before == "My client " and name.after.startswith(" told me")
    assert (number.kind, number.label, number.text) == ("nhs_number", "NHS number", "943 476 5919")
    assert number.excerpt.endswith("943 476 5919, today.")


def test_long_lines_are_cut_to_whole_words_around_the_finding():
    text = "word " * 30 + "0113 496 0000" + " more" * 30
    (phone,) = find_identifiers(text)
    assert phone.before.startswith("…") and phone.after.endswith("…")
    assert len(phone.before) <= 41 and len(phone.after) <= 41
    assert phone.before.endswith("word ") and phone.after.startswith(" more")


def test_overlaps_keep_the_more_specific_kind():
    # A valid NHS number is also a possible phone number; it is reported once.
    assert found("NHS 943 476 5919") == [("nhs_number", "943 476 5919")]


def test_title_and_body_are_both_checked():
    findings = find_identifiers_in_reflection(
        title="Working with Mrs Patel", body="Her postcode is LS1 4DY."
    )
    assert [(f.field, f.kind, f.text) for f in findings] == [
        ("title", "name", "Patel"),
        ("body", "postcode", "LS1 4DY"),
    ]


def test_a_clean_reflection_has_no_findings():
    body = (
        "## What happened\n\nIn the group on 12 March 2024 Client A talked about relapse. "
        "Client-centred work with service users takes patience (Miller and Rollnick, 2013)."
    )
    assert find_identifiers(body) == []


def test_the_check_sends_nothing_anywhere(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the privacy check tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    text = "Mrs Smith, jo@example.org, 0113 496 0000, LS1 4DY, DOB 1/2/1970, 943 476 5919"
    assert len(find_identifiers(text)) == 6


def test_a_long_reflection_is_checked_in_one_go():
    body = ("A paragraph about the group and what I learnt from it. " * 900)[:49_000]
    body += "\nMy client John Smith."
    findings = find_identifiers(body)
    assert [(f.kind, f.text, f.line) for f in findings] == [("name", "John Smith", 2)]
