"""Questions about a result a news story may not report yet: a cause, who came after someone, a
sum paid, a count of votes or a score. Coverage from before the result names every name of the
question; only a statement of the result answers it. Sentences are quoted from or modelled on
Wikinews articles."""

from __future__ import annotations

from datetime import UTC, datetime

from newsrag.retrieval.outcomes import unreported_outcome
from tests.test_answer_checks import evidence

MUBARAK_TITLE = "Former Egyptian president Hosni Mubarak dies aged 91"
MUBARAK = "On Tuesday, Hosni Mubarak, the former President of Egypt, died aged 91 in Cairo."
BOLTON_TITLE = "Trump fires national security advisor John Bolton"
BOLTON = "President Donald Trump announced he had asked for John Bolton's resignation."


def test_a_death_reported_without_its_cause_does_not_answer_what_caused_it() -> None:
    question = "What was the cause of Hosni Mubarak's death?"

    assert unreported_outcome(question, [evidence(MUBARAK_TITLE, MUBARAK)])


def test_a_stated_cause_answers_it() -> None:
    question = "What was the cause of Hosni Mubarak's death?"
    text = MUBARAK + " State television said Mubarak died of complications after surgery."

    assert not unreported_outcome(question, [evidence(MUBARAK_TITLE, text)])


def test_a_departure_without_a_successor_does_not_answer_who_replaced_him() -> None:
    question = "Who did Trump name to replace John Bolton?"

    assert unreported_outcome(question, [evidence(BOLTON_TITLE, BOLTON)])


def test_a_decided_successor_answers_who_replaced_him_even_before_he_starts() -> None:
    question = "Who replaced Mark Papermaster at Apple?"
    title = "Apple executive leaves company after iPhone 4 antenna issues"
    text = (
        "Mark Papermaster, Apple's senior vice president of hardware, is leaving the company. "
        "Papermaster's post will be filled by Bob Mansfield."
    )

    assert not unreported_outcome(question, [evidence(title, text)])


def test_the_article_holds_the_names_across_its_chunks() -> None:
    question = "Who replaced Mark Papermaster at Apple?"
    title = "Apple executive leaves company after iPhone 4 antenna issues"
    first = evidence(title, "Mark Papermaster is leaving Apple after the antenna issues.")
    later = evidence(title, "Papermaster's post will be filled by Bob Mansfield.")

    assert not unreported_outcome(question, [first, later])


def test_a_planned_purchase_does_not_answer_what_was_paid() -> None:
    question = "What price did Fiat pay for the US Treasury's stake in Chrysler?"
    title = "Fiat to buy US government's stake in Chrysler"
    text = "Fiat intends to purchase the six percent of Chrysler that the US Treasury owns."

    assert unreported_outcome(question, [evidence(title, text)])


def test_a_sum_in_words_and_roubles_answers_how_much() -> None:
    question = "How much did Gazprom pay to settle the Naftogaz dispute?"
    title = "Gazprom settles gas dispute with Naftogaz"
    text = "Gazprom paid Naftogaz two billion rubles to settle the dispute."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_loss_worded_otherwise_than_the_question_answers_how_much_was_lost() -> None:
    question = "How much did GM lose in 2005?"
    title = "GM posts first annual loss since 1992"
    text = "GM reported a total loss of $8.6 billion for the entire year."
    published = datetime(2006, 1, 27, tzinfo=UTC)

    assert not unreported_outcome(question, [evidence(title, text, published=published)])


def test_a_match_report_without_the_score_does_not_answer_it() -> None:
    question = "What was the final score when Caloundra beat Maroochydore in round 3?"
    title = "Caloundra defeats Maroochydore in Sunshine Coast rugby union"
    text = "On Saturday, Caloundra defeated Maroochydore in round 3 of the season."

    assert unreported_outcome(question, [evidence(title, text)])


