"""Candidate answers: the mentions that answer a question, gated by place, predicate, noun, role, source."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.extract import Candidate, candidates
from bot.core.question import analyse
from bot.core.retrieve import retrieve
from bot.settings import load_settings
from index.store import Index


def found(index: Index, question: str) -> list[Candidate]:
    q = analyse(question, index)
    return candidates(q, index, retrieve(q, index))


def values(index: Index, question: str) -> set[str]:
    return {c.mention.value for c in found(index, question)}


def test_candidates_baghdad_toll_never_from_jordan_sentence(index: Index) -> None:
    for c in found(index, "how many were killed in Baghdad?"):
        p = index.passage(c.passage)
        assert "Jordan" not in p.text, (
            f"expected no Baghdad toll from a Jordan sentence, got {c.mention.text!r} in {p.text!r}"
        )


def test_candidates_jordan_three_in_opening_sentence_is_not_baghdad_toll(index: Index) -> None:
    opening = next(
        n
        for n in range(len(index))
        if index.passage(n).text.startswith("A US drone strike in Baghdad has killed")
    )
    taken = [c.mention.text for c in found(index, "how many were killed in Baghdad?") if c.passage == opening]
    assert taken == [], f"expected 'three American troops dead' (Jordan) not taken for Baghdad, got {taken!r}"


def test_candidates_baghdad_toll_values(index: Index) -> None:
    got = values(index, "how many were killed in Baghdad?")
    assert got == {"3", "1"}, f"expected 3 and 1, got {sorted(got)!r}"


def test_candidates_jordan_toll_values(index: Index) -> None:
    got = values(index, "how many were killed in the attack in Jordan?")
    assert "3" in got and "1" not in got, f"expected 3 (and not Baghdad's 1), got {sorted(got)!r}"


def test_candidates_rival_predicate_injured_not_killed(index: Index) -> None:
    got = values(index, "how many were injured in the Jordan attack?")
    assert {"34", "40"} <= got, f"expected 34 and 40 wounded, got {sorted(got)!r}"
    assert "3" not in got, f"expected the three killed not taken for injured, got {sorted(got)!r}"


def test_candidates_counted_noun_gate(index: Index) -> None:
    got = values(index, "how many rockets did the drone fire?")
    assert got == {"3"}, f"expected only 'three rockets', got {sorted(got)!r}"


def test_candidates_elliptical_number_borrows_noun(index: Index) -> None:
    got = values(index, "How many US troops are in Iraq?")
    assert got == {"2500"}, f"expected 2,500 (troops in Iraq), got {sorted(got)!r}"


def test_candidates_source_gate(index: Index) -> None:
    for c in found(index, "how many were killed in Baghdad according to Iraqi security sources?"):
        assert c.mention.attribution and "Iraqi security sources" in c.mention.attribution, (
            f"expected only what Iraqi security sources say, "
            f"got {c.mention.text!r} by {c.mention.attribution!r}"
        )


def test_candidates_role_gate(index: Index) -> None:
    got = {index.entities[v].name for v in values(index, "who was the commander killed in the strike?")}
    assert "Wissam Muhammad Sabir Al-Saadi" in got, f"expected the commander, got {sorted(got)!r}"
    assert "Joe Biden" not in got, f"expected no name away from 'commander', got {sorted(got)!r}"


def test_candidates_scores_between_zero_and_one(index: Index) -> None:
    for c in found(index, "how many were killed in Baghdad?"):
        assert 0 < c.score <= 1 and 0 < c.support <= 1, (
            f"expected scores in (0, 1], got {c.score}, {c.support}"
        )


def test_candidates_no_hits_no_candidates(index: Index) -> None:
    q = analyse("how many were killed?", index)
    assert candidates(q, index, []) == [], "expected no candidates without passages"


def _engine(corpus, tmp_path) -> Engine:
    """An engine over a small corpus written for one test, its index under tmp_path."""
    return Engine(load_settings(corpus=corpus, index_dir=tmp_path / "index"))


def _answer_values(make_corpus, tmp_path, articles: dict[str, str], question: str) -> list[str]:
    """The values the engine answers a question with, over a small corpus of these articles."""
    return [c.value for c in _engine(make_corpus(articles), tmp_path).answer(question).answers]


OFFICES = {
    "a.txt": (
        "Storm hits coastal state\n\n"
        "Transport Minister Lena Ortiz said the bridge had collapsed. "
        "Chief Minister Raj Patel said the state would pay compensation. "
        "The fire service chief, Omar Haddad, said crews were still searching.\n"
    ),
    "b.txt": (
        "Coastal storm toll rises\n\n"
        "Lena Ortiz, the transport minister, visited the site on Sunday. "
        "Raj Patel, the chief minister, said schools would reopen.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is the transport minister?", ["Lena Ortiz"]),
        ("Who is the chief minister?", ["Raj Patel"]),
        ("Who heads the fire service?", ["Omar Haddad"]),
    ],
)
def test_candidates_role_holds_only_with_its_office_words(
    make_corpus, tmp_path, question: str, expected: list[str]
) -> None:
    got = _answer_values(make_corpus, tmp_path, OFFICES, question)
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


MEASURES = {
    "a.txt": (
        "Quake hits coastal town\n\n"
        "The town lies about 250 km south of the capital and 130 miles from the border. "
        "Officials said 12 people were killed and offered a reward of $20,000 for information.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How far is the town from the capital?", ["250 km"]),
        ("How far is the town from the border, in miles?", ["130 miles"]),
        ("How big is the reward, in dollars?", ["20000 USD"]),
        ("How many people were killed?", ["12"]),  # distances and money are not counts
    ],
)
def test_candidates_measures_answer_only_measure_questions(
    make_corpus, tmp_path, question: str, expected: list[str]
) -> None:
    got = _answer_values(make_corpus, tmp_path, MEASURES, question)
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


CURFEW = {
    "a.txt": (
        "Curfew in Riverton\n\n"
        "The attack began at 5:30 a.m. on Monday. Police said a curfew would run from 6:30 pm to 6 am.\n"
    ),
}


def test_candidates_part_of_day_keeps_times_of_that_part(make_corpus, tmp_path) -> None:
    got = _answer_values(make_corpus, tmp_path, CURFEW, "What time does the curfew start in the evening?")
    assert got == ["18:30"], f"expected the evening time only, got {got}"


TOLLS = {
    "a.txt": (
        "Train crash in Riverton kills 40\n\n"
        "At least 40 people were killed when a train crashed near Riverton on Friday, officials said. "
        "The dead included 12 students.\n"
    ),
    "b.txt": (
        "Riverton train crash toll rises to 52\n\n"
        "The toll from the Riverton train crash rose to 52 on Saturday. "
        "Rescuers said 52 people had died by the evening.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a toll said without the story's words ("train", "crash") beside it still answers
        ("How many people were killed in the train crash?", {"40", "52"}),
        # a total toll does not answer how many of one group died
        ("How many students died in the train crash?", {"12"}),
        ("How many police officers died in the train crash?", set()),
    ],
)
def test_candidates_counts_of_the_story_and_of_one_group(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    got = set(_answer_values(make_corpus, tmp_path, TOLLS, question))
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


APPOSITIONS = {
    "a.txt": (
        "Dam breach floods Riverton\n\n"
        "Water reached the town hall, said Mara Quist, chief of the Riverton Fire Brigade. "
        "Quist said 300 homes were evacuated.\n"
    ),
    "b.txt": (
        "Riverton dam breach\n\n"
        "Crews worked through the night, the head of the county police, Tomas Brell, said. "
        "Brell told reporters the dam had been inspected in May.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is the chief of the Riverton Fire Brigade?", ["Mara Quist"]),
        ("Who is the head of the county police?", ["Tomas Brell"]),
    ],
)
def test_candidates_person_named_by_apposition(
    make_corpus, tmp_path, question: str, expected: list[str]
) -> None:
    got = _answer_values(make_corpus, tmp_path, APPOSITIONS, question)
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


SPEAKERS = {
    "a.txt": (
        "Floods hit Riverton\n\n"
        '"Sixteen bodies are in the morgue," Arnolda Shiundu, a Kenyan Red Cross official, told a reporter. '
        "The Red Cross said 50 people had been rescued. "
        "Kenya Red Cross secretary-general Abbas Gullet said the river was still rising. "
        "Marta Lind, a city council official, said schools would close.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the people the sources name, not the organization itself, nor another body's official
        ("Which Red Cross official was quoted?", {"Arnolda Shiundu", "Abbas Gullet"}),
        ("Which city council official said schools would close?", {"Marta Lind"}),
    ],
)
def test_candidates_speaker_of_a_named_organization(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    got = set(_answer_values(make_corpus, tmp_path, SPEAKERS, question))
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


ACCOUNTS = {
    "a.txt": (
        "Siege in Riverton\n\n"
        "Police identified a possible mastermind of the attack as Omar Haddad. Mr Haddad was a teacher. "
        "A militant spokesman, Ali Rahim, said the group would strike again.\n"
    ),
    "b.txt": (
        "Riverton siege ends\n\n"
        "The government has named Tomas Brell, a senior commander, as the mastermind of the attack.\n"
    ),
}


def test_candidates_generic_source_does_not_narrow_the_account(make_corpus, tmp_path) -> None:
    question = "Who do the authorities say masterminded the attack?"
    got = set(_answer_values(make_corpus, tmp_path, ACCOUNTS, question))
    assert got == {"Omar Haddad", "Tomas Brell"}, f"{question!r}: expected both masterminds named, got {got}"


ZONES = {
    "a.txt": (
        "Train derails near Riverton\n\n"
        "Several coaches derailed near Riverton at around 19:00 local time (13:30 GMT), officials said.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What time was it in GMT when the coaches derailed?", ["13:30"]),
        ("What time did the coaches derail?", ["19:00"]),
    ],
)
def test_candidates_bracketed_zone_restates_the_local_time(
    make_corpus, tmp_path, question: str, expected: list[str]
) -> None:
    got = _answer_values(make_corpus, tmp_path, ZONES, question)
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


REPORTED = {
    "a.txt": (
        "Train crash near Riverton\n\n"
        "Riverton, June 3: Two trains collided near Riverton on Friday, killing 40 people.\n\n"
        "The toll has risen to 52, said railway spokesperson Aditya Chowdhury on Saturday.\n\n"
        "The minister said on Saturday that the line would reopen, and announced on Thursday an inquiry.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the dateline and the days of statements date the reports, not the crash
        ("When did the trains collide?", {"2023-06-02"}),
        # unless the question asks when something was said
        ("When did the minister announce an inquiry?", {"2023-06-01"}),
    ],
)
def test_candidates_dates_of_reports_are_not_dates_of_the_event(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    corpus = make_corpus({**REPORTED, "sources.toml": '[a]\npublished = "2023-06-03"\n'})
    got = {c.value for c in _engine(corpus, tmp_path).answer(question).answers}
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


SIEGE = {
    "a.txt": (
        "Siege at Riverton college\n\n"
        "At least 15 people were killed when gunmen stormed a college in Riverton on Thursday. "
        "Police said the four gunmen had been killed by security forces.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people were killed in the Riverton college attack?", {"15"}),  # the victims
        ("How many gunmen were killed?", {"4"}),
    ],
)
def test_candidates_perpetrators_are_not_the_victims(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    got = set(_answer_values(make_corpus, tmp_path, SIEGE, question))
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


DISTANCES = {
    "a.txt": (
        "Train crash near Hillford\n\n"
        "The crash, the worst in the region according to available records, happened near the station "
        "in Hillford district, about 250 km south of Riverton and 170 km north of Lakeside, around 7 pm.\n"
    ),
    "b.txt": "Hillford train crash\n\nThe crash happened 130 miles southwest of Riverton on Friday.\n",
}


def test_candidates_measure_from_the_point_asked_however_far_from_the_words(make_corpus, tmp_path) -> None:
    question = "How far from Riverton is the crash site?"
    got = set(_answer_values(make_corpus, tmp_path, DISTANCES, question))
    assert got == {"250 km", "130 miles"}, f"{question!r}: expected both distances from Riverton, got {got}"


RANGES = {
    "a.txt": (
        "Trains collide near Riverton\n\n"
        "A ministry spokesperson said 10 to 12 coaches of one train derailed near Riverton.\n"
    ),
    "b.txt": "Riverton train crash\n\nThe toll rose from 233 to 261 on Saturday, and 17 coaches derailed.\n",
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a range is one answer (its first number), and "derailed" is not part of what is counted
        ("How many coaches derailed?", {"10": "10 to 12", "17": "17"}),
    ],
)
def test_candidates_ranges_are_one_answer(
    make_corpus, tmp_path, question: str, expected: dict[str, str]
) -> None:
    answers = _engine(make_corpus(RANGES), tmp_path).answer(question).answers
    got = {c.value: c.text for c in answers}
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


def test_candidates_change_of_figure_is_not_a_range(make_corpus, tmp_path) -> None:
    answers = _engine(make_corpus(RANGES), tmp_path).answer("What was the toll?").answers
    texts = [c.text for c in answers]
    assert "233" in texts and not any(" to " in t for t in texts), f"expected '233' said alone, got {texts}"


SPOKESPEOPLE = {
    "b.txt": (
        "Riverton train crash\n\n"
        "So far, 288 died, said KS Anand, chief public relations officer of the Northern Railway.\n"
    ),
    "c.txt": (
        "Riverton crash: bodies\n\n"
        "With 187 bodies yet to be identified, hospitals are running out of room, officials said.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a multi-word synonym of the role ("public relations officer" in config/lexicon.toml)
        ("Who is the spokesperson for the Northern Railway?", {"KS Anand"}),
        # and of the state asked about ("yet to be identified" for "unidentified")
        ("How many bodies are still unidentified?", {"187"}),
    ],
)
def test_candidates_multi_word_synonyms(make_corpus, tmp_path, question: str, expected: set[str]) -> None:
    got = set(_answer_values(make_corpus, tmp_path, SPOKESPEOPLE, question))
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


CHIEFS = {
    "a.txt": (
        "Fire at Riverton depot\n\n"
        "Omar Haddad, director general of the Riverton Fire Services, said crews were still searching. "
        "The state's chief secretary Lena Ortiz said 200 ambulances had been sent to the depot.\n"
    ),
}


def test_candidates_role_word_qualifying_another_office_is_not_that_role(make_corpus, tmp_path) -> None:
    got = _answer_values(make_corpus, tmp_path, CHIEFS, "Who heads the Riverton fire services?")
    assert got == ["Omar Haddad"], f"expected the director general, not the chief secretary; got {got}"


ENROLMENT = {
    "a.txt": (
        "Siege at Riverton college\n\n"
        "The college is attended by more than 800 students. "
        "About 500 students have not been accounted for, police said.\n"
    ),
}


def test_candidates_count_bound_to_a_rival_phrase_answers_no_other_question(make_corpus, tmp_path) -> None:
    got = _answer_values(make_corpus, tmp_path, ENROLMENT, "How many students attend the college?")
    assert got == ["800"], f"expected the enrolment only, not the missing students; got {got}"


STATIONS = {
    "a.txt": (
        "Trains collide near Hillford\n\n"
        "The express, en route from Shalimar station near Riverton to Lakeside Central station, "
        "collided with a goods train. The crash happened near Hillford Bazar station on Friday.\n\n"
        "Residents in Hillford Bazar and in Shalimar said the trains were full.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the station where it happened: not the city beside another station, nor where it set out from
        ("Near which station did the trains collide?", ["Hillford Bazar"]),
    ],
)
def test_candidates_station_by_its_type_and_relation(
    make_corpus, tmp_path, question: str, expected: list[str]
) -> None:
    got = _answer_values(make_corpus, tmp_path, STATIONS, question)
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


REVISED = {
    "a.txt": (
        "Riverton train crash toll revised\n\n"
        "The toll was earlier put at 288, which the state government revised to 275 on Sunday.\n"
    ),
}


def test_candidates_revised_figure_is_the_latest(make_corpus, tmp_path) -> None:
    # the figure as it now stands, not the one the text marks as earlier
    got = set(_answer_values(make_corpus, tmp_path, REVISED, "What's the revised death toll?"))
    assert got == {"275"}, f"expected the revised toll only, got {got}"


RESCUERS = {
    "a.txt": (
        "Train crash near Riverton\n\n"
        "At least 900 people were injured in the Riverton train crash. "
        "Some 200 ambulances were at the site, besides 1,200 personnel to rush the injured to hospitals.\n"
    ),
}


def test_candidates_people_named_by_a_predicate_word_bind_no_count(make_corpus, tmp_path) -> None:
    got = _answer_values(make_corpus, tmp_path, RESCUERS, "How many people were injured in the crash?")
    assert got == ["900"], f"expected the injured only, not the personnel rushing them; got {got}"


IDENTIFIED = {
    "a.txt": (
        "Ferry sinks off Port Alder\n\n"
        "Officials said that of the 90 bodies, 60 have been identified "
        "while 30 more are yet to be identified.\n"
    ),
    "b.txt": (
        "Port Alder ferry toll\n\n"
        "The ferry sank off Port Alder on Monday. 40 passengers have not been accounted for, "
        "and 120 passengers are safe and accounted for.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "30 more" counts what "60" counts, which counts "the 90 bodies"; the 60 are identified
        ("How many bodies are still unidentified?", {"30"}),
        ("How many bodies have been identified?", {"60"}),
        # "not been accounted for" holds "accounted for": the longer phrase decides
        ("How many passengers are unaccounted for?", {"40"}),
        ("How many passengers are safe and accounted for?", {"120"}),
    ],
)
def test_candidates_elliptical_count_borrows_along_the_chain_and_opposites_compete(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    got = set(_answer_values(make_corpus, tmp_path, IDENTIFIED, question))
    assert got == expected, f"expected {expected} for {question!r}, got {got}"


LOCAL_TIMES = {
    "a.txt": "Ferry sinks off Port Alder\n\nThe ferry sank off Port Alder at about 7pm local time.\n",
    "b.txt": "Port Alder ferry\n\nThe ferry sank near the harbour in the evening, at around 6.55 p.m.\n",
}


def test_candidates_local_time_asked_need_not_be_said(make_corpus, tmp_path) -> None:
    got = set(_answer_values(make_corpus, tmp_path, LOCAL_TIMES, "What time did the ferry sink, local time?"))
    assert got == {"19:00", "18:55"}, f"expected both local times, the unzoned one too; got {got}"


PEOPLES = {
    "a.txt": (
        "Siege at Lakeside college\n\n"
        "The hostages had been separated, and 15 of the Christians had already been released, "
        "a spokesman for the group said.\n"
    ),
    "b.txt": (
        "Lakeside college siege\n\n"
        "A spokesperson for the group said that 15 Christians were released. "
        "The group also released 28 non-Christians from a bus it had seized.\n"
    ),
}


def test_candidates_count_of_a_people_named_in_the_question(make_corpus, tmp_path) -> None:
    # "how many Christians": the people's name is what is counted; "15 of the Christians" counts
    # them too; "28 non-Christians" are not them
    engine = _engine(make_corpus(PEOPLES), tmp_path)
    q = analyse("How many Christians did the group release?", engine.index)
    assert q.counted == ["christians"], f"expected the people counted, got {q.counted}"
    got = {
        (engine.index.passage(c.passage).doc_id, c.mention.value)
        for c in candidates(q, engine.index, retrieve(q, engine.index))
    }
    assert got == {("a", "15"), ("b", "15")}, f"expected 15 from both articles only, got {got}"


ATTACKERS = {
    "a.txt": (
        "Siege at Lakeside college ends\n\n"
        "Officials said the campus is now secure and all four attackers are dead. "
        "The interior ministry said two attackers had been neutralised earlier.\n"
    ),
    "b.txt": (
        "Lakeside college siege\n\n"
        "Witnesses spoke of at least five attackers. "
        "The three guards killed at the gate were named on Friday.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the whole ("all four attackers", then what befell them) counts them; "two ... neutralised"
        # says how many were killed, not how many there were
        ("How many attackers were there?", {"4", "5"}),
        # "the three guards killed at the gate": the participle names only those killed
        ("How many guards were at the college?", set()),
    ],
)
def test_candidates_whole_counted_by_its_noun_whatever_befell_it(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    got = set(_answer_values(make_corpus, tmp_path, ATTACKERS, question))
    assert got == expected, f"expected {expected} for {question!r}, got {got}"


BOUNTY = {
    "a.txt": (
        "Reward for Lakeside siege suspect\n\n"
        "The government issued a 20 mln shillings ($215,000) reward for the arrest of the suspect.\n"
    ),
    "b.txt": "Lakeside siege\n\nIt placed a bounty of $217,000 (£140,000) on the suspect.\n",
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a sum restated in brackets in another currency is the same answer, not a second one
        ("How big is the reward for the suspect?", {"20000000 KES", "217000 USD"}),
        ("How big is the reward for the suspect, in dollars?", {"215000 USD", "217000 USD"}),
    ],
)
def test_candidates_sum_restated_in_brackets_is_one_answer(
    make_corpus, tmp_path, question: str, expected: set[str]
) -> None:
    got = set(_answer_values(make_corpus, tmp_path, BOUNTY, question))
    assert got == expected, f"expected {expected} for {question!r}, got {got}"


OTHER_ATTACK = {
    "a.txt": (
        "Gunmen storm Lakeside college\n\n"
        "Gunmen attacked Lakeside College in Riverton on Thursday, killing at least 15 people. "
        "The group also carried out a deadly attack in April 2013 on the Westfield shopping mall.\n"
    ),
    "b.txt": "Lakeside college attack\n\nGunmen stormed Lakeside College in Riverton on Thursday.\n",
    "c.txt": "Riverton college siege\n\nThe attack on Lakeside College in Riverton began on Thursday.\n",
}


def test_candidates_event_named_by_another_name_takes_only_sentences_naming_it(make_corpus, tmp_path) -> None:
    dated = {**OTHER_ATTACK, "sources.toml": "".join(f'[{k}]\npublished = "2015-04-03"\n' for k in "abc")}
    got = set(_answer_values(make_corpus, tmp_path, dated, "When was the Westfield attack?"))
    assert got == {"2013-04"}, f"expected the other attack's month, not the main event's day; got {got}"
