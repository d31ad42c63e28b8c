"""The kind of thing a question asks for (a duration for "how long", a number of people for
"how many people") and whether a sentence holds one. Sentences are quoted from or modelled on
Wikinews articles."""

from __future__ import annotations

from newsrag.retrieval.answer_types import answer_strength


def test_a_duration_answers_how_long() -> None:
    question = "How long did Franky Zapata take to fly across the English Channel?"

    assert answer_strength(question, "The journey took 22 minutes with one refuelling.") == 1.0
    assert answer_strength(question, "Zapata crossed the English Channel on Sunday.") == 0.0


def test_an_age_answers_how_old_and_a_bare_number_only_partly() -> None:
    question = "How old was Greta Thunberg when Time picked her?"

    assert answer_strength(question, "The sixteen-year-old Swede is the youngest.") == 1.0
    assert answer_strength(question, "Four million people took part in the protests.") == 0.4


def test_an_age_stated_after_the_name_answers_how_old_each_was() -> None:
    question = "elijah cummings and kay hagan died in oct 2019 - how old was each?"

    assert answer_strength(question, "Hagan, North Carolina's first female Senator, was 66.") == 1.0
    assert answer_strength(question, "Hagan was born in 1953 in Shelby.") == 0.4


def test_a_race_time_answers_a_winning_time_asked_for_by_another_word() -> None:
    question = "what was karsten warholm's winning time in the 400m hurdles final in doha?"

    assert answer_strength(question, "Warholm won the gold with a time of 47.42 seconds.") == 1.0
    assert answer_strength(question, "Warholm won the 400 metres hurdles final in Doha.") == 0.0


def test_an_amount_of_money_answers_how_much_a_deal_cost() -> None:
    question = "How much was Kmart paying to acquire Sears?"

    assert answer_strength(question, "The deal is to cost $11.5bn.") == 1.0
    assert answer_strength(question, "Kmart will buy Sears, Roebuck and Co.") == 0.0


def test_an_amount_of_money_answers_which_was_the_bigger_deal() -> None:
    question = "which was the bigger deal, kmart buying sears or daimler selling chrysler?"

    assert answer_strength(question, "Kmart will buy Sears for US$11.5 billion.") == 1.0
    assert answer_strength(question, "Shares of both companies soared on Wednesday.") == 0.0


def test_a_race_time_answers_what_their_times_were() -> None:
    question = "kipchoge and kosgei - what were their times?"

    assert answer_strength(question, "Kosgei won in 2:14:04, a world record.") == 1.0
    assert answer_strength(question, "Kipchoge ran in Vienna on Saturday.") == 0.0


def test_a_death_toll_answers_which_was_deadlier() -> None:
    question = "Which fire was deadlier, the hotel blaze in Karol Bagh or the slum fire?"

    assert answer_strength(question, "Hotel fire kills at least seventeen in Karol Bagh") == 1.0
    assert answer_strength(question, "The death toll rose to 39 on Friday.") == 1.0
    assert answer_strength(question, "The hotel caught fire at 4am on 12 February.") == 0.4


def test_an_age_answers_who_was_older() -> None:
    question = "Mugabe vs Chirac: who was older when he died?"

    assert answer_strength(question, "Mugabe died aged 95 in Singapore.") == 1.0


def test_a_new_name_does_not_answer_which_of_the_two_named_lived_longer() -> None:
    question = "who lived longer, doris day or gloria vanderbilt?"

    assert answer_strength(question, "Day was born Doris Kappelhoff in Cincinnati.") == 0.0
    assert answer_strength(question, "Vanderbilt died aged 95 at her home.") == 1.0


def test_a_statement_of_the_result_asked_answers_it_before_a_mere_name() -> None:
    question = "Who took over from Dan Akerson as GM's chief executive?"

    assert answer_strength(question, "She replaces Daniel Akerson as chief executive.") == 1.0
    assert answer_strength(question, "Barra holds a degree from Kettering University.") < 1.0


def test_a_prison_term_answers_what_prison_terms_were_given() -> None:
    question = "What prison terms did the two officers convicted of rape receive?"

    assert answer_strength(question, "Both received seven-year prison terms.") == 1.0
    assert answer_strength(question, "Two officers were found guilty on Thursday.") == 0.0


