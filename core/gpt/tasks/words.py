"""Word lists the task frames fill their slots from, per language.

Chosen from the shipped corpus's everyday topics (family, school, weather, sport, food, travel,
science) so that a GPT pre-trained on that corpus has met most of the words; the Japanese lists are
Japanese words, not translations of the English ones (people's names, school teams, counters differ).
"""
from __future__ import annotations

NAMES = {
    "en": ["Ken", "Maya", "Rina", "Leo", "Kenji", "Emma", "Tom", "Aiko", "Sam", "Mr. Hara"],
    "ja": ["健太", "さくら", "ゆい", "大輝", "美香", "直樹", "田中さん", "山田さん", "佐藤さん", "鈴木さん"],
}

CITIES = {
    "en": ["Tokyo", "Osaka", "Kyoto", "Nagoya", "Sapporo", "Fukuoka", "Sendai", "Hiroshima"],
    "ja": ["東京", "大阪", "京都", "名古屋", "札幌", "福岡", "仙台", "広島"],
}

TEAMS = {
    "en": ["North High", "South High", "East High", "West High", "Harbor Club", "Hill Club"],
    "ja": ["北高", "南高", "東高", "西高", "港中学", "市のチーム"],
}

SPORTS = {
    "en": ["soccer", "baseball", "volleyball", "basketball"],
    "ja": ["サッカー", "野球", "バレーボール", "バスケットボール"],
}

DAYS = {
    "en": ["Monday", "Saturday", "Sunday"],
    "ja": ["月曜日", "土曜日", "日曜日"],
}

# (what was bought, how many, its category); CATEGORIES are the categories, for "some other category"
GROCERIES = {
    "en": [{"n": "three", "item": "apples", "cat": "fruit"}, {"n": "two", "item": "lemons", "cat": "fruit"},
           {"n": "five", "item": "bananas", "cat": "fruit"}, {"n": "four", "item": "carrots", "cat": "vegetables"},
           {"n": "three", "item": "onions", "cat": "vegetables"},
           {"n": "two", "item": "tomatoes", "cat": "vegetables"}],
    "ja": [{"item": "りんご", "n": "三つ", "cat": "果物"}, {"item": "みかん", "n": "五つ", "cat": "果物"},
           {"item": "バナナ", "n": "一房", "cat": "果物"}, {"item": "にんじん", "n": "二本", "cat": "野菜"},
           {"item": "玉ねぎ", "n": "三個", "cat": "野菜"}, {"item": "トマト", "n": "四個", "cat": "野菜"}],
}

CATEGORIES = {"en": ["fruit", "vegetables"], "ja": ["果物", "野菜"]}

SHOPS = {
    "en": ["market", "supermarket", "shop near the station"],
    "ja": ["市場", "駅前のスーパー", "近所の八百屋"],
}

SUBJECTS = {
    "en": ["math", "science", "English", "history"],
    "ja": ["数学", "理科", "英語", "社会"],
}

DISHES = {
    "en": ["curry", "vegetable soup", "fried rice", "pancakes"],
    "ja": ["カレー", "野菜スープ", "チャーハン", "お好み焼き"],
}

# something put in the freezer overnight, or heated on the stove
DRINKS = {
    "en": ["juice", "water", "soup", "milk", "tea"],
    "ja": ["ジュース", "水", "スープ", "牛乳", "お茶"],
}

GIFTS = {
    "en": ["book", "pen", "cake", "scarf", "map"],
    "ja": ["本", "ペン", "ケーキ", "マフラー", "地図"],
}

# an evening activity in the forms a "before / after" sentence needs
ACTIVITIES = {
    "en": [{"past": "washed the dishes", "ing": "washing the dishes"},
           {"past": "read a book", "ing": "reading a book"},
           {"past": "took a bath", "ing": "taking a bath"},
           {"past": "walked the dog", "ing": "walking the dog"},
           {"past": "ate dinner", "ing": "eating dinner"},
           {"past": "did the homework", "ing": "doing the homework"}],
    "ja": [{"dict": "皿を洗う", "past": "皿を洗った", "te": "皿を洗って"},
           {"dict": "本を読む", "past": "本を読んだ", "te": "本を読んで"},
           {"dict": "お風呂に入る", "past": "お風呂に入った", "te": "お風呂に入って"},
           {"dict": "犬の散歩に行く", "past": "犬の散歩に行った", "te": "犬の散歩に行って"},
           {"dict": "夕ごはんを食べる", "past": "夕ごはんを食べた", "te": "夕ごはんを食べて"},
           {"dict": "宿題をする", "past": "宿題をした", "te": "宿題をして"}],
}


def pairs_of(values: list[str], a: str, b: str) -> list[dict[str, str]]:
    """Unordered pairs as slot fillers {a: x, b: y} with x before y in the list: one item per pair,
    so (Tokyo, Osaka) and (Osaka, Tokyo) cannot end up in different splits.

    >>> pairs_of(["A", "B", "C"], "x", "y")
    [{'x': 'A', 'y': 'B'}, {'x': 'A', 'y': 'C'}, {'x': 'B', 'y': 'C'}]
    """
    return [{a: x, b: y} for i, x in enumerate(values) for y in values[i + 1:]]


def fields_of(values: list[dict[str, str]], prefix: str) -> list[dict[str, str]]:
    """Rename a filler's fields with a prefix, for a frame that needs two of the same kind.

    >>> fields_of([{"past": "ran"}], "x_")
    [{'x_past': 'ran'}]
    """
    return [{prefix + k: v for k, v in d.items()} for d in values]
