"""Word lists for finding the cast: general knowledge of English names, titles and function words.

Nothing here is about a particular story. The lists are small on purpose: the cast finder
relies on evidence from the text itself (capitalisation, speech verbs, pronouns, prepositions)
and uses these words only where that evidence cannot decide.
"""

from __future__ import annotations

from typing import Literal

Gender = Literal["female", "male"]


def _words(text: str) -> frozenset[str]:
    """A word list written as running text, one word per blank-separated token."""
    return frozenset(text.split())


# Titles that stand before a name, with the gender they imply (None: either).
HONORIFICS: dict[str, Gender | None] = {
    "Mr": "male",
    "Mrs": "female",
    "Miss": "female",
    "Ms": "female",
    "Mme": "female",
    "Mlle": "female",
    "Madam": "female",
    "Madame": "female",
    "Mademoiselle": "female",
    "Monsieur": "male",
    "Dr": None,
    "Doctor": None,
    "Professor": None,
    "Lady": "female",
    "Lord": "male",
    "Sir": "male",
    "Dame": "female",
    "Captain": "male",
    "Colonel": "male",
    "General": "male",
    "Major": "male",
    "Lieutenant": "male",
    "Sergeant": "male",
    "Admiral": "male",
    "Aunt": "female",
    "Uncle": "male",
    "King": "male",
    "Queen": "female",
    "Prince": "male",
    "Princess": "female",
    "Duke": "male",
    "Duchess": "female",
    "Count": "male",
    "Countess": "female",
    "Baron": "male",
    "Baroness": "female",
    "Emperor": "male",
    "Empress": "female",
    "Master": "male",
    "Mistress": "female",
    "Friar": "male",
    "Father": "male",
    "Brother": "male",
    "Sister": "female",
    "Mother": "female",
    "Reverend": "male",
    "Rev": "male",
    "Mister": "male",
    "Missus": "female",
    "Cousin": None,
}

# Abbreviated titles are written with a full stop in canonical names ("Mr." not "Mr").
ABBREVIATED_HONORIFICS: frozenset[str] = frozenset({"Mr", "Mrs", "Ms", "Mme", "Mlle", "Dr", "Rev"})

# Titles that pair only with a surname ("Colonel Forster", "Mr. Darcy"); the others may take a
# first name too ("Miss Elizabeth", "Lady Catherine", "Sir William").
SURNAME_HONORIFICS: frozenset[str] = frozenset(
    {
        "Mr", "Mrs", "Ms", "Mister", "Missus", "Dr", "Doctor", "Professor", "Captain", "Colonel",
        "General", "Major", "Lieutenant", "Sergeant", "Admiral", "Monsieur", "Madame", "Mme",
        "Reverend", "Rev",
    }
)  # fmt: skip

# Titles that say whether a woman is married (or titled): "Mrs. Bennet", "Miss Bennet" and
# "Lady Lucas" are three people.
MARITAL_HONORIFICS: dict[str, str] = {
    "Mr": "mr",
    "Mister": "mr",
    "Mrs": "mrs",
    "Missus": "mrs",
    "Madame": "mrs",
    "Mme": "mrs",
    "Miss": "miss",
    "Mlle": "miss",
    "Mademoiselle": "miss",
    "Lady": "lady",
    "Dame": "lady",
}

# Lowercase particles inside a name: "Lady Catherine de Bourgh", "Ludwig van Beethoven".
NAME_PARTICLES: frozenset[str] = frozenset(
    {"de", "du", "da", "di", "del", "della", "van", "von", "der", "den", "ten", "ter", "le", "la"}
)