def test_a_result_a_relative_clause_names_is_not_what_is_asked() -> None:
    question = "What was the name of the exoplanet that won them the 2019 Nobel?"

    assert answer_strength(question, "Queloz and Mayor won their prize in 2019.") == 0.0


def test_a_wind_speed_answers_which_storm_was_stronger() -> None:
    question = "Which storm had stronger winds, Dorian or Humberto?"

    assert answer_strength(question, "Dorian's sustained winds were near 180 mph.") == 1.0


def test_a_birth_date_answers_who_was_born_first() -> None:
    question = "Who was born first: Ginger Baker or Robert Hunter?"

    assert answer_strength(question, "Hunter was born on June 23, 1941.") == 1.0


def test_a_cause_answers_what_killed() -> None:
    question = "What killed the five girls in the escape room fire?"

    assert answer_strength(question, "The deaths were caused by carbon monoxide poisoning.") == 1.0


def test_a_sum_in_a_currency_answers_how_much_prize_money() -> None:
    question = "How much prize money came with Wangari Maathai's Nobel?"

    assert answer_strength(question, "The prize is worth 10 million Swedish Kronor.") == 1.0


def test_a_name_answers_which_charity() -> None:
    question = "During which charity fundraiser was Adamowicz stabbed?"

    assert answer_strength(question, "He was at the Great Orchestra of Christmas Charity.") == 1.0


def test_a_cause_answers_how_they_died() -> None:
    question = "How did the five girls die in the escape room fire?"

    assert answer_strength(question, "They died of carbon monoxide poisoning.") == 1.0


def test_a_clause_setting_the_scene_is_no_part_of_what_a_question_asks() -> None:
    question = "When Kmart agreed to buy Sears in 2004, who was named chief executive?"

    assert answer_strength(question, "Alan Lacy will be the new chief executive.") == 1.0
    assert answer_strength(question, "The deal was agreed in 2004.") == 0.0


def test_a_name_given_as_called_answers_what_something_was_called() -> None:
    question = "what was the dummy on the first crew dragon trip called?"

    assert answer_strength(question, 'It carried a mannequin, nicknamed "Ripley".') == 1.0
    assert answer_strength(question, "NASA selected Doug Hurley for the mission.") == 0.0


def test_which_group_asks_for_a_name_with_words_between() -> None:
    question = "which militant group was suspected of the bombing?"

    assert answer_strength(question, "Police suspect the Abu Sayyaf Group.") == 1.0


def test_what_someone_described_at_length_died_of_asks_for_a_cause() -> None:
    question = "What did the CIA officer behind the 'Argo' rescue die of?"

    assert (
        answer_strength(question, "According to his publicist, Mendez died of Parkinson's.") == 1.0
    )
    assert answer_strength(question, "Mendez died Saturday, aged 78.") == 0.0


def test_what_killed_someone_is_answered_by_a_cause_not_a_purpose() -> None:
    question = "What illness killed the CIA master of disguise?"

    assert (
        answer_strength(question, "His publicist said Mendez died of Parkinson's disease.") == 1.0
    )
    assert answer_strength(question, "His work helped to protect our nation.") == 0.0
    assert answer_strength("Why did he resign?", "He resigned to protect his family.") == 1.0


def test_a_nationality_is_answered_by_a_people_s_name() -> None:
    question = "What nationality is the man held over the knife rampage in Reading?"

    assert (
        answer_strength(question, "Reports named him as Libyan national Khairi Saadallah.") == 1.0
    )
    assert answer_strength(question, "Police detained the man in Reading.") == 0.0


def test_a_toll_may_sit_several_words_from_its_number() -> None:
    question = "How many people died when the plane was brought down?"

    assert answer_strength(question, "The 176 people on board were all killed.") == 1.0


def test_how_many_were_hurt_is_answered_by_an_injury() -> None:
    question = "how many people were hurt?"

    assert answer_strength(question, "The fire also left a man with severe burns.") == 1.0
    assert answer_strength(question, "The fire killed five girls.") < 1.0


def test_what_happened_to_someone_is_answered_by_what_was_done_to_him() -> None:
    question = "what happened to the truck driver after that?"

    assert answer_strength(question, "Zhukovskyy was arrested and charged.") == 1.0
    assert answer_strength(question, "The truck crossed the yellow line.") == 0.0