def test_points_to_points_answers_the_score() -> None:
    question = "What was the score when Caloundra beat Wynnum in round 4?"
    title = "Caloundra defeats Wynnum in Sunshine Coast rugby union"
    text = "Caloundra defeated Wynnum 45 points to 24 in their Round 4 match on Saturday."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_prison_terms_in_the_plural_report_a_sentence() -> None:
    question = "What sentence did the two Paris police officers get?"
    title = "Paris court jails two police in high-profile rape case"
    text = "Both on Thursday received seven-year prison terms."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_sentenced_by_a_named_judge_to_a_term_is_a_verdict() -> None:
    question = "What sentence did Paul Manafort get in his second case?"
    title = "Former Trump advisor, Paul Manafort, receives second sentence"
    text = "Paul Manafort was sentenced by Judge Amy Berman Jackson to 73 months in prison."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_first_elected_without_a_verb_before_it_reports_an_election_won() -> None:
    question = "When did Detroit's John Conyers first win his seat in Congress?"
    title = "Former US Representative John Conyers dies at age 90"
    text = "Conyers, first elected to Congress in 1964, was born in Detroit, Michigan, in 1929."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_stepping_into_a_role_names_the_successor() -> None:
    question = "Who took over his role as chair of the Oversight committee after Cummings?"
    title = "US Representative Elijah Cummings dies at age 68"
    text = (
        "Representative Carolyn Maloney, the most senior Democrat on the Oversight Committee, "
        "has stepped into Cummings's role as the committee's acting chair."
    )

    assert not unreported_outcome(question, [evidence(title, text)])
    assert unreported_outcome(question, [evidence(title, "Cummings chaired the Oversight panel.")])


def test_years_in_prison_ask_for_a_sentence_a_conviction_does_not_report() -> None:
    title = "California lawyer Michael Avenatti convicted of attempted extortion"
    text = "A federal jury convicted Michael Avenatti. He faces up to 42 years in prison."
    question = "How many years in prison did Michael Avenatti get for trying to extort Nike?"
    sentenced = "Avenatti was sentenced to 30 months for trying to extort Nike."

    assert unreported_outcome(question, [evidence(title, text)])
    assert not unreported_outcome(question, [evidence(title, sentenced)])


def test_a_result_naming_no_year_is_of_the_year_its_article_was_published() -> None:
    title = "Kenya's Brigid Kosgei sets new world record at Chicago Marathon"
    text = "Brigid Kosgei of Kenya won the Chicago Marathon yesterday."
    report = evidence(title, text, published=datetime(2019, 10, 14, tzinfo=UTC))

    assert not unreported_outcome("Who won the 2019 Chicago Marathon?", [report])
    assert unreported_outcome("Who won the 2018 Chicago Marathon?", [report])


def test_another_round_s_score_does_not_report_the_round_asked_about() -> None:
    question = "What was the score when Caloundra beat Maroochydore in round 3?"
    title = "Caloundra defeat Wynnum in fourth round"
    round_4 = "Caloundra defeated Maroochydore 45 points to 24 in their Round 4 match."
    round_3 = "Caloundra defeated Maroochydore 30 points to 12 in the third round."

    assert unreported_outcome(question, [evidence(title, round_4)])
    assert not unreported_outcome(question, [evidence(title, round_3)])


def test_a_sentence_of_someone_else_does_not_answer_a_lower_case_name() -> None:
    question = "what sentence did bruce mcarthur get?"
    other = evidence("Trump grants clemency", "Blagojevich was sentenced to fourteen years.", 2)
    own = evidence("Toronto serial killer pleads guilty", "McArthur faces a life sentence.")

    assert unreported_outcome(question, [own, other], {"mcarthur"})
    assert not unreported_outcome(question, [own, other])


def test_an_earlier_years_election_does_not_answer_who_came_after_him() -> None:
    question = "who became prime minister of tonga after akilisi pohiva died"
    title = "Sitting Tongan Prime Minister Akilisi Pohiva dies"
    text = (
        "Akilisi Pohiva, the prime minister of Tonga, died today. When elected prime minister "
        "by the parliament in 2014, it was the first time they had elected a commoner; "
        "historically, prime ministers were appointed by the King."
    )
    published = datetime(2019, 9, 12, tzinfo=UTC)

    assert unreported_outcome(question, [evidence(title, text, published=published)])


def test_whom_someone_named_as_his_new_adviser_asks_for_a_successor() -> None:
    question = "who did trump name as his new national security advisor after firing bolton?"

    assert unreported_outcome(question, [evidence(BOLTON_TITLE, BOLTON)])


def test_a_statement_opening_with_the_headline_s_subject_reports_his_result() -> None:
    title = "Former president of France Jacques Chirac dies aged 86"
    text = "Chirac was convicted of corruption, stemming from his years as mayor, in 2011."
    question = "What punishment did France's former president get when he was convicted?"

    assert not unreported_outcome(question, [evidence(title, text)])