# Words that start sentences or dialogue in capitals but never name a person.
FUNCTION_WORDS: frozenset[str] = _words(
    """
    a an the this that these those some any each every either neither no none all both half
    and but or nor for yet so if then than though although because since unless until till
    while whilst when whenever where wherever whereas whether why how what whatever which
    whichever who whoever whom whose after before as at by from in into of off on onto out over
    under up upon with within without about above across against along amid among around
    behind below beneath beside besides between beyond down during except inside like near
    outside past through throughout to toward towards via
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves one
    thou thee thy thine ye yon yonder
    is am are was were be been being have has had having do does did done shall should will
    would can could may might must ought let lets
    not never ever always often sometimes soon now here there today tonight tomorrow yesterday
    again also even just only still very too much many more most less least few several such
    same other another own else
    oh o ah aha alas ay aye eh ha hah hey hi hello hallo hullo hush hum humph lo nay no oho
    pooh pshaw tut well why yes yea yeah indeed pray please sir madam farewell adieu goodbye
    good bad dear poor ay nevertheless however therefore thus hence meanwhile moreover perhaps
    indeed certainly surely really quite rather
    tis twas
    chapter volume book part act scene stave prologue epilogue preface introduction contents
    appendix illustration footnote note end finis letter postscript
    god gods heaven heavens lord providence christ jesus bible hell paradise
    majesty highness lordship ladyship excellency worship honour honor reverence holiness
    """
)

MONTHS: frozenset[str] = _words(
    "january february march april may june july august september october november december"
)
WEEKDAYS: frozenset[str] = _words("monday tuesday wednesday thursday friday saturday sunday")
# Holidays make a whole capitalised run a date ("Christmas Eve", "Christmas Day").
HOLIDAYS: frozenset[str] = _words(
    """
    christmas christmastide easter michaelmas whitsun whitsuntide lent candlemas lammas martinmas
    midsummer halloween hallowe'en yule yuletide thanksgiving sabbath shrovetide advent
    """
)
# Words that join a month or day into a date ("Monday Morning", "May Day").
CALENDAR_WORDS: frozenset[str] = _words("day days eve night morning evening noon week year")

# Adjectives of nation, language and creed: "the French", "an English lady".
NATIONALITIES: frozenset[str] = _words(
    """
    english englishman englishmen englishwoman british briton french frenchman frenchmen
    frenchwoman irish irishman scotch scots scottish scotsman welsh american americans german
    germans italian italians spanish spaniard dutch russian russians greek greeks roman romans
    latin turkish turk turks arab arabs arabian indian indians chinese japanese swiss
    portuguese persian egyptian jewish jew jews christian christians catholic protestant
    european africa african asian asiatic austrian prussian swedish danish norwegian polish
    hungarian belgian flemish moorish moor saxon norman celtic gaelic hebrew yankee
    """
)

# Last words that make a capitalised run a place ("Netherfield Park", "Lucas Lodge").
PLACE_NOUNS: frozenset[str] = _words(
    """
    park lodge hall house street square place road lane row court abbey castle church cathedral
    chapel inn hotel bridge hill hills mount mountain mountains river lake island isle isles
    wood woods forest garden gardens palace tower town city village valley bay sea ocean gate
    gates cross manor farm mill college university school hospital market common heath downs
    moor fields field green terrace crescent parish county kingdom empire republic land lands
    coast cape strait channel canal harbour harbor port station
    """
)

ARTICLES: frozenset[str] = _words("the a an this that every each")

# Prepositions that put a place after them: "in Meryton", "at Pemberley", "to London".
LOCATIVE_PREPOSITIONS: frozenset[str] = _words(
    "in at from into near to towards toward through within across around beyond reach reached"
)

# Words of a screenplay's directions and title page, written in capitals like a cue.
SCREEN_DIRECTIONS: frozenset[str] = _words(
    """
    ext int est fade cut dissolve intercut montage flashback insert super title credit credits
    author source contact copyright draft transition continued cont'd cont\u2019d later
    """
)

# Verbs of saying that attribute dialogue: "said Alice", "Scrooge replied".
SPEECH_VERBS: frozenset[str] = _words(
    """
    said says say replied replies cried cries asked asks answered answers exclaimed added
    continued returned observed remarked rejoined whispered shouted muttered murmured
    thought repeated interrupted inquired enquired screamed sobbed sighed laughed growled
    roared yelled declared retorted responded protested urged pleaded begged demanded
    explained insisted suggested persisted resumed began spoke speaks
    """
)

