"""Countries and the words for their people, so that a question's "Britain's air force" is
matched by an article's "British" or "UK", and "the French president" by "France"; and the
parties news calls by another name ("the Tories" are the Conservatives, "the GOP" the
Republicans); a government by its seat ("the Kremlin critic" is Russian, "Moscow's
exchanges" Russia's).

`NATIONS` maps each lower-cased word to the other words naming the same country or party.
"""

from __future__ import annotations

_GROUPS = """
afghanistan afghan | albania albanian | algeria algerian | argentina argentine argentinian |
armenia armenian | australia australian aussie | austria austrian | azerbaijan azerbaijani |
bangladesh bangladeshi | belarus belarusian | belgium belgian | bolivia bolivian |
bosnia bosnian | brazil brazilian | britain british uk | england english | scotland scottish |
wales welsh | bulgaria bulgarian | cambodia cambodian | cameroon cameroonian | canada canadian |
chile chilean | china chinese prc beijing | colombia colombian | croatia croatian | cuba cuban |
cyprus cypriot | czech czechia | denmark danish dane | ecuador ecuadorian | egypt egyptian |
estonia estonian | ethiopia ethiopian | finland finnish finn | france french | georgia georgian |
germany german | ghana ghanaian | greece greek | haiti haitian | hungary hungarian |
iceland icelandic | india indian | indonesia indonesian | iran iranian persian tehran | iraq iraqi |
ireland irish | israel israeli | italy italian | jamaica jamaican | japan japanese |
jordan jordanian | kazakhstan kazakh | kenya kenyan | korea korean | kuwait kuwaiti |
latvia latvian | lebanon lebanese | libya libyan | lithuania lithuanian | malaysia malaysian |
mexico mexican | mongolia mongolian | morocco moroccan | myanmar burma burmese |
nepal nepalese nepali | netherlands dutch holland | zealand kiwi | nigeria nigerian |
norway norwegian | pakistan pakistani | peru peruvian | philippines philippine filipino |
poland polish pole | portugal portuguese | qatar qatari | romania romanian |
russia russian kremlin moscow soviet ussr |
rwanda rwandan | samoa samoan | saudi arabia arabian | serbia serbian serb | singapore
singaporean | slovakia slovak | slovenia slovenian | somalia somali | spain spanish spaniard |
sudan sudanese | sweden swedish swede | switzerland swiss | syria syrian | taiwan taiwanese |
thailand thai | tonga tongan | tunisia tunisian | turkey turkish turk | uganda ugandan |
ukraine ukrainian | america american usa us | venezuela venezuelan |
vietnam vietnamese | yemen yemeni | zimbabwe zimbabwean |
tory tories conservative conservatives | gop republican republicans |
dem dems democrat democrats democratic | lib libs liberal liberals
"""


def _nations() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for group in _GROUPS.split("|"):
        words = group.split()
        for word in words:
            found[word] = tuple(other for other in words if other != word)
    return found


NATIONS = _nations()