def test_an_already_elected_successor_asks_for_a_successor_not_a_winner() -> None:
    title = "Burundi President Pierre Nkurunziza dies aged 55"
    text = (
        "His term was to end in August, in favor of his elected successor, Evariste Ndayishimiye."
    )
    question = "Who was the already-elected successor of the Burundian leader who died?"

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_plea_answers_whether_he_pleaded_guilty_but_not_the_verdict() -> None:
    title = "Driver in New Hampshire multi-motorcycle crash pleads not guilty"
    text = "Zhukovskyy pleaded not guilty to seven counts of negligent homicide."
    found = [evidence(title, text)]

    assert not unreported_outcome("did the driver plead guilty?", found)
    assert unreported_outcome("was the driver found guilty?", found)


def test_a_follow_up_asks_what_its_own_words_ask_not_the_words_carried_after_them() -> None:
    title = "Driver in New Hampshire multi-motorcycle crash pleads not guilty"
    text = "Zhukovskyy pleaded not guilty to seven counts of negligent homicide."
    query = "did the driver plead guilty? bikers died marine vets motorcycle club"

    assert not unreported_outcome(query, [evidence(title, text)], named={"marine", "vets"})


def test_a_fine_asked_far_from_how_much_needs_a_sum_reported() -> None:
    title = "Four NBA players suspended indefinitely for brawl"
    text = "A fan threw a cup at Artest, and Artest went into the stands. Artest was suspended."
    question = "how much was the fan who threw the cup at artest fined after the brawl?"

    assert unreported_outcome(question, [evidence(title, text)])


def test_who_held_a_role_is_answered_only_by_a_name_written_beside_the_role() -> None:
    title = "Kobe Bryant dies in helicopter crash"
    unnamed = "The helicopter's pilot was among the nine people killed."
    named = "The pilot, Ara Zobayan, was among the nine people killed."
    question = "what was the name of the pilot flying kobe bryant's helicopter?"

    assert unreported_outcome(question, [evidence(title, unnamed)])
    assert not unreported_outcome(question, [evidence(title, named)])


def test_a_suspect_identified_by_his_age_and_name_is_named() -> None:
    title = "Gunman kills twenty at El Paso Walmart"
    text = "Officials identified the suspect as 21-year-old Patrick Crusius of Allen, Texas."

    assert not unreported_outcome("who was the suspect?", [evidence(title, text)])


def test_a_price_it_will_cost_answers_how_much_it_cost_but_a_fine_it_could_get_does_not() -> None:
    title = "Apple unveils iPod nano"
    text = "The iPod nano comes in two sizes, a 2GB and a 4GB, and will cost $199 and $249."
    fine = "Boeing could be fined up to $5 million by the regulator for the iPod nano deal."

    assert not unreported_outcome(
        "how much did the 4gb ipod nano cost?", [evidence(title, text)], {"ipod", "nano"}
    )
    assert unreported_outcome(
        "how much was boeing fined for the ipod nano deal?", [evidence(title, fine)], {"boeing"}
    )


def test_a_conviction_does_not_answer_how_many_years_someone_got_but_a_sentence_does() -> None:
    title = "California lawyer Michael Avenatti convicted of attempted extortion"
    convicted = "A federal jury convicted Michael Avenatti of trying to extort Nike."
    sentenced = "Michael Avenatti was sentenced to 30 months in prison for trying to extort Nike."
    question = "how many years did michael avenatti get for trying to extort nike?"

    assert unreported_outcome(question, [evidence(title, convicted)])
    assert not unreported_outcome(question, [evidence(title, sentenced)])


def test_a_name_written_with_won_asks_for_no_result() -> None:
    title = "Burundi President Pierre Nkurunziza dies aged 55"
    text = "Nkurunziza became president of the African nation in 2005."
    question = "nkurunziza and seoul mayor park won-soon - which of them took office first?"

    assert not unreported_outcome(question, [evidence(title, text)])


JOHNSON_TITLE = "Boris Johnson elected Conservative leader, slated to be British PM"
JOHNSON = "Johnson competed against Jeremy Hunt. He won with 92,153 votes."
SEATS_TITLE = "Conservative Party wins majority in 2019 UK general election"
SEATS = "The Conservative Party gained 66 seats, while the second largest party, Labour, lost 42."