# Common verbs, in their plain and irregular forms: a name before one is its subject
# ("Nell lit", "Bob holds"); "-ed" and "-s" forms of these are verbs too.
COMMON_VERBS: frozenset[str] = _words(
    """
    is was were are am be been has had have do does did will would shall should can could may
    might must go went gone come came see saw seen take took taken give gave given get got make
    made know knew known think thought feel felt find found tell told sit sat stand stood run
    ran fall fell leave left keep kept hold held hear heard begin began begun seem look turn try
    tried want laugh smile walk speak spoke stop notice bring brought catch caught rise rose draw
    drew grow grew throw threw write wrote break broke choose chose wake woke wear wore lead led
    meet met read eat ate lie lay sleep slept weep wept strike struck hang hung sing sang drink
    drank win won shake shook forget forgot understand understood become became send sent spend
    spent build built lose lost mean meant pay paid lay laid put set let cut hit shut say
    hurry move open close call love hate like live die kill help ask answer cry reply smile nod
    shrug sigh frown stare gaze glance wait watch hike climb jump pull push carry reach return
    enter appear remain become fear hope wish need pick drop follow
    """
)

# Adverbs that may stand between a subject and its verb: "Elias then said", "Nell never knew".
SUBJECT_ADVERBS: frozenset[str] = _words(
    "then now also never still only again always soon often just even ever once too"
)

FEMALE_PRONOUNS: frozenset[str] = frozenset({"she", "her", "hers", "herself"})
FIRST_PERSON_PRONOUNS: frozenset[str] = frozenset({"i", "me", "my", "mine", "myself"})
# Third-person pronouns for things and groups: the first pronoun after a name is most often
# its own, and these say that the name is not one person.
OTHER_PRONOUNS: frozenset[str] = _words("it its itself they them their theirs themselves")
# Words that lead a name spoken to its bearer: "my dear Victor", "O Romeo".
ADDRESS_WORDS: frozenset[str] = _words("dear dearest my o oh ah poor sweet good")
MALE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his", "himself"})

# Nouns for persons and animals that can be a nameless character ("the wolf", "the prince"),
# with the gender the word itself carries (None: the pronouns decide).
PERSON_NOUNS: dict[str, Gender | None] = {
    "girl": "female", "boy": "male", "child": None, "maiden": "female", "maid": "female",
    "lass": "female", "lad": "male", "youth": "male", "woman": "female", "man": "male",
    "lady": "female", "gentleman": "male", "stranger": None, "traveller": None,
    "traveler": None, "beggar": None, "wanderer": None,
    "king": "male", "queen": "female", "prince": "male", "princess": "female",
    "duke": "male", "duchess": "female", "emperor": "male", "empress": "female",
    "knight": "male", "squire": "male", "page": "male", "courtier": None,
    "huntsman": "male", "hunter": "male", "woodcutter": "male", "woodman": "male",
    "miller": "male", "fisherman": "male", "tailor": "male", "shoemaker": "male",
    "soldier": "male", "sailor": "male", "captain": "male", "doctor": None, "nurse": "female",
    "friar": "male", "priest": "male", "monk": "male", "nun": "female", "hermit": "male",
    "servant": None, "footman": "male", "coachman": "male", "cook": None, "gardener": None,
    "shepherd": "male", "shepherdess": "female", "farmer": "male", "merchant": "male",
    "peasant": None, "fool": None, "jester": None, "magician": None, "narrator": None,
    "fairy": "female", "faery": "female", "godmother": "female", "witch": "female",
    "wizard": "male", "enchantress": "female", "sorcerer": "male", "giant": None,
    "dwarf": None, "troll": None, "ogre": None, "elf": None, "goblin": None, "ghost": None,
    "spirit": None, "phantom": None, "monster": None, "creature": None, "daemon": None,
    "demon": None, "fiend": None, "devil": "male", "angel": None,
    "mother": "female", "father": "male", "stepmother": "female", "step-mother": "female",
    "stepfather": "male", "step-father": "male", "grandmother": "female", "grandfather": "male",
    "grandmama": "female", "grandpapa": "male", "granny": "female", "godfather": "male",
    "sister": "female", "brother": "male", "stepsister": "female", "step-sister": "female",
    "aunt": "female", "uncle": "male", "wife": "female", "husband": "male",
    "widow": "female", "widower": "male", "bride": "female", "bridegroom": "male",
    "son": "male", "daughter": "female", "baby": None, "orphan": None,
    "wolf": None, "fox": None, "bear": None, "cat": None, "kitten": None, "dog": None,
    "hound": None, "puppy": None, "horse": None, "pony": None, "donkey": None, "ass": None,
    "mouse": None, "rat": None, "bird": None, "duck": None, "duckling": None, "swan": None,
    "goose": None, "hen": "female", "cock": "male", "rooster": "male", "frog": None,
    "toad": None, "rabbit": None, "hare": None, "lion": None, "lioness": "female",
    "tiger": None, "monkey": None, "ape": None, "dragon": None, "snake": None,
    "serpent": None, "pig": None, "goat": None, "sheep": None, "lamb": None, "ox": None,
    "bull": "male", "cow": "female", "owl": None, "raven": None, "crow": None, "eagle": None,
    "sparrow": None, "nightingale": None, "caterpillar": None, "turtle": None,
    "tortoise": None, "gryphon": None, "griffin": None, "dormouse": None, "lizard": None,
    "beast": None, "unicorn": None, "mermaid": "female", "robot": None,
}  # fmt: skip

