"""Generated record text for benchmarks: people and incident drafts in Russian, Kazakh, English.

The texts read like what a human-rights defender in Kazakhstan writes down: summonses and
"invitations to a conversation", threats against the family, pressure through a bank or a
collector, bailiffs, police, smear campaigns. Everything is invented (names, numbers, plates);
the output is deterministic for a given seed.

    gen = Generator(seed=1)
    people = gen.people()               # person drafts (dicts for Desk.add_person)
    draft = gen.incident(ids_by_kind)   # an incident draft (dict for Desk.add_incident)

``ids_by_kind`` maps ``"family:<relation>:<gender>"``, ``"actor:<institution>"``,
``"witness"`` and ``"lawyer"`` to lists of stored person ids (see :func:`kind_of`).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

# -- names ---------------------------------------------------------------------------------

# (Cyrillic, Latin) surnames; female forms are built for the -ов/-ев/-ин ones.
SURNAMES = [
    ("Ахметов", "Akhmetov"),
    ("Сарсенбаев", "Sarsenbayev"),
    ("Жумабаев", "Zhumabayev"),
    ("Нурланов", "Nurlanov"),
    ("Оспанов", "Ospanov"),
    ("Есенов", "Yessenov"),
    ("Байжанов", "Baizhanov"),
    ("Тулегенов", "Tulegenov"),
    ("Смагулов", "Smagulov"),
    ("Каримов", "Karimov"),
    ("Искаков", "Iskakov"),
    ("Мусин", "Mussin"),
    ("Ибраев", "Ibrayev"),
    ("Серикбаев", "Serikbayev"),
    ("Бекмухамбетов", "Bekmukhambetov"),
    ("Иванов", "Ivanov"),
    ("Кузнецов", "Kuznetsov"),
    ("Петренко", "Petrenko"),
    ("Ким", "Kim"),
    ("Цой", "Tsoi"),
]
MALE = ["Ержан", "Нурлан", "Данияр", "Бауыржан", "Серик", "Руслан", "Арман", "Асхат", "Марат",
        "Ильяс", "Сергей", "Алексей", "Тимур", "Нурсултан", "Жандос"]  # fmt: skip
FEMALE = ["Айгерим", "Асель", "Гульнара", "Мадина", "Алия", "Дина", "Жанар", "Сауле", "Динара",
          "Ольга", "Елена", "Аружан", "Камила", "Гүлжан", "Ботагөз"]  # fmt: skip
INITIALS = "АБГДЕЖКМНСТ"
INITIALS_LAT = {"А": "A", "Б": "B", "Г": "G", "Д": "D", "Е": "E", "Ж": "Zh", "К": "K",
                "М": "M", "Н": "N", "С": "S", "Т": "T"}  # fmt: skip

CITIES = [  # (ru, kk, en)
    ("Алматы", "Алматы", "Almaty"),
    ("Астана", "Астана", "Astana"),
    ("Шымкент", "Шымкент", "Shymkent"),
    ("Актау", "Ақтау", "Aktau"),
    ("Жанаозен", "Жаңаөзен", "Zhanaozen"),
    ("Уральск", "Орал", "Uralsk"),
    ("Атырау", "Атырау", "Atyrau"),
    ("Караганда", "Қарағанды", "Karaganda"),
    ("Тараз", "Тараз", "Taraz"),
    ("Кызылорда", "Қызылорда", "Kyzylorda"),
    ("Актобе", "Ақтөбе", "Aktobe"),
    ("Талдыкорган", "Талдықорған", "Taldykorgan"),
]
STREETS = ["Абая", "Толе би", "Жибек Жолы", "Сейфуллина", "Кабанбай батыра", "Назарбаева",
           "Райымбека", "Гоголя", "Сатпаева", "Аль-Фараби", "Момышулы", "Байтурсынова"]  # fmt: skip
BANKS = ["Kaspi Bank", "Halyk Bank", "Jusan Bank", "Freedom Bank", "Home Credit Bank",
         "Банк ЦентрКредит", "Bereke Bank", "ForteBank"]  # fmt: skip
AGENCIES = ["КА «Альянс-Коллект»", "ТОО «ПКБ Финанс»", "ТОО «Ақ Ниет Коллект»",
            "КА «Первое коллекторское»", "ТОО «Капитал Рекавери»"]  # fmt: skip
CARS = ["Toyota Camry", "Lada Granta", "Hyundai Accent", "Chevrolet Cobalt", "Kia Rio",
        "Toyota Land Cruiser Prado"]  # fmt: skip
ORGS = [  # (ru, kk, en) — the institution as a summons or a note names it
    ("УП г. {city}", "{city_kk} қаласы ПД", "the {city_en} police department"),
    ("РУП Алмалинского района", "Алмалы аудандық ПБ", "the Almaly district police"),
    ("ДП {city}", "{city_kk} ПД", "the {city_en} police"),
    ("ДКНБ по г. {city}", "{city_kk} бойынша ҰҚК департаменті", "the {city_en} KNB office"),
    ("АФМ по г. {city}", "{city_kk} бойынша ҚМА", "the financial monitoring agency in {city_en}"),
    ("прокуратуру района", "аудан прокуратурасы", "the district prosecutor's office"),
]
ARTICLES = [  # (ru, kk, en)
    (
        "ст. 274 УК РК (распространение заведомо ложной информации)",
        "ҚР ҚК 274-бабы (көрінеу жалған ақпарат тарату)",
        "Art. 274 of the Criminal Code (spreading knowingly false information)",
    ),
    (
        "ст. 174 УК РК (возбуждение социальной розни)",
        "ҚР ҚК 174-бабы (әлеуметтік алауыздықты қоздыру)",
        "Art. 174 of the Criminal Code (inciting social discord)",
    ),
    (
        "ст. 405 УК РК (участие в деятельности запрещённой организации)",
        "ҚР ҚК 405-бабы (тыйым салынған ұйымның қызметіне қатысу)",
        "Art. 405 of the Criminal Code (taking part in a banned organisation)",
    ),
    (
        "ст. 378 УК РК (оскорбление представителя власти)",
        "ҚР ҚК 378-бабы (билік өкілін қорлау)",
        "Art. 378 of the Criminal Code (insulting a public official)",
    ),
    (
        "ст. 488 КоАП РК (нарушение порядка проведения мирных собраний)",
        "ҚР ӘҚБтК 488-бабы (бейбіт жиналыстар өткізу тәртібін бұзу)",
        "Art. 488 of the Administrative Code (breaching the rules on peaceful assemblies)",
    ),
    (
        "ст. 190 УК РК (мошенничество)",
        "ҚР ҚК 190-бабы (алаяқтық)",
        "Art. 190 of the Criminal Code (fraud)",
    ),
]

# Relatives: (relation, gender) → forms.
# ru: nominative, genitive, dative, accusative; kk: nominative, dative, genitive (possessive
# "my …"); en: noun.
REL_RU = {
    ("child", "m"): ("сын", "сына", "сыну", "сына"),
    ("child", "f"): ("дочь", "дочери", "дочери", "дочь"),
    ("spouse", "m"): ("муж", "мужа", "мужу", "мужа"),
    ("parent", "f"): ("мама", "мамы", "маме", "маму"),
    ("parent", "m"): ("папа", "папы", "папе", "папу"),
    ("sibling", "m"): ("брат", "брата", "брату", "брата"),
    ("sibling", "f"): ("сестра", "сестры", "сестре", "сестру"),
}
REL_KK = {
    ("child", "m"): ("ұлым", "ұлыма", "ұлымның"),
    ("child", "f"): ("қызым", "қызыма", "қызымның"),
    ("spouse", "m"): ("күйеуім", "күйеуіме", "күйеуімнің"),
    ("parent", "f"): ("анам", "анама", "анамның"),
    ("parent", "m"): ("әкем", "әкеме", "әкемнің"),
    ("sibling", "m"): ("інім", "ініме", "інімнің"),
    ("sibling", "f"): ("сіңлім", "сіңліме", "сіңлімнің"),
}
REL_EN = {
    ("child", "m"): "son",
    ("child", "f"): "daughter",
    ("spouse", "m"): "husband",
    ("parent", "f"): "mother",
    ("parent", "m"): "father",
    ("sibling", "m"): "brother",
    ("sibling", "f"): "sister",
}
RELATIVES = list(REL_RU)

# -- themes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    key: str
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    institutions: tuple[str, ...]
    family: bool  # the text is about a relative, who is then a target
    severity: tuple[int, int]
    titles: dict[str, tuple[str, ...]]
    sentences: dict[str, tuple[str, ...]]
    tags: dict[str, tuple[str, ...]]


THEMES: tuple[Theme, ...] = (
    Theme(
        "summons",
        ("DD-SUMMONS",),
        ("summons_letter", "in_person", "phone_call", "third_party"),
        ("police", "security_service", "prosecutor"),
        False,
        (2, 4),
        {
            "ru": (
                "Повестка на допрос в {org}",
                "Повестка: явиться к следователю {officer}",
                "Повторная повестка, статус не указан",
                "Вызов в {org} в качестве свидетеля",
                "Повестку передали через {rel_acc}",
            ),
            "kk": (
                "{org_kk} шақыру қағазы келді",
                "Тергеушіге жауап алуға шақырылдым",
                "Шақыру қағазы {rel_kk_dat} берілді",
                "Қайталама шақыру қағазы, мәртебе көрсетілмеген",
            ),
            "en": (
                "Summons to {org_en} for questioning",
                "Summons handed to my {rel_en}",
                "Second summons, status not stated",
            ),
        },
        {
            "ru": (
                "{day_ru} участковый принёс повестку и потребовал расписаться в получении.",
                "В повестке указано явиться в {org} к следователю {officer} к {time}, "
                "кабинет {room}.",
                "Статус в повестке не указан — ни свидетель, ни подозреваемая, только «для дачи "
                "объяснений».",
                "Номер ЕРДР {erdr}, {article_ru}.",
                "Повестку передали через {rel_acc}, а не вручили лично, как требует закон.",
                "Сразу сообщила адвокату ({lawyer}), он сказал без него не ходить.",
                "Следователь по телефону настаивал прийти сегодня же, «иначе будет привод».",
                "На допросе спрашивали о моих публикациях и о том, кто финансирует нашу работу.",
                "Копию повестки сфотографировала, оригинал храню дома.",
                "Допрос длился с {time} почти до вечера, протокол дали прочитать только бегло.",
            ),
            "kk": (
                "Учаскелік полиция қызметкері шақыру қағазын әкеліп, қол қоюымды талап етті.",
                "Шақыру қағазында сағат {time}-да тергеуші {officer} кабинетіне ({room}) келу "
                "керек деп жазылған.",
                "Менің мәртебем көрсетілмеген: куә ме, күдікті ме — белгісіз.",
                "СДТБ нөмірі {erdr}, {article_kk}.",
                "Шақыру қағазын маған емес, {rel_kk_dat} тапсырған.",
                "Адвокатқа бірден хабарладым, ол жалғыз бармауға кеңес берді.",
                "Тергеуші телефон арқылы бүгін келуімді талап етті, әйтпесе күштеп алып келеміз "
                "деді.",
                "Жауап алу кезінде менің жарияланымдарым мен ұйымымыздың қаржыландыруы туралы "
                "сұрады.",
            ),
            "en": (
                "A district officer brought the summons to my door and insisted that I sign "
                "for it.",
                "The summons orders me to appear before investigator {officer_en} at {time}, "
                "room {room}.",
                "My procedural status is not stated: neither witness nor suspect.",
                "Pre-trial investigation (ERDR) number {erdr}, {article_en}.",
                "The summons was given to my {rel_en} instead of being served on me in person.",
                "I told my lawyer {lawyer_en} at once; he advised me not to go alone.",
                "The questions were about my posts and about who funds our work.",
            ),
        },
        {
            "ru": ("повестка", "допрос", "ЕРДР", "следователь"),
            "kk": ("шақыру қағазы", "жауап алу", "СДТБ"),
            "en": ("summons", "questioning", "ERDR"),
        },
    ),
    Theme(
        "conversation",
        ("DD-CONVERSATION",),
        ("phone_call", "in_person", "messenger"),
        ("local_administration", "police", "security_service"),
        False,
        (1, 3),
        {
            "ru": (
                "Приглашение на «беседу» в акимат",
                "Участковый позвал «просто поговорить»",
                "«Профилактическая беседа» в {org}",
                "Звонок из акимата: просят зайти на разговор",
            ),
            "kk": (
                "Әкімдікке «әңгімеге» шақырды",
                "Учаскелік «жай сөйлесейік» деп шақырды",
                "{org_kk} «алдын алу әңгімесі»",
            ),
            "en": (
                "Invited for a “conversation” at the akimat",
                "District officer asked me to come in “just to talk”",
                "“Preventive talk” at {org_en}",
            ),
        },
        {
            "ru": (
                "Позвонил сотрудник акимата {officer} и попросил зайти «на чай, поговорить» без "
                "всякой повестки.",
                "Официального документа не было, на вопрос об основании ответили, что это "
                "«неформальная встреча».",
                "В кабинете кроме него сидел человек в штатском, который не представился.",
                "Говорили, что мне «лучше не высовываться» перед выборами и подумать о семье.",
                "Предложили «сотрудничать» и сообщать о планах наших активистов.",
                "Разговор длился около двух часов, записывать не разрешили.",
                "Спрашивали, кто из наших собирается на митинг {day_ru}.",
            ),
            "kk": (
                "Әкімдік қызметкері {officer} қоңырау шалып, ешқандай шақыру қағазынсыз «шай "
                "ішіп, сөйлесуге» келуді сұрады.",
                "Ресми құжат болған жоқ, негізі туралы сұрағанымда «бейресми кездесу» деп жауап "
                "берді.",
                "Кабинетте өзін таныстырмаған азаматша киінген адам отырды.",
                "Сайлау алдында «басымды көтермегенім жөн» екенін, отбасым туралы ойлануымды "
                "айтты.",
                "Белсенділердің жоспары туралы хабарлап тұруды ұсынды.",
                "Әңгіме екі сағатқа жуық созылды, жазып алуға рұқсат бермеді.",
            ),
            "en": (
                "An akimat official called and asked me to drop by “for tea and a chat”, with no "
                "summons.",
                "There was no official paper; asked for the legal basis, he said it was an "
                "“informal meeting”.",
                "A man in plain clothes sat in the office and never gave his name.",
                "They said I had better “keep my head down” before the elections and think of "
                "my family.",
                "They offered me to “cooperate” and report on the activists' plans.",
            ),
        },
        {
            "ru": ("беседа", "акимат", "профилактика"),
            "kk": ("әкімдік", "әңгіме", "қысым"),
            "en": ("conversation", "akimat"),
        },
    ),
    Theme(
        "family_threats",
        ("020103010200", "020103020200", "020103010000"),
        ("phone_call", "sms", "messenger", "third_party", "in_person"),
        ("unknown", "police", "security_service"),
        True,
        (3, 5),
        {
            "ru": (
                "Угрозы в адрес {rel_gen}",
                "Звонок с угрозами: «подумай о детях»",
                "Сообщение в WhatsApp с угрозами {rel_dat}",
                "Неизвестные подходили к {rel_dat} у дома",
            ),
            "kk": (
                "Отбасыма қоқан-лоқы",
                "{rel_kk_dat} қатысты қорқыту",
                "Бейтаныс адамдар {rel_kk_dat} жақындады",
            ),
            "en": (
                "Threats against my {rel_en}",
                "Call with threats: “think about your children”",
                "Strangers approached my {rel_en} near home",
            ),
        },
        {
            "ru": (
                "С незнакомого номера {phone} позвонил мужчина и сказал, что знает, где живёт "
                "{rel_nom}.",
                "Он сказал: «Если не прекратишь, у {rel_gen} будут проблемы».",
                "В WhatsApp пришло сообщение с фотографией нашего подъезда и подписью «мы всё "
                "знаем».",
                "У {rel_gen} на работе появился человек, который расспрашивал коллег обо мне.",
                "Двое мужчин подошли к {rel_dat} на улице и «посоветовали» повлиять на меня.",
                "Угрозы повторяются третью неделю, всегда после моих публикаций.",
                "Сделала скриншоты переписки и записала звонок.",
                "В полицию обращаться боюсь: в прошлый раз заявление не приняли.",
            ),
            "kk": (
                "Бейтаныс нөмірден {phone} бір ер адам қоңырау шалып, {rel_kk_gen} қайда "
                "тұратынын білетінін айтты.",
                "Ол: «Тоқтамасаң, {rel_kk_dat} қиын болады», — деді.",
                "WhatsApp-қа подъезіміздің суреті мен «бәрін білеміз» деген жазу келді.",
                "Екі ер адам көшеде {rel_kk_dat} келіп, мені райымнан қайтаруды талап етті.",
                "Қорқыту үшінші апта бойы қайталанып келеді, әр жарияланымнан кейін.",
                "Хат алмасудың скриншоттарын жасап, қоңырауды жазып алдым.",
            ),
            "en": (
                "A man called from an unknown number ({phone}) and said he knew where my "
                "{rel_en} lives.",
                "He said: “If you don't stop, your {rel_en} will have problems.”",
                "A WhatsApp message arrived with a photo of our entrance and the words “we know "
                "everything”.",
                "The threats have come every week for three weeks, always after my posts.",
                "I took screenshots and recorded the call.",
            ),
        },
        {
            "ru": ("угрозы", "семья", "WhatsApp"),
            "kk": ("қорқыту", "отбасы"),
            "en": ("threats", "family"),
        },
    ),
    Theme(
        "creditor",
        ("DD-CREDITOR",),
        ("via_creditor", "phone_call", "sms"),
        ("bank", "collection_agency"),
        False,
        (2, 4),
        {
            "ru": (
                "{bank} заблокировал счёт без объяснений",
                "Коллектор звонил {rel_dat}",
                "Давление через банк: требуют досрочно погасить кредит",
                "Коллекторы из {agency} угрожают описью имущества",
            ),
            "kk": (
                "{bank} шотымды бұғаттады",
                "Коллектор {rel_kk_dat} хабарласты",
                "Банк арқылы қысым: несиені мерзімінен бұрын өтеуді талап етеді",
            ),
            "en": (
                "{bank} froze my account without explanation",
                "Collector called my {rel_en}",
                "Bank demands early repayment of the loan",
            ),
        },
        {
            "ru": (
                "{bank} без предупреждения заблокировал мою карту, в отделении сказали, что «по "
                "указанию сверху».",
                "Банк потребовал досрочно погасить кредит на сумму {amount} тенге, хотя "
                "просрочек не было.",
                "Сотрудник {agency} звонил {rel_dat} на работу и рассказывал о моём «долге» "
                "коллегам.",
                "В SMS пишут, что передадут дело судебным исполнителям и «опишут всё имущество».",
                "Коллектор намекнул, что проблемы с банком закончатся, если я удалю последний "
                "пост.",
                "Запросила у банка письменное объяснение, ответа нет уже месяц.",
            ),
            "kk": (
                "{bank} ескертусіз картамды бұғаттады, бөлімшеде «жоғарыдан нұсқау» болғанын "
                "айтты.",
                "Банк {amount} теңге несиені мерзімінен бұрын өтеуді талап етті, бірақ кешіктіру "
                "болған жоқ.",
                "{agency} қызметкері {rel_kk_dat} қоңырау шалып, менің «қарызым» туралы айтқан.",
                "SMS-те істі сот орындаушыларына беріп, «барлық мүлікті тізімге алатынын» жазады.",
                "Банктен жазбаша түсініктеме сұрадым, бір ай бойы жауап жоқ.",
            ),
            "en": (
                "{bank} blocked my card without notice; at the branch they said it was “an "
                "instruction from above”.",
                "The bank demanded early repayment of a {amount} tenge loan, although I never "
                "missed a payment.",
                "Someone from {agency} called my {rel_en} at work and told colleagues about my "
                "“debt”.",
                "The collector hinted that the bank problems would end if I deleted my last post.",
            ),
        },
        {
            "ru": ("банк", "коллектор", "кредит"),
            "kk": ("банк", "несие", "коллектор"),
            "en": ("bank", "collector", "loan"),
        },
    ),
    Theme(
        "bailiff",
        ("130107000000", "050106000000"),
        ("in_person", "summons_letter", "sms"),
        ("bailiff", "court"),
        False,
        (2, 4),
        {
            "ru": (
                "ЧСИ наложил арест на имущество",
                "Судебный исполнитель ограничил выезд из страны",
                "Частный судебный исполнитель пришёл описывать имущество",
                "Арест на зарплатную карту по исполнительному листу",
            ),
            "kk": (
                "Сот орындаушысы мүлікке тыйым салды",
                "Шетелге шығуға тыйым салынды",
                "Жеке сот орындаушысы мүлікті тізімге алуға келді",
            ),
            "en": (
                "Bailiff seized my property",
                "Travel ban imposed by the bailiff",
                "Salary card frozen under a writ of execution",
            ),
        },
        {
            "ru": (
                "Частный судебный исполнитель {officer} пришёл с двумя понятыми и начал "
                "описывать имущество.",
                "Основание — исполнительный лист по иску о защите чести и достоинства на "
                "{amount} тенге.",
                "Об исполнительном производстве я узнала только из SMS от eGov.",
                "На границе в аэропорту {city} сообщили, что мне ограничен выезд из Республики "
                "Казахстан.",
                "Арестовали машину {car}, хотя она оформлена на {rel_acc}.",
                "С зарплатной карты списали всю сумму, не оставив прожиточного минимума.",
                "Подала жалобу в суд на действия судебного исполнителя.",
            ),
            "kk": (
                "Жеке сот орындаушысы {officer} екі куәгермен келіп, мүлікті тізімдей бастады.",
                "Негізі — ар-намысты қорғау туралы талап бойынша {amount} теңгеге атқару парағы.",
                "Атқарушылық іс жүргізу туралы тек eGov-тан келген SMS арқылы білдім.",
                "{city_kk} әуежайында маған Қазақстан Республикасынан шығуға тыйым салынғанын "
                "айтты.",
                "Жалақы картасындағы ақшаның бәрін есептен шығарып алды.",
                "Сот орындаушысының әрекетіне сотқа шағым бердім.",
            ),
            "en": (
                "A private bailiff came with two attesting witnesses and started listing our "
                "belongings.",
                "The basis is a writ of execution for {amount} tenge from a defamation suit.",
                "At the border in {city_en} airport I was told I may not leave Kazakhstan.",
                "They seized the {car}, although it is registered to my {rel_en}.",
                "I filed a complaint with the court against the bailiff's actions.",
            ),
        },
        {
            "ru": ("ЧСИ", "арест имущества", "запрет выезда"),
            "kk": ("сот орындаушысы", "шығуға тыйым"),
            "en": ("bailiff", "travel ban"),
        },
    ),
    Theme(
        "police",
        ("030101000000", "040101000000", "020103030000", "020103040000", "350113000000"),
        ("in_person",),
        ("police", "security_service"),
        False,
        (3, 5),
        {
            "ru": (
                "Задержание у здания суда",
                "Обыск в квартире без понятых",
                "Слежка: одна и та же машина у подъезда",
                "Доставили в РУП без объяснения причин",
                "Полиция не пустила адвоката",
            ),
            "kk": (
                "Сот ғимаратының алдында ұсталдым",
                "Куәгерлерсіз пәтерде тінту",
                "Аңду: подъезд алдында бір көлік тұр",
                "Полиция адвокатты жібермеді",
            ),
            "en": (
                "Detained outside the court building",
                "Police searched the flat without witnesses",
                "Surveillance: the same car outside for days",
                "Police kept my lawyer out",
            ),
        },
        {
            "ru": (
                "Около {time} у здания суда меня задержали трое сотрудников полиции в форме.",
                "Причину задержания не назвали, сказали только «проедем, там разберутся».",
                "В РУП продержали около пяти часов, телефон забрали.",
                "Адвокат {lawyer} больше двух часов не мог ко мне попасть, ссылались на «режим».",
                "Обыск проводили без понятых, изъяли ноутбук и два телефона.",
                "Третий день у подъезда стоит серая {car} с номером {plate}, внутри двое мужчин.",
                "Тот же человек шёл за мной от дома до офиса и обратно.",
                "Протокол задержания не выдали, копию обещали «потом».",
            ),
            "kk": (
                "Сағат {time} шамасында сот ғимаратының алдында үш полиция қызметкері мені ұстады.",
                "Ұстау себебін айтпады, тек «жүріңіз, сол жерде анықтаймыз» деді.",
                "Полиция басқармасында бес сағатқа жуық ұстады, телефонымды алып қойды.",
                "Адвокат {lawyer} екі сағаттан астам кіргізбеді.",
                "Тінту куәгерлерсіз жүргізілді, ноутбук пен екі телефонды алып кетті.",
                "Үшінші күн подъезд алдында {plate} нөмірлі сұр {car} тұр, ішінде екі ер адам.",
                "Ұстау хаттамасын бермеді.",
            ),
            "en": (
                "Around {time} three uniformed police officers detained me outside the court "
                "building.",
                "No reason was given; they only said “come with us, we'll sort it out there”.",
                "I was held at the district police station for about five hours and my phone "
                "was taken.",
                "My lawyer {lawyer_en} was kept out for more than two hours.",
                "A grey {car} with plates {plate} has been parked outside the entrance for three "
                "days.",
                "They searched the flat without attesting witnesses and took a laptop and two "
                "phones.",
            ),
        },
        {
            "ru": ("полиция", "задержание", "обыск", "слежка"),
            "kk": ("полиция", "ұстау", "тінту"),
            "en": ("police", "detention", "search", "surveillance"),
        },
    ),
    Theme(
        "smear",
        ("DD-SMEAR", "140101000000"),
        ("social_media", "messenger"),
        ("unknown",),
        False,
        (1, 3),
        {
            "ru": (
                "Клевета в Telegram-канале",
                "Фейковый аккаунт от моего имени",
                "Публикации о «грантоедах» с моим фото",
            ),
            "kk": ("Telegram-арнада жала жабу", "Менің атымнан жалған аккаунт"),
            "en": ("Smear posts in a Telegram channel", "Fake account in my name"),
        },
        {
            "ru": (
                "В анонимном Telegram-канале вышел пост с моей фотографией и домашним адресом.",
                "Меня называют «иностранным агентом» и «грантоедкой», пишут, что я получаю "
                "деньги из-за рубежа.",
                "Кто-то создал фейковый аккаунт в Instagram от моего имени и пишет оскорбления.",
                "Пост разослали по родительскому чату в школе {rel_gen}.",
                "Сохранила ссылки и скриншоты, пожаловалась в поддержку платформы.",
            ),
            "kk": (
                "Анонимді Telegram-арнада менің суретім мен үй мекенжайым жарияланды.",
                "Мені «шетел агенті» деп атап, шетелден ақша алады деп жазады.",
                "Біреу Instagram-да менің атымнан жалған аккаунт ашып, балағат сөздер жазып жүр.",
                "Сілтемелер мен скриншоттарды сақтап, платформаға шағым бердім.",
            ),
            "en": (
                "An anonymous Telegram channel posted my photo and home address.",
                "They call me a “foreign agent” and claim I am paid from abroad.",
                "Someone opened a fake Instagram account in my name and posts insults from it.",
                "I saved links and screenshots and reported it to the platform.",
            ),
        },
        {
            "ru": ("клевета", "Telegram", "дискредитация"),
            "kk": ("жала", "әлеуметтік желі"),
            "en": ("smear", "Telegram"),
        },
    ),
    Theme(
        "seized_phone",
        ("DD-SEIZED-PHONE",),
        ("messenger", "social_media"),
        ("police", "security_service"),
        False,
        (2, 4),
        {
            "ru": ("Сообщения с изъятого телефона", "С моего изъятого номера пишут коллегам"),
            "kk": ("Тәркіленген телефоннан хабарламалар",),
            "en": ("Messages sent from my seized phone",),
        },
        {
            "ru": (
                "После обыска мой телефон остался у следователя, а из моего WhatsApp начали "
                "писать коллегам.",
                "От моего имени просили прислать списки участников встречи.",
                "Предупредила всех в чатах, что телефон изъят и писать мне туда нельзя.",
            ),
            "kk": (
                "Тінтуден кейін телефоным тергеушіде қалды, ал менің WhatsApp-ымнан "
                "әріптестерге хат жаза бастады.",
                "Менің атымнан кездесуге қатысушылардың тізімін жіберуді сұраған.",
            ),
            "en": (
                "After the search my phone stayed with the investigator, and messages started "
                "going out from my WhatsApp.",
                "Someone asked, in my name, for the list of people at the meeting.",
            ),
        },
        {"ru": ("телефон", "изъятие"), "kk": ("телефон",), "en": ("seized phone",)},
    ),
    Theme(
        "incommunicado",
        ("DD-INCOMMUNICADO", "350113000000"),
        ("in_person", "phone_call", "third_party"),
        ("police", "security_service", "prosecutor"),
        True,
        (4, 5),
        {
            "ru": (
                "Не сообщают, где содержится {rel_nom}",
                "Задержание {rel_gen}: адвоката не допускают",
            ),
            "kk": ("{rel_kk_gen} қайда ұсталғанын айтпайды",),
            "en": ("No word on where my {rel_en} is held", "Lawyer denied access to my {rel_en}"),
        },
        {
            "ru": (
                "{rel_nom_cap} не выходит на связь с вечера, в РУП отвечают, что такого "
                "задержанного нет.",
                "Только через сутки узнали, что {rel_nom} в ИВС, но свидание не дали.",
                "Адвокату отказали во встрече со ссылкой на «следственные действия», защитник — "
                "{lawyer}.",
                "Обзвонили все ИВС города, в дежурной части бросают трубку.",
            ),
            "kk": (
                "Кешеден бері {rel_kk} хабарласпайды, полицияда ондай ұсталған адам жоқ дейді.",
                "Бір тәуліктен кейін ғана уақытша ұстау изоляторында екенін білдік, бірақ "
                "кездесуге рұқсат бермеді.",
                "Адвокатқа «тергеу әрекеттері» деген сылтаумен кездесуге рұқсат бермеді.",
            ),
            "en": (
                "My {rel_en} has not been reachable since last night; the police say there is "
                "no such detainee.",
                "Only a day later did we learn where they were held; no visit was allowed.",
                "The lawyer was refused a meeting, citing “investigative actions”.",
            ),
        },
        {
            "ru": ("ИВС", "адвокат", "семья"),
            "kk": ("изолятор", "адвокат"),
            "en": ("incommunicado", "lawyer"),
        },
    ),
    Theme(
        "employer",
        ("DD-PROBATION", "020103000000"),
        ("in_person", "phone_call"),
        ("employer", "local_administration"),
        True,
        (2, 3),
        {
            "ru": (
                "Давление через работодателя {rel_gen}",
                "Инспектор пробации вызывает каждую неделю",
            ),
            "kk": (
                "{rel_kk_gen} жұмыс берушісі арқылы қысым",
                "Пробация инспекторы апта сайын шақырады",
            ),
            "en": (
                "Pressure through my {rel_en}'s employer",
                "Probation officer summons me every week",
            ),
        },
        {
            "ru": (
                "Директору, у которого работает {rel_nom}, позвонили «сверху», и {rel_dat} "
                "предложили уволиться по собственному желанию.",
                "Инспектор пробации требует отмечаться каждый понедельник и запрещает ездить в "
                "{city}.",
                "Намекнули, что контракт не продлят, если я не прекращу свою деятельность.",
            ),
            "kk": (
                "{rel_kk_gen} жұмыс орнына «жоғарыдан» қоңырау шалып, өз еркімен жұмыстан "
                "шығуды ұсынған.",
                "Пробация инспекторы әр дүйсенбі сайын белгіленуді талап етіп, {city_kk} "
                "қаласына баруға тыйым салады.",
            ),
            "en": (
                "The head of my {rel_en}'s workplace got a call “from above” and suggested "
                "resigning.",
                "The probation officer makes me report every Monday and forbids travel to "
                "{city_en}.",
            ),
        },
        {"ru": ("работа", "пробация"), "kk": ("жұмыс", "пробация"), "en": ("employer",)},
    ),
)
THEME_WEIGHTS = (18, 12, 16, 14, 12, 14, 6, 3, 3, 2)
# A long account strings together what happened over months: sentences of every theme.
CHRONOLOGY = {
    lang: tuple(s for t in THEMES for s in t.sentences[lang]) for lang in ("ru", "kk", "en")
}

CLOSING = {
    "ru": (
        "Свидетель: {witness}.",
        "Всё записала в тот же день, пока помню детали.",
        "Сообщила координатору правозащитной сети.",
        "Это уже {n}-й подобный случай за год.",
        "Аудиозапись разговора приложу позже.",
    ),
    "kk": (
        "Куәгер: {witness}.",
        "Бәрін сол күні жазып алдым.",
        "Құқық қорғау желісінің үйлестірушісіне хабарладым.",
        "Бұл жыл ішіндегі {n}-ші осындай оқиға.",
    ),
    "en": (
        "Witness: {witness}.",
        "I wrote everything down the same day.",
        "I informed the network coordinator.",
        "Incidents like this so far this year: {n}.",
    ),
}
FOLLOW_UP_TEXT = {
    "complaint_filed": {
        "ru": "Жалоба прокурору района",
        "kk": "Аудан прокурорына шағым",
        "en": "Complaint to the district prosecutor",
    },
    "lawyer_told": {"ru": "Сообщила адвокату", "kk": "Адвокатқа айттым", "en": "Told the lawyer"},
    "police_report": {
        "ru": "Заявление в полицию, КУИ не выдали",
        "kk": "Полицияға арыз бердім",
        "en": "Police report filed",
    },
    "medical_help": {
        "ru": "Обратилась в травмпункт",
        "kk": "Травмпунктке бардым",
        "en": "Went to the trauma clinic",
    },
    "other": {
        "ru": "Написала омбудсмену",
        "kk": "Омбудсменге жаздым",
        "en": "Wrote to the ombudsman",
    },
}
LANGS = ("ru", "kk", "en")
LANG_WEIGHTS = (60, 25, 15)
MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")  # fmt: skip


def kind_of(person: dict[str, Any]) -> str:
    """The key under which a generated person's id is looked up (see the module doc)."""
    if person["role"] == "family":
        return f"family:{person['relation']}:{person['_gender']}"
    if person["role"] == "actor":
        return f"actor:{person['institution']}"
    return str(person["role"])