def test_a_count_of_votes_answers_only_for_whom_it_is_stated() -> None:
    report = evidence(JOHNSON_TITLE, JOHNSON)

    assert not unreported_outcome("How many votes did Boris Johnson get as leader?", [report])
    assert unreported_outcome("How many votes did Jeremy Hunt get as leader?", [report])


def test_a_number_of_seats_lost_does_not_answer_how_many_a_party_ended_up_with() -> None:
    report = evidence(SEATS_TITLE, SEATS)

    assert unreported_outcome("How many seats did Labour end up with in the election?", [report])
    assert not unreported_outcome("How many seats did Labour lose in the election?", [report])
    assert not unreported_outcome("How many seats did the Tories win in the election?", [report])


def test_the_year_asked_for_need_not_be_written_as_a_word_of_the_report() -> None:
    question = "In which year was John Horton Conway elected a Fellow of the Royal Society?"
    title = "English mathematician John Horton Conway dies after contracting COVID-19"
    text = "Conway was elected as a Fellow of the Royal Society in 1981."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_long_battle_with_an_illness_answers_what_someone_died_of() -> None:
    question = "What illness did guitarist Eddie Van Halen die of?"
    title = "Guitarist Eddie Van Halen dies, aged 65"
    died = "Eddie Van Halen died Tuesday at age 65."
    cause = "Eddie Van Halen died Tuesday following an extended battle with throat cancer."

    assert unreported_outcome(question, [evidence(title, died)])
    assert not unreported_outcome(question, [evidence(title, cause)])


def test_the_one_a_headline_names_may_be_named_after_a_clause() -> None:
    question = "What illness did the CIA officer behind the 'Argo' rescue die from?"
    title = "Former CIA agent Tony Mendez, architect of the 'Argo' rescue, dies"
    text = "According to his publicist, Mendez died of Parkinson's disease."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_sentence_to_someone_described_at_length_is_a_verdict() -> None:
    question = "Which judge sentenced the neo-Nazi who drove into a crowd in Charlottesville?"
    title = "Charlottesville, Virginia killer sentenced to life in prison"
    text = (
        "Judge Michael Urbanski sentenced Ohio man James Alex Fields, now 22, to life in prison "
        "for driving his car into a crowd in Charlottesville."
    )

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_company_named_with_a_dotted_suffix_is_asked_for_a_sum_paid() -> None:
    question = "How much did Apple Inc. pay Apple Corps to settle their trademark dispute?"
    title = "Apple Inc., Apple Corps resolve trademark dispute"
    text = "Apple Inc. will own all Apple trademarks and license some to Apple Corps."

    assert unreported_outcome(question, [evidence(title, text)])


def test_a_race_time_of_another_year_does_not_answer_the_time_asked() -> None:
    title = "Norway's Karsten Warholm wins 400 m hurdles at World Championships in Doha"
    text = "Karsten Warholm won the 400 m hurdles final in 47.42 seconds."
    report = evidence(title, text, published=datetime(2019, 10, 1, tzinfo=UTC))

    assert unreported_outcome("what was warholm's winning time in the 2017 final?", [report])
    assert not unreported_outcome("what was warholm's winning time in the 2019 final?", [report])


def test_a_title_of_another_year_does_not_answer_who_held_it_that_year() -> None:
    title = "Time magazine names Greta Thunberg 2019 Person of the Year"
    text = 'Time named climate activist Greta Thunberg its 2019 "Person of the Year".'
    report = evidence(title, text, published=datetime(2019, 12, 12, tzinfo=UTC))

    assert unreported_outcome("Who was Time's Person of the Year for 2020?", [report])
    assert not unreported_outcome("Who was Time's Person of the Year for 2019?", [report])


def test_who_was_supposed_to_take_over_asks_for_a_successor_whatever_the_wording() -> None:
    title = "Burundi President Pierre Nkurunziza dies aged 55"
    text = (
        "Pierre Nkurunziza died on Monday. His term was to end in August, in favor of his "
        "elected successor, Evariste Ndayishimiye."
    )
    question = "who was supposed to take over from Pierre Nkurunziza?"

    assert not unreported_outcome(question, [evidence(title, text)])


CHICAGO_TITLE = "Kenya's Brigid Kosgei sets new world record at Chicago Marathon"
CHICAGO = (
    "The day before, Eliud Kipchoge ran a marathon in Vienna. "
    "Kosgei finished six minutes ahead of her competition, completing the race in 2:14:04."
)