# Nouns that describe one kind of being: a story that calls a character "the fiend" and "the
# daemon" means one character, the one it calls "the monster" where that is the commonest.
DESCRIPTION_SYNONYMS: tuple[frozenset[str], ...] = (
    _words("ghost spirit phantom spectre specter apparition wraith"),
    _words("monster creature daemon demon fiend"),
    _words("fairy faery godmother"),  # a fairy godmother
)

# Kin words keep their character across "her grandmother", "my godmother", "grandmother!".
KIN_NOUNS: frozenset[str] = _words(
    """
    mother father stepmother step-mother stepfather step-father grandmother grandfather
    grandmama grandpapa granny godmother godfather aunt uncle
    """
)

# Kin one has at most one of, and whom a story names only when they take part in it.
ROLE_KIN_NOUNS: frozenset[str] = _words(
    "stepmother step-mother stepfather step-father godmother godfather"
)

# Words that may stand between "the" and a person noun: "the little girl", "the big bad wolf".
DESCRIPTION_MODIFIERS: frozenset[str] = _words(
    """
    little old young big bad wicked good poor dear great wise cruel proud kind ugly beautiful
    handsome pretty brave grey gray white black red green golden fair tall small tiny
    elder eldest younger youngest first second third other new dead sick sleeping mad
    royal noble wild clever foolish sly cunning gentle lovely lonely aged
    """
)

# Modifiers that tell an age, by the age they tell: "the old man" and "the young man" are two.
AGE_MODIFIERS: dict[str, str] = {
    "old": "old", "aged": "old", "elder": "old", "eldest": "old",
    "young": "young", "younger": "young", "youngest": "young",
}  # fmt: skip

# Possessive words that may stand before a kin noun.
POSSESSIVE_DETERMINERS: frozenset[str] = frozenset(
    {"her", "his", "my", "your", "our", "their", "thy"}
)