def test_a_number_of_the_things_counted_answers_how_many() -> None:
    question = "roughly how many people showed up to watch the a380's first flight?"

    assert answer_strength(question, "Around 50,000 people watched the maiden flight.") == 1.0
    assert answer_strength(question, "The test flight lasted four hours.") == 0.4
    assert answer_strength(question, "More people watched the flight on a giant screen.") == 0.0


def test_a_death_toll_answers_how_many_were_confirmed_killed() -> None:
    question = "How many people were confirmed killed when the apartment block came down?"

    assert answer_strength(question, "A total of 39 are confirmed dead, officials said.") == 1.0
    assert answer_strength(question, "The building was home to over 1,000 people.") == 0.4


def test_an_amount_of_money_answers_which_deal_cost_more() -> None:
    question = "kmart buying sears vs cerberus buying chrysler - which deal cost more?"

    assert answer_strength(question, "Kmart will buy Sears for US$11.5 billion.") == 1.0
    assert answer_strength(question, "Kmart will buy Sears, Roebuck and Co.") == 0.0


def test_which_thing_did_someone_find_asks_for_its_name_unless_it_is_a_choice() -> None:
    question = "Which planet did the two Swiss physics Nobel winners discover in 1995?"

    assert answer_strength(question, "The planet they found was 51 Pegasi b, a gas giant.") > 0.5
    assert answer_strength(question, "the planet they found was a gas giant.") == 0.0
    choice = "Which storm did more damage: Dorian over the Bahamas, or Humberto?"
    assert answer_strength(choice, "Forecasters warned of flooding in Florida.") == 0.0


def test_a_stated_disease_answers_what_illness_someone_died_from() -> None:
    question = "What illness did the CIA officer behind the 'Argo' rescue die from?"

    assert answer_strength(question, "His publicist said Mendez died of Parkinson's.") == 1.0
    assert answer_strength(question, "Mendez was awarded the Intelligence Star.") == 0.0


def test_a_number_of_people_answers_how_many_spectators() -> None:
    question = "Roughly how many spectators turned out in Toulouse to watch the first flight?"

    assert answer_strength(question, "Around 50,000 people watched the maiden flight.") == 1.0
    assert answer_strength(question, "The test flight lasted four hours.") == 0.4


def test_a_new_name_answers_which_town() -> None:
    question = "From which French town did Franky Zapata take off?"

    assert answer_strength(question, "The flight started at 8:17 a.m. in Sangatte.") == 1.0


def test_a_former_name_answers_what_something_was_called_before() -> None:
    question = "What was the German charity Sea-Eye's rescue ship called before it was renamed?"
    former = "Their ship, MV Alan Kurdi, was previously MV Professor Albrecht Penck."

    assert answer_strength(question, former) == 1.0
    assert answer_strength("Under what name did the ship sail before?", former) == 1.0


def test_a_name_someone_was_born_with_answers_his_birth_name() -> None:
    question = "What was the late Cream drummer's birth name?"

    assert answer_strength(question, "Ginger Baker was born Peter Edward Baker in 1939.") == 1.0
    assert answer_strength(question, "Ginger Baker was born August 19, 1939.") < 1.0


def test_a_medal_that_went_to_someone_answers_who_won_it() -> None:
    question = "who won bronze in the men's 400m hurdles at the 2019 world championships in doha"
    stated = "Third place and the bronze medal went to Abderrahman Samba of Qatar."

    assert answer_strength(question, stated) == 1.0


def test_a_time_from_now_answers_when_something_will_be() -> None:
    question = "when will the California couple who kept their kids shackled be eligible for parole"
    stated = "The Turpins are scheduled to be eligible for parole in 25 years."

    assert answer_strength(question, stated) == 1.0


def test_who_became_someone_s_ruler_after_him_asks_for_a_successor() -> None:
    question = "who became Oman's ruler after the long-reigning sultan died in january 2020?"
    successor = "Before the burial, his successor, Haitham bin Tariq Al Said, attended prayers."
    other = "Arriving back home in 1964, he turned to the study of Islamic law."

    assert answer_strength(question, successor) == 1.0
    assert answer_strength(question, other) < 1.0


def test_a_place_the_question_does_not_name_answers_which_town() -> None:
    question = "From which French town did Franky Zapata take off to cross the Channel?"

    assert answer_strength(question, "The flight started at 8:17 a.m. in Sangatte.") == 1.0
    assert answer_strength(question, "He flew across the Channel on Sunday.") == 0.0
    assert answer_strength(question, "The flight started in January.") == 0.0
