"""A generator of synthetic friendship-association bulletins, for the narrative-throughput benchmark.

Every sentence template below was written for this benchmark (nothing is copied from ../shared/seeds).  A
bulletin is a title line with its period ("(2016.1-2016.6)"), an introduction, and items that each open with a
date in one of the forms bulletins use ("On 3 May,", "From June 5 to 8,", "In September,", "Late October saw",
"On March 12, 2016,"), and name countries (names, demonyms, compounds such as "Sino-Kenyan"), cities (foreign
and Chinese), organizations and head-counts ("more than 60", "about 40", "eighteen").  Deterministic in ``seed``.

``python bench/corpus.py --mb 5 --out DIR`` writes the corpus as ``DIR/bulletin_NNNN.txt``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

VERSION = 2  # bump when the text changes: bench/out/corpus is regenerated
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONTH_ABBR = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
# (country name, demonym, compound prefix or None, cities)
COUNTRIES = (
    ("Kenya", "Kenyan", None, ("Nairobi", "Mombasa", "Kisumu")),
    ("Pakistan", "Pakistani", "Pak", ("Islamabad", "Lahore", "Karachi")),
    ("Nepal", "Nepali", None, ("Kathmandu", "Pokhara")),
    ("Laos", "Lao", None, ("Vientiane", "Luang Prabang")),
    ("Cambodia", "Cambodian", None, ("Phnom Penh", "Siem Reap")),
    ("Vietnam", "Vietnamese", None, ("Hanoi", "Da Nang", "Hai Phong")),
    ("Thailand", "Thai", None, ("Bangkok", "Chiang Mai")),
    ("Myanmar", "Myanmar", None, ("Yangon", "Mandalay")),
    ("Indonesia", "Indonesian", None, ("Jakarta", "Surabaya", "Bandung")),
    ("Malaysia", "Malaysian", None, ("Kuala Lumpur", "Penang")),
    ("Mongolia", "Mongolian", None, ("Ulaanbaatar",)),
    ("Kazakhstan", "Kazakh", None, ("Almaty", "Astana")),
    ("Uzbekistan", "Uzbek", None, ("Tashkent", "Samarkand")),
    ("Russia", "Russian", "Sino-Russian", ("Moscow", "Kazan", "Novosibirsk")),
    ("Germany", "German", "Sino-German", ("Berlin", "Hamburg", "Munich")),
    ("France", "French", "Sino-French", ("Paris", "Lyon", "Marseille")),
    ("Italy", "Italian", None, ("Rome", "Milan", "Naples")),
    ("Spain", "Spanish", None, ("Madrid", "Barcelona", "Seville")),
    ("Hungary", "Hungarian", None, ("Budapest", "Debrecen")),
    ("Serbia", "Serbian", None, ("Belgrade", "Novi Sad")),
    ("Greece", "Greek", None, ("Athens", "Thessaloniki")),
    ("Ethiopia", "Ethiopian", None, ("Addis Ababa",)),
    ("Tanzania", "Tanzanian", None, ("Dar es Salaam", "Dodoma")),
    ("Zambia", "Zambian", None, ("Lusaka", "Ndola")),
    ("Nigeria", "Nigerian", None, ("Lagos", "Abuja", "Kano")),
    ("Egypt", "Egyptian", "Sino-Egyptian", ("Cairo", "Alexandria")),
    ("South Africa", "South African", None, ("Johannesburg", "Cape Town", "Durban")),
    ("Brazil", "Brazilian", None, ("Sao Paulo", "Rio de Janeiro", "Brasilia")),
    ("Argentina", "Argentine", None, ("Buenos Aires", "Cordoba")),
    ("Chile", "Chilean", "Sino-Chilean", ("Santiago", "Valparaiso")),
    ("Peru", "Peruvian", None, ("Lima", "Cusco")),
    ("Mexico", "Mexican", None, ("Mexico City", "Guadalajara")),
    ("Canada", "Canadian", None, ("Toronto", "Vancouver", "Montreal")),
    ("the United States", "American", "Sino-American", ("Seattle", "Chicago", "Boston")),
    ("Japan", "Japanese", "Sino-Japanese", ("Tokyo", "Osaka", "Sapporo")),
    ("South Korea", "Korean", None, ("Seoul", "Busan")),
    ("India", "Indian", None, ("New Delhi", "Mumbai", "Kolkata")),
    ("Sri Lanka", "Sri Lankan", None, ("Colombo", "Kandy")),
    ("Bangladesh", "Bangladeshi", None, ("Dhaka", "Chittagong")),
    ("Australia", "Australian", None, ("Sydney", "Melbourne")),
    ("New Zealand", "New Zealand", None, ("Auckland", "Wellington")),
    ("Turkey", "Turkish", None, ("Istanbul", "Ankara")),
    ("Iran", "Iranian", None, ("Tehran", "Isfahan")),
    ("Fiji", "Fijian", None, ("Suva",)),
    ("Cuba", "Cuban", None, ("Havana",)),
    ("Portugal", "Portuguese", None, ("Lisbon", "Porto")),
)
CHINESE_CITIES = ("Wuhan", "Chengdu", "Kunming", "Xi'an", "Hangzhou", "Nanjing", "Guangzhou", "Shenzhen", "Harbin",
                  "Lanzhou", "Urumqi", "Nanning", "Changsha", "Hefei", "Qingdao", "Dalian", "Xiamen", "Beijing",
                  "Shanghai", "Chongqing", "Tianjin", "Guiyang")
PROVINCES = ("Yunnan Province", "Sichuan Province", "Gansu Province", "Guangxi", "Hubei Province", "Fujian Province",
             "Heilongjiang Province", "Shaanxi Province", "Zhejiang Province", "Jiangsu Province")
ORG_PLACES = ("Riverside", "Lakeshore", "Highland", "Eastern Coast", "Silk Road", "Twin Rivers", "Green Valley",
              "Harbour City", "Plateau", "Pearl Delta", "Northern Plains", "Bamboo Grove")
ORG_KINDS = ("Friendship Association", "Foundation for International Exchange", "Youth Federation",
             "Women's Development Network", "Teachers' Union", "Volunteer Alliance", "Heritage Society",
             "Health Cooperation Council", "Chamber of Rural Enterprise", "Institute of Environmental Studies",
             "Sports Federation", "Journalists' Club", "Arts Council", "Alliance of Civic Groups")
NUMBER_WORDS = ("three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
                "eighteen", "twenty", "thirty")
QUALIFIERS = ("more than {n}", "about {n}", "nearly {n}", "over {n}", "up to {n}", "some {n}", "{n}")
TOPICS = (
    ("health", "mobile eye-screening units and reading glasses", "clinics"),
    ("education", "teaching aids and picture books", "primary schools"),
    ("environment", "tree-planting kits and water filters", "village committees"),
    ("culture", "paper-cutting and shadow-puppet workshops", "community centres"),
    ("economy", "trade-fair booths and product catalogues", "cooperatives"),
    ("youth", "summer camps and language lessons", "youth clubs"),
    ("women", "vocational courses in tailoring and bookkeeping", "women's groups"),
    ("sports", "table-tennis tables and coaching sessions", "sports schools"),
    ("science", "soil laboratories and weather stations", "research stations"),
    ("development", "solar lamps and seed stocks", "rural townships"),
)


class Gen:
    """Draws the pieces of an item from a seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def org(self) -> str:
        return f"{self.pick(ORG_PLACES)} {self.pick(ORG_KINDS)}"

    def headcount(self) -> str:
        if self.r.random() < 0.25:
            return self.pick(NUMBER_WORDS)
        n = self.pick((12, 15, 20, 25, 30, 40, 45, 50, 60, 80, 100, 120, 150, 200, 300, 500, 800, 1200, 2000))
        return self.pick(QUALIFIERS).format(n=f"{n:,}")

    def country(self):
        return self.pick(COUNTRIES)

    def home_place(self) -> str:
        return self.pick(CHINESE_CITIES) if self.r.random() < 0.75 else self.pick(PROVINCES)

    def opening(self, year: int, month: int) -> str:
        """A leading date in one of several forms (the item's year is the bulletin's period unless stated)."""
        day = self.r.randint(1, 28)
        form = self.r.randrange(8)
        if form == 0:
            return f"On {MONTHS[month - 1]} {day},"
        if form == 1:
            return f"On {day} {MONTHS[month - 1]},"
        if form == 2:
            end = min(day + self.r.randint(1, 6), 28)
            return f"From {MONTHS[month - 1]} {day} to {end},"
        if form == 3:
            return f"In {MONTHS[month - 1]},"
        if form == 4:
            return f"{self.pick(('Early', 'Mid-', 'Late'))} {MONTHS[month - 1]} saw".replace("- ", "-")
        if form == 5:
            return f"On {MONTH_ABBR[month - 1]} {day}, {year},"
        if form == 6:
            return f"During {day}-{min(day + 3, 28)} {MONTHS[month - 1]},"
        return f"At the beginning of {MONTHS[month - 1]},"

    def item(self, year: int, month: int) -> str:
        name, demonym, prefix, cities = self.country()
        other = self.country()
        city, home, org, org2 = self.pick(cities), self.home_place(), self.org(), self.org()
        sector, goods, receivers = self.pick(TOPICS)
        heads = self.headcount()
        opening = self.opening(year, month)
        saw = opening.endswith("saw")
        subject = self.r.randrange(7)
        if subject == 0:
            body = (f"a delegation of {heads} members of the {org} from {home} visited {city}, where they met "
                    f"{demonym} counterparts from {self.pick(('local', 'municipal', 'district'))} {receivers} and "
                    f"discussed joint projects in {sector}.")
        elif subject == 1:
            body = (f"the {org} handed over {goods} to {receivers} in {city}, {name}, in a ceremony attended by "
                    f"{heads} residents and officials of the {demonym} side.")
        elif subject == 2:
            body = (f"{heads} young people from {name} and {other[0]} took part in a {sector} exchange camp "
                    f"organized by the {org} in {home}, with visits to {receivers} and a closing concert.")
        elif subject == 3:
            body = (f"the {org} and the {demonym} {self.pick(ORG_KINDS)} signed a memorandum of understanding in "
                    f"{city} on cooperation in {sector}, covering staff exchanges and a joint programme on {goods}.")
        elif subject == 4:
            body = (f"a training course on {sector} for {heads} participants from {name}, {other[0]} and "
                    f"{self.country()[0]} opened in {home}; it was run by the {org} with lecturers from the {org2}.")
        elif subject == 5:
            label = f"{prefix} Friendship" if prefix else f"{name.removeprefix('the ')}-China Friendship"
            body = (f"the {label} Forum on {sector} brought {heads} guests to {city}, among them delegates of the "
                    f"{org} and scholars from {other[0]}.")
        else:
            body = (f"volunteers of the {org} worked for two weeks with {demonym} partners in {city} on "
                    f"{goods}; {heads} families took part and the {org2} sent a message of thanks.")
        if saw:  # "Late May saw ..." takes a noun phrase
            body = (f"the opening of a {sector} exchange week in {city}, where the {org} and {demonym} partners "
                    f"welcomed {heads} visitors from {home}." if subject % 2 else
                    f"a visit to {city} by {heads} members of the {org}, who met {demonym} counterparts to discuss "
                    f"{sector} projects and {goods}.")
        first = opening + " " + body
        tail = self.r.randrange(4)
        extra = ("",
                 f" Both sides agreed to continue the programme next year and to invite a return visit to {home}.",
                 f" Local newspapers in {city} reported on the event, and the {org} plans a follow-up in {home}.",
                 f" The organizers said the activity deepened mutual understanding between the peoples of China "
                 f"and {name}.")[tail]
        return first + extra

    def bulletin(self, index: int, target_chars: int) -> str:
        year = self.r.randint(2008, 2023)
        half = self.r.randrange(2)
        lo, hi = (1, 6) if half == 0 else (7, 12)
        title = f"Exchange News of the {self.org()} ({year}.{lo}-{year}.{hi})"
        intro = (f"Issue {index + 1}. This bulletin collects short reports from member organizations on their "
                 f"international exchanges in the {('first', 'second')[half]} half of {year}. Members are invited "
                 f"to send news and photographs to the secretariat.")
        parts = [title, "", intro, ""]
        size = sum(len(p) + 1 for p in parts)
        while size < target_chars:
            month = self.r.randint(lo, hi)
            text = self.item(year, month)
            parts += [text, ""]
            size += len(text) + 2
        return "\n".join(parts)


def corpus(total_bytes: int, seed: int = 0, per_file: int = 12_000) -> list[str]:
    """Bulletins of about ``per_file`` characters each, adding up to at least ``total_bytes`` UTF-8 bytes."""
    g, out, size = Gen(seed), [], 0
    while size < total_bytes:
        text = g.bulletin(len(out), per_file)
        out.append(text)
        size += len(text.encode("utf-8"))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=5.0)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(corpus(int(args.mb * 1e6), args.seed)):
        (out / f"bulletin_{i:04d}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