# A small table of English diminutives: nickname -> the formal first name it shortens.
DIMINUTIVES: dict[str, str] = {
    "Lizzy": "Elizabeth", "Lizzie": "Elizabeth", "Eliza": "Elizabeth", "Liz": "Elizabeth",
    "Beth": "Elizabeth", "Betsy": "Elizabeth", "Betty": "Elizabeth", "Bess": "Elizabeth",
    "Bessie": "Elizabeth", "Libby": "Elizabeth",
    "Kitty": "Catherine", "Kate": "Catherine", "Katie": "Catherine", "Cathy": "Catherine",
    "Kit": "Christopher", "Chris": "Christopher",
    "Bob": "Robert", "Bobby": "Robert", "Rob": "Robert", "Bert": "Albert",
    "Bill": "William", "Billy": "William", "Will": "William", "Willy": "William",
    "Dick": "Richard", "Rick": "Richard", "Dicky": "Richard",
    "Jack": "John", "Johnny": "John", "Jim": "James", "Jimmy": "James", "Jem": "James",
    "Tom": "Thomas", "Tommy": "Thomas", "Ned": "Edward", "Ted": "Edward", "Eddie": "Edward",
    "Harry": "Henry", "Hal": "Henry", "Charlie": "Charles", "Chuck": "Charles",
    "Joe": "Joseph", "Tony": "Anthony", "Fred": "Frederick", "Freddy": "Frederick",
    "Sam": "Samuel", "Ben": "Benjamin", "Nick": "Nicholas", "Dan": "Daniel",
    "Matt": "Matthew", "Pete": "Peter", "Steve": "Stephen", "Andy": "Andrew",
    "Tim": "Timothy", "Wat": "Walter", "Wally": "Walter", "Nat": "Nathaniel",
    "Peggy": "Margaret", "Meg": "Margaret", "Maggie": "Margaret", "Madge": "Margaret",
    "Molly": "Mary", "Polly": "Mary", "Mamie": "Mary", "Patty": "Martha", "Mattie": "Martha",
    "Sally": "Sarah", "Sukey": "Susan", "Sue": "Susan", "Susie": "Susan",
    "Nancy": "Anne", "Annie": "Anne", "Nan": "Anne", "Fanny": "Frances", "Jenny": "Jane",
    "Nell": "Eleanor", "Nelly": "Eleanor", "Ellie": "Eleanor",
    "Dolly": "Dorothy", "Dot": "Dorothy", "Emmy": "Emily",
    "Gussie": "Augusta", "Hetty": "Henrietta", "Jo": "Josephine",
    "Lottie": "Charlotte", "Lotty": "Charlotte",
    "Milly": "Mildred", "Minnie": "Wilhelmina", "Sophy": "Sophia", "Tilly": "Matilda",
}  # fmt: skip

# Common English first names whose gender the name itself tells.
FEMALE_NAMES: frozenset[str] = _words(
    """
    Abigail Ada Adela Agatha Agnes Alice Amelia Amy Ann Anna Anne Annie Arabella Augusta Barbara
    Beatrice Bella Bertha Beth Betsy Betty Bridget Caroline Catherine Cecilia Cecily Charlotte
    Clara Clarissa Constance Cordelia Daisy Diana Dinah Dolly Dora Dorothea Dorothy Edith
    Eleanor Elinor Eliza Elizabeth Ella Ellen Emily Emma Esther Ethel Eva Evelyn Fanny Flora
    Florence Frances Georgiana Gertrude Grace Hannah Harriet Helen Helena Henrietta Hester
    Isabel Isabella Jane Janet Jenny Jessica Joan Josephine Judith Julia Juliet Justine
    Kate Katherine Kathleen Kitty Laura Lavinia Letitia Lilian Lily Lizzy Lizzie Louisa Louise
    Lucy Lydia Mabel Madeline Maggie Margaret Maria Marian Marianne Martha Mary Matilda Maud
    Meg Mildred Miranda Molly Nancy Nell Nelly Olivia Ophelia Patience Peggy Penelope Phoebe
    Polly Priscilla Rachel Rebecca Rosa Rosalind Rose Ruth Sally Sarah Sophia Sophie Susan
    Susanna Sybil Theresa Victoria Violet Wendy Winifred
    """
)
MALE_NAMES: frozenset[str] = _words(
    """
    Adam Albert Alexander Alfred Andrew Anthony Arthur Augustus Benjamin Bernard Bill Bob
    Cedric Charles Christopher Daniel David Dick Edgar Edmund Edward Edwin Ernest Felix Francis
    Frank Fred Frederick Geoffrey George Gerald Gilbert Godfrey Gregory Guy Harry Henry Herbert
    Hubert Hugh Humphrey Isaac Jack Jacob James Jasper Jem Jim Joe John Jonathan Joseph Julius
    Lawrence Leonard Lewis Louis Mark Martin Matthew Michael Nathaniel Ned Nicholas Oliver Oscar
    Patrick Paul Peter Philip Ralph Richard Robert Roger Romeo Rupert Samuel Simon Stephen
    Theodore Thomas Timothy Tom Victor Vincent Walter William Willie
    """
)