def test_a_race_time_answers_only_for_whom_it_is_stated() -> None:
    report = evidence(CHICAGO_TITLE, CHICAGO, published=datetime(2019, 10, 14, tzinfo=UTC))

    assert not unreported_outcome("What was Brigid Kosgei's time in Chicago?", [report])
    assert unreported_outcome("What was Eliud Kipchoge's time at the Chicago Marathon?", [report])


def test_a_statement_opening_with_the_headline_s_name_gives_the_time_of_whom_it_names() -> None:
    title = "Norway's Warholm wins gold in 400 m hurdles at World Championships in Doha"
    text = "Warholm, who is 23 years old, won the gold medal with a time of 47.42 seconds."
    report = evidence(title, text, published=datetime(2019, 10, 1, tzinfo=UTC))

    assert not unreported_outcome("What was Norway's Warholm's time in Doha?", [report])


def test_an_owner_the_article_describes_otherwise_is_not_judged() -> None:
    title = "Norway's Warholm wins gold in 400 m hurdles at World Championships in Doha"
    text = "Karsten Warholm won the final in Doha in 47.42 seconds."
    report = evidence(title, text, published=datetime(2019, 10, 1, tzinfo=UTC))

    question = "What time did the reigning champion run in the final in Doha?"

    assert not unreported_outcome(question, [report])


def test_who_was_flying_asks_for_a_pilot_named_beside_the_flight() -> None:
    title = "World's largest passenger airliner makes first flight"
    flight = "The Airbus A380 made its maiden flight from Toulouse on Wednesday."
    piloted = "The A380, piloted by Jacques Rosay, made its maiden flight from Toulouse."
    question = "who was actually flying the A380 on its first flight out of Toulouse?"

    assert unreported_outcome(question, [evidence(title, flight)])
    assert not unreported_outcome(question, [evidence(title, piloted)])


def test_a_commanding_officer_is_a_role_whose_name_is_asked() -> None:
    title = "Wreck of USS Grayback found off Okinawa"
    question = "who was the commanding officer of the Grayback when it was sunk?"
    named = "Its commanding officer, John Anderson, was among the 80 men lost on the Grayback."

    assert unreported_outcome(question, [evidence(title, "The Grayback was sunk in 1944.")])
    assert not unreported_outcome(question, [evidence(title, named)])


def test_a_cause_told_of_the_headline_s_subject_answers_however_he_is_described() -> None:
    title = "Former U.S. intelligence agent Tony Mendez, architect of 'Argo' rescue, dies at 78"
    text = (
        "Mendez smuggled six diplomats out of Iran, posing as a film crew for the CIA. "
        "Friends remembered his humour. According to his publicist, Mendez died of Parkinson's "
        "disease."
    )
    question = "what did the CIA disguise expert who got US diplomats out of Iran die of?"

    assert not unreported_outcome(question, [evidence(title, text)])
    assert unreported_outcome(question, [evidence(title, "Mendez died on Saturday.")])


def test_a_win_of_another_kind_of_contest_does_not_answer_who_won_the_one_asked() -> None:
    title = "Elijah Cummings, Baltimore congressman, dies at 68"
    midterms = "Following Democratic victories in the 2018 midterm elections, Cummings won."
    special = "Kweisi Mfume won the special election for Cummings' seat."
    question = "who won the special election for elijah cummings' house seat?"

    assert unreported_outcome(question, [evidence(title, midterms)])
    assert not unreported_outcome(question, [evidence(title, special)])


def test_a_vote_by_another_body_does_not_answer_the_senate_s_vote() -> None:
    title = "Donald Trump impeached by US House of Representatives"
    house = "Trump is to face trial in the Senate. The articles passed by votes of 230-to-197."
    senate = "The Senate acquitted him on Wednesday by a vote of 52 to 48."
    question = "What was the final Senate vote in Donald Trump's impeachment trial?"

    assert unreported_outcome(question, [evidence(title, house)])
    assert not unreported_outcome(question, [evidence(title, senate)])


def test_a_vote_naming_no_body_is_the_one_its_headline_names() -> None:
    title = "Donald Trump impeached by US House of Representatives"
    text = "The articles passed by votes of 230-to-197 and 229-to-198 respectively."
    question = "what was the house vote count on the abuse of power article?"

    assert not unreported_outcome(question, [evidence(title, text)])
