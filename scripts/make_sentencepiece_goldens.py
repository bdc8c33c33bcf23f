#!/usr/bin/env python3
"""Goldens for the SentencePiece encoder (issue #16): texts encoded by the `sentencepiece` library.

Run in a throwaway virtualenv (never in CI):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install sentencepiece
    /tmp/venv/bin/python scripts/make_sentencepiece_goldens.py

Writes, under Tests/Fixtures/sentencepiece/:
- `texts.json`: the test strings (zh, en, ja, ko, yue, mixed scripts, digits, punctuation, emoji,
  runs of spaces, full-width forms, SenseVoice tags, edge cases), built deterministically;
- `bpe_goldens.json`: `{text, ids, pieces}` for each string with the fixture's BPE model
  (Tests/Fixtures/tiny-sensevoice/chn_jpn_yue_eng_ko_spectok.bpe.model);
- `unigram.model` + `unigram_goldens.json`: a small unigram model trained here (nmt_nfkc
  normaliser, so it has a precompiled charsmap; default add_dummy_prefix and
  remove_extra_whitespaces; a few user-defined symbols) and the same strings encoded with it;
- `bytefallback.model` + `bytefallback_goldens.json`: a small BPE model with byte fallback and
  unused-free vocabulary, treat_whitespace_as_suffix off, identity normaliser with
  remove_extra_whitespaces off.
"""
import io
import json
import os
import random

import sentencepiece as spm

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "sentencepiece")
BPE = os.path.join(ROOT, "Tests", "Fixtures", "tiny-sensevoice", "chn_jpn_yue_eng_ko_spectok.bpe.model")

# Seed material per script; strings are drawn from these deterministically.
ZH = "今天天气很好我们去公园散步吧这是一个测试语音识别系统的句子北京上海深圳人工智能模型训练数据"
YUE = "佢哋喺度食緊飯唔該你講多次啦冇問題㗎係咪真係咁樣嘅我哋聽日見"
JA = "こんにちは今日はいい天気ですねカタカナのテストですひらがなとカタカナと漢字東京大阪"
KO = "안녕하세요오늘날씨가좋네요한국어음성인식테스트입니다서울부산감사합니다"
EN_WORDS = ("the quick brown fox jumps over lazy dog speech recognition model hello world "
            "SenseVoice Swift Linux OpenAI transcribe hotword beam search Alibaba FunASR "
            "don't can't it's e-mail U.S.A. naïve café résumé Zürich").split()
DIGITS = ["0", "7", "42", "2024", "3.14", "1,000,000", "50%", "$19.99", "12:30", "１２３", "①②③"]
PUNCT = list("，。？！、,.?!;:\"'()[]{}<>-_/\\@#&*+=~`^|…—–“”‘’《》「」『』【】・") + ["...", "!?", "--"]
EMOJI = ["😀", "👍", "🎉", "❤️", "👨‍👩‍👧", "🇯🇵", "🙏🏽", "✨", "🤖"]
FULLWIDTH = ["ＡＢＣ", "ｈｅｌｌｏ", "１２３４", "！？", "　", "ﾃｽﾄ", "ｶﾀｶﾅ", "（全角）", "Ｓｗｉｆｔ"]
TAGS = ["<|zh|>", "<|en|>", "<|yue|>", "<|ja|>", "<|ko|>", "<|NEUTRAL|>", "<|HAPPY|>", "<|Speech|>",
        "<|withitn|>", "<|woitn|>", "<unk>", "<s>", "</s>"]
SPACES = [" ", "  ", "   ", "\t", " \u3000 ", "\n"]


def texts():
    rng = random.Random(16)
    out = [
        "", " ", "   ", "a", "A", "▁", "▁▁", " ▁ ", "hello", " hello", "hello ", "  hello  world  ",
        "hello world", "Hello, World!", "今天天气很好", "今天 天气 很好", "你好，世界。", "こんにちは",
        "안녕하세요", "佢哋喺度", "SenseVoice 很好用", "<|en|>hello", "<|zh|><|NEUTRAL|>你好",
        "a<|en|>b", "<|en|> <|zh|>", "😀", "😀😀😀", "a😀b", "ＡＢＣ　ＤＥＦ", "１２３", "𠀀𠀁", "\u200b",
        "e\u0301", "ﬁ", "Ⅻ", "㍿", "x" * 60, "的" * 40, " " * 10 + "end", "end" + " " * 10,
    ]
    def word(pool):
        n = rng.randint(1, 6)
        i = rng.randrange(len(pool))
        return pool[i:i + n]
    generators = {
        "zh": lambda: word(ZH),
        "yue": lambda: word(YUE),
        "ja": lambda: word(JA),
        "ko": lambda: word(KO),
        "en": lambda: rng.choice(EN_WORDS),
        "digit": lambda: rng.choice(DIGITS),
        "punct": lambda: rng.choice(PUNCT),
        "emoji": lambda: rng.choice(EMOJI),
        "full": lambda: rng.choice(FULLWIDTH),
        "tag": lambda: rng.choice(TAGS),
    }
    kinds = list(generators)
    # Single-script strings, then mixtures, each with random separators.
    for kind in kinds:
        for _ in range(60):
            parts = [generators[kind]() for _ in range(rng.randint(1, 5))]
            sep = rng.choice(["", " ", " ", "  ", ""]) if kind in ("zh", "yue", "ja", "ko") else rng.choice([" ", " ", "", "  "])
            out.append(sep.join(parts))
    for _ in range(500):
        chosen = [rng.choice(kinds) for _ in range(rng.randint(2, 7))]
        s = ""
        for k in chosen:
            s += generators[k]()
            if rng.random() < 0.5:
                s += rng.choice(SPACES)
        if rng.random() < 0.2:
            s = rng.choice(SPACES) + s
        out.append(s)
    seen, unique = set(), []
    for s in out:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


def encode_all(model_file, strings):
    sp = spm.SentencePieceProcessor(model_file=model_file)
    rows = []
    for s in strings:
        ids = sp.encode(s, out_type=int)
        pieces = sp.encode(s, out_type=str)
        rows.append({"text": s, "ids": ids, "pieces": pieces})
    return rows


def train(name, strings, **kwargs):
    corpus = "\n".join(s for s in strings if s.strip()) + "\n"
    corpus += "\n".join([ZH, YUE, JA, KO, " ".join(EN_WORDS)] * 3) + "\n"
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(corpus.splitlines()), model_writer=model,
                                   minloglevel=2, **kwargs)
    path = os.path.join(OUT, name + ".model")
    with open(path, "wb") as f:
        f.write(model.getvalue())
    return path


def write(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False, indent=0)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    strings = texts()
    assert len(strings) >= 1000, len(strings)
    write("bpe_goldens.json", encode_all(BPE, strings))
    unigram = train("unigram", strings, model_type="unigram", vocab_size=600, character_coverage=0.98,
                    normalization_rule_name="nmt_nfkc", user_defined_symbols=["<|en|>", "<|zh|>", "OpenAI"],
                    seed_sentencepiece_size=20000, num_threads=1)
    write("unigram_goldens.json", encode_all(unigram, strings))
    fallback = train("bytefallback", strings, model_type="bpe", vocab_size=700, byte_fallback=True,
                     character_coverage=0.98, normalization_rule_name="identity",
                     remove_extra_whitespaces=False, num_threads=1)
    write("bytefallback_goldens.json", encode_all(fallback, strings))
    print(len(strings), "strings")


if __name__ == "__main__":
    main()
