"""CoNLL / BIO token files ⇄ ``text_spans`` exam packs. Pure: no Flask, no database.

Import: one item per sentence. Tokens are joined without a space next to a Chinese character,
and a sentence with Chinese in it that is split into single characters (``2 0 2 3 年``,
``G o o g l e``) is joined without spaces between those characters; other tokens keep one
space. A ``-DOCSTART- -X- <item id> O`` line names the item of the sentence after it.

Export: one ``-DOCSTART-`` line with the item id, a blank line, then one ``token TAG`` line per
token and a blank line, per item. Tokens are cut at every span boundary and punctuation stands
alone, so ``Beijing,`` exports as ``Beijing B-LOC`` and ``, O``.
"""

from __future__ import annotations

from talentpool.assessment.converters import CJK, Conversion, ConversionError, make_item, make_pack
from talentpool.assessment.exports import AnsweredItem
from talentpool.assessment.packs import ITEM_ID

DOCSTART = "-DOCSTART-"


def conll_sentences(lines: list[str]) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """Sentences of (token, tag) from CoNLL/BIO lines, each with the item id its
    ``-DOCSTART-`` line gave (or None); the tag is the last column."""
    sentences, current, named = [], [], None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith(DOCSTART):
            if current:
                sentences.append((named, current))
                current, named = [], None
            if line.startswith(DOCSTART):
                columns = line.split()
                named = columns[2] if len(columns) > 3 and columns[2] != "-X-" else None
            continue
        columns = line.split()
        if len(columns) < 2:
            raise ConversionError(f"line {number}: expected 'token TAG'")
        current.append((columns[0], columns[-1]))
    if current:
        sentences.append((named, current))
    return sentences


def _joined(tokens: list[str]) -> tuple[str, list[int]]:
    """Join tokens into the item text; returns the text and each token's start."""
    chinese = any(CJK.search(token) for token in tokens)
    text, starts, previous = "", [], ""
    for token in tokens:
        if text and not (CJK.match(text[-1]) or CJK.match(token[0])
                         or (chinese and len(token) == 1 and len(previous) == 1)):
            text += " "
        starts.append(len(text))
        text += token
        previous = token
    return text, starts


def _spans(sentence: list[tuple[str, str]], starts: list[int]) -> list[dict]:
    spans, open_span = [], None
    for (token, tag), start in zip(sentence, starts, strict=True):
        prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", None)
        if open_span and prefix in ("I", "E") and open_span["label"] == label:
            open_span["end"] = start + len(token)
        else:
            if open_span:
                spans.append(open_span)
            open_span = ({"start": start, "end": start + len(token), "label": label}
                         if prefix != "O" else None)
        if prefix in ("E", "S") and open_span:
            spans.append(open_span)
            open_span = None
    if open_span:
        spans.append(open_span)
    return spans


def from_conll(lines: list[str], pack_id: str, element: str) -> Conversion:
    """CoNLL/BIO (also IOBES) token file → text_spans pack (one item per sentence)."""
    sentences = conll_sentences(lines)
    labels = sorted({tag[2:] for _named, s in sentences for _t, tag in s if tag != "O"})
    items, keys = [], set()
    for index, (named, sentence) in enumerate(sentences):
        text, starts = _joined([token for token, _tag in sentence])
        key = named if named and ITEM_ID.match(named) and named not in keys \
            else f"conll-{index + 1:04d}"
        keys.add(key)
        items.append(make_item(key, "text_spans", {"text": text, "labels": labels},
                               {"spans": _spans(sentence, starts)}, element))
    return Conversion(make_pack(pack_id, "named_entities", items, "CoNLL import"))


def _alone(char: str) -> bool:
    """A character that is a token by itself: Chinese characters, punctuation, symbols."""
    return bool(CJK.match(char)) or not (char.isalnum() or char == "_")


def tokens(text: str, cuts: set[int] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of each token: runs of letters and digits, split at whitespace and at
    ``cuts`` (span boundaries); each Chinese character and punctuation mark stands alone."""
    found, start = [], None
    for i, char in enumerate(text):
        if start is not None and (char.isspace() or _alone(char) or i in cuts):
            found.append((start, i))
            start = None
        if char.isspace():
            continue
        if _alone(char):
            found.append((i, i + 1))
        elif start is None:
            start = i
    if start is not None:
        found.append((start, len(text)))
    return found


def to_conll(answers: list[AnsweredItem]) -> str:
    """BIO-tagged tokens of the trainee's spans: a ``-DOCSTART-`` line naming each item."""
    blocks = []
    for item in (a for a in answers if a.type_id == "text_spans"):
        text, spans = item.spec["text"], item.answer["spans"]
        cuts = {s["start"] for s in spans} | {s["end"] for s in spans}
        lines, previous = [], None
        for start, end in tokens(text, cuts):
            inside = next((n for n, s in enumerate(spans)
                           if s["start"] <= start and end <= s["end"]), None)
            tag = "O" if inside is None else (
                ("I-" if inside == previous else "B-") + spans[inside]["label"])
            previous = inside
            lines.append(f"{text[start:end]} {tag}")
        blocks.append(f"{DOCSTART} -X- {item.key} O\n\n" + "\n".join(lines) + "\n")
    return "\n".join(blocks)
