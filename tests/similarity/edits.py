"""The small edits someone makes to a copied text to make it look like their own."""

from __future__ import annotations

import re

from tests.similarity.corpus import CORPUS


def sentences(text: str) -> list[str]:
    return [s + "。" for s in text.split("。") if s]


def punctuation_changed(text: str) -> str:
    """Half-width punctuation with spaces, full-width digits and letters."""
    text = text.replace("，", ", ").replace("。", ". ").replace("、", "/")
    return text.translate(
        str.maketrans(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
        )
    )


def characters_changed(text: str, count: int = 6) -> str:
    """`count` characters replaced, spread evenly over the text."""
    chars = list(text)
    step = len(chars) // (count + 1)
    for n in range(1, count + 1):
        chars[n * step] = "甲乙丙丁戊己庚辛"[n % 8]
    return "".join(chars)


def sentences_reordered(text: str) -> str:
    parts = sentences(text)
    return "".join(parts[1::2] + parts[0::2])


def sentence_added(text: str) -> str:
    return (
        "我在这方面积累了较为丰富的实践经验，具体情况如下。" + text + "今后我将继续努力提高自己的专业水平。"
    )


def all_edits(text: str) -> str:
    return sentence_added(sentences_reordered(characters_changed(punctuation_changed(text), 4)))


def inside_longer(text: str, around: int) -> str:
    """The text copied into the middle of another person's longer description."""
    host = sentences(CORPUS[around])
    middle = len(host) // 2
    return "".join(host[:middle]) + text + "".join(host[middle:])


EDITS = {
    "punctuation": punctuation_changed,
    "characters": characters_changed,
    "reordered": sentences_reordered,
    "added": sentence_added,
    "all": all_edits,
}

assert all(re.search("[一-龥]", CORPUS[i]) for i in range(len(CORPUS)))