class Generator:
    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.languages: Counter[str] = Counter()  # incidents generated, by language

    # -- people -------------------------------------------------------------------------------
    def _full_name(self, gender: str) -> tuple[str, str]:
        r = self.rng
        surname, latin = r.choice(SURNAMES)
        first = r.choice(MALE if gender == "m" else FEMALE)
        if gender == "f" and surname[-2:] in ("ов", "ев", "ин"):
            surname, latin = surname + "а", latin + "a"
        return f"{first} {surname}", latin

    def _officer(self) -> tuple[str, str]:
        r = self.rng
        surname, latin = r.choice(SURNAMES)
        a, b = r.choice(INITIALS), r.choice(INITIALS)
        return f"{surname} {a}.{b}.", f"{INITIALS_LAT[a]}. {latin}"

    def people(self) -> list[dict[str, Any]]:
        """About 270 person drafts; the private ``_gender`` key must be dropped before use."""
        out: list[dict[str, Any]] = []
        r = self.rng
        for relation, gender in RELATIVES * 6:
            name, _ = self._full_name(gender)
            out.append({"name": name, "role": "family", "relation": relation, "_gender": gender})
        titles = {
            "police": ("участковый", "следователь", "оперуполномоченный", "начальник РУП"),
            "security_service": ("сотрудник ДКНБ", "следователь ДКНБ"),
            "prosecutor": ("прокурор", "помощник прокурора"),
            "court": ("судья", "секретарь суда"),
            "bailiff": ("ЧСИ", "судебный исполнитель"),
            "local_administration": ("заместитель акима", "сотрудник акимата"),
            "employer": ("директор", "начальник отдела кадров"),
        }
        for institution, posts in titles.items():
            for _ in range(14):
                officer, _latin = self._officer()
                out.append(
                    {
                        "name": f"{r.choice(posts)} {officer}",
                        "role": "actor",
                        "institution": institution,
                    }
                )
        for bank in BANKS:
            out.append({"name": bank, "role": "actor", "institution": "bank"})
        for agency in AGENCIES:
            out.append({"name": agency, "role": "actor", "institution": "collection_agency"})
        for _ in range(20):
            out.append(
                {
                    "name": f"неизвестный с номера {self._phone()}",
                    "role": "actor",
                    "institution": "unknown",
                }
            )
        for _ in range(60):
            out.append({"name": self._full_name(r.choice("mf"))[0], "role": "witness"})
        for _ in range(12):
            out.append({"name": "адвокат " + self._full_name("m")[0], "role": "lawyer"})
        for _ in range(20):
            out.append({"name": self._full_name(r.choice("mf"))[0], "role": "colleague"})
        return out

    # -- incidents ----------------------------------------------------------------------------
    def _phone(self) -> str:
        r = self.rng
        return (
            f"+7 {r.choice(('701', '702', '705', '707', '747', '771', '775', '777'))} "
            f"{r.randint(100, 999)} {r.randint(10, 99)} {r.randint(10, 99)}"
        )

    def _when(self) -> tuple[str, str | None, tuple[int, int, int]]:
        r = self.rng
        y, m, d = r.randint(2016, 2025), r.randint(1, 12), r.randint(1, 28)
        p = r.random()
        if p < 0.20:
            happened = f"{y}-{m:02d}-{d:02d}T{r.randint(7, 23):02d}:{r.choice((0, 15, 30, 45)):02d}"
        elif p < 0.75:
            happened = f"{y}-{m:02d}-{d:02d}"
        elif p < 0.87:
            happened = f"{y}-{m:02d}"
        elif p < 0.92:
            happened = f"{y}"
        elif p < 0.97:
            happened = f"~{y}"
        else:
            happened = f"~{y - 1}-{y}"
        until = None
        if p < 0.75 and r.random() < 0.1:
            until = f"{y}-{m:02d}-{min(28, d + r.randint(1, 20)):02d}"
        return happened, until, (y, m, d)

    def incident(self, ids: dict[str, list[str]]) -> dict[str, Any]:
        r = self.rng
        theme = r.choices(THEMES, THEME_WEIGHTS)[0]
        lang = r.choices(LANGS, LANG_WEIGHTS)[0]
        self.languages[lang] += 1
        relation, gender = r.choice(RELATIVES)
        ru, kk, en = (
            REL_RU[(relation, gender)],
            REL_KK[(relation, gender)],
            REL_EN[(relation, gender)],
        )
        city, city_kk, city_en = r.choice(CITIES)
        officer, officer_en = self._officer()
        lawyer, lawyer_en = self._full_name("m")
        org, org_kk, org_en = r.choice(ORGS)
        article = r.choice(ARTICLES)
        happened, until, (y, m, d) = self._when()
        slots = {
            "city": city,
            "city_kk": city_kk,
            "city_en": city_en,
            "org": org.format(city=city),
            "org_kk": org_kk.format(city_kk=city_kk),
            "org_en": org_en.format(city_en=city_en),
            "officer": officer,
            "officer_en": officer_en,
            "lawyer": lawyer,
            "lawyer_en": f"{lawyer.split()[0]} {lawyer_en}",
            "time": f"{r.randint(8, 19)}:{r.choice(('00', '30'))}",
            "room": r.randint(101, 415),
            "erdr": self._erdr(y),
            "article_ru": article[0],
            "article_kk": article[1],
            "article_en": article[2],
            "rel_nom": ru[0],
            "rel_nom_cap": ru[0].capitalize(),
            "rel_gen": ru[1],
            "rel_dat": ru[2],
            "rel_acc": ru[3],
            "rel_kk": kk[0],
            "rel_kk_dat": kk[1],
            "rel_kk_gen": kk[2],
            "rel_en": en,
            "phone": self._phone(),
            "bank": r.choice(BANKS),
            "agency": r.choice(AGENCIES),
            "amount": f"{r.randint(3, 900) * 10_000:,}".replace(",", " "),
            "car": r.choice(CARS),
            "plate": f"{r.randint(100, 999)} {r.choice('ABCEHKMOPTXY')}"
            f"{r.choice('ABCEHKMOPTXY')}{r.choice('ABCEHKMOPTXY')} {r.randint(1, 18):02d}",
            "day_ru": f"{d} {MONTHS_RU[m - 1]}",
            "witness": self._full_name(r.choice("mf"))[0],
            "n": r.randint(2, 9),
        }

        def fill(template: str) -> str:
            text = template.format(**slots)
            return text[:1].upper() + text[1:]

        title = fill(r.choice(theme.titles[lang]))
        pool = theme.sentences[lang]
        k = r.randint(2, len(pool))
        sentences = r.sample(pool, k)
        if r.random() < 0.12:  # a long, detailed account
            sentences += r.choices(CHRONOLOGY[lang], k=r.randint(8, 25))
        sentences += r.sample(CLOSING[lang], r.randint(0, 2))
        if r.random() < 0.1:  # code-switching: a sentence in the other Cyrillic language
            other = "kk" if lang == "ru" else "ru"
            sentences.append(r.choice(theme.sentences[other]))
        description = "" if r.random() < 0.04 else " ".join(fill(s) for s in sentences)
        if len(sentences) > 8 and description:
            half = len(description) // 2
            cut = description.find(". ", half)
            if cut > 0:
                description = description[: cut + 1] + "\n\n" + description[cut + 2 :]

        draft: dict[str, Any] = {
            "category": r.choice(theme.categories),
            "title": title,
            "description": description,
            "happened": happened,
            "channel": r.choice(theme.channels),
            "severity": r.randint(*theme.severity),
            "tags": r.sample(theme.tags[lang], r.randint(1, len(theme.tags[lang]))),
        }
        if until:
            draft["until"] = until
        draft["place"] = r.choice(
            {
                "ru": (f"г. {city}, ул. {r.choice(STREETS)}, {r.randint(1, 180)}", f"г. {city}"),
                "kk": (f"{city_kk} қ., {r.choice(STREETS)} к-сі, {r.randint(1, 180)}", city_kk),
                "en": (city_en, f"{city_en}, {r.choice(STREETS)} St."),
            }[lang]
        )
        family = ids.get(f"family:{relation}:{gender}", [])
        if theme.family and family:
            draft["target_ids"] = [r.choice(family)]
            draft["targets_self"] = r.random() < 0.3
        else:
            draft["targets_self"] = True
            if family and r.random() < 0.15:
                draft["target_ids"] = [r.choice(family)]
        actors = [i for inst in theme.institutions for i in ids.get(f"actor:{inst}", [])]
        if actors and r.random() < 0.7:
            draft["actor_ids"] = r.sample(actors, min(len(actors), r.randint(1, 2)))
        if ids.get("witness") and r.random() < 0.2:
            draft["witness_ids"] = [r.choice(ids["witness"])]
        if draft["category"] in ("DD-SUMMONS", "DD-CONVERSATION") and r.random() < 0.6:
            summons: dict[str, Any] = {
                "who_summoned": {"ru": f"следователь {officer}", "kk": f"тергеуші {officer}"}.get(
                    lang, f"investigator {officer_en}"
                ),
                "status": r.choice(("witness", "suspect", "none_stated", "none_stated")),
                "place": slots["org"] if lang != "en" else slots["org_en"],
                "lawyer_present": r.choice((True, False, None)),
            }
            if draft["category"] == "DD-SUMMONS":
                summons["legal_basis"] = {"ru": "ст. 208 УПК РК", "kk": "ҚР ҚПК 208-бабы"}.get(
                    lang, "Art. 208 of the Criminal Procedure Code"
                )
                summons["erdr_number"] = slots["erdr"]
            draft["summons"] = summons
        if r.random() < 0.25:
            kind = r.choice(tuple(FOLLOW_UP_TEXT))
            draft["follow_ups"] = [{"kind": kind, "text": FOLLOW_UP_TEXT[kind][lang]}]
        return draft

    def _erdr(self, year: int) -> str:
        r = self.rng
        region, kind, serial = r.randint(1900, 7599), r.randint(1, 3), r.randint(0, 10**8 - 1)
        return f"{year % 100:02d}{region:04d}{kind}{serial:08d}"  # 15 digits, like an ЕРДР number
