"""Post-call analysis computed from the session's transcript (kallglot-api.md §2.9, §2.10).

Deterministic and explainable rather than clever: the turns are script lines, so the analysis
works on their English text whatever languages the call used.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from kallglot_sandbox.phrases import AGENT_LINES, CUSTOMER_LINES
from kallglot_sandbox.state import Turn

INCLUDE_CHOICES = ("summary", "sentiment", "compliance", "keywords", "performance")
DEFAULT_INCLUDE = ("summary", "sentiment", "compliance", "performance")

_POSITIVE = {"thank", "thanks", "great", "perfect", "glad", "help", "patience", "works"}
_NEGATIVE = {"problem", "worried", "lost", "sorry", "wrong", "no"}
_GREETINGS = {"hello", "hi", "good"}
_STOPWORDS = {
    "a", "again", "and", "any", "anything", "be", "can", "could", "else", "for", "give", "have",
    "how", "i", "in", "is", "it", "me", "my", "now", "of", "on", "our", "please", "that", "the",
    "there", "to", "was", "will", "with", "you", "your", "yes", "all", "see", "this", "today",
}  # fmt: skip


def _english(turn: Turn) -> str:
    lines = AGENT_LINES if turn.speaker == "agent" else CUSTOMER_LINES
    return lines[turn.line % len(lines)]["en"]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _mood(turns: list[Turn]) -> str:
    words = [word for turn in turns for word in _words(_english(turn))]
    score = sum(word in _POSITIVE for word in words) - sum(word in _NEGATIVE for word in words)
    if not words:
        return "no speech"
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def _summary(agent: list[Turn], customer: list[Turn], languages: list[str]) -> str:
    if not agent and not customer:
        return "No speech was detected in this session."
    spoken = " and ".join(languages)
    text = f"A call in {spoken} with {len(agent)} agent and {len(customer)} customer turns."
    if customer:
        text += f' The customer said: "{_english(customer[0])}"'
    return text


def _compliance(agent: list[Turn]) -> dict[str, Any]:
    flags = []
    if not agent:
        flags.append("no_agent_speech")
    elif not _GREETINGS & set(_words(_english(agent[0]))):
        flags.append("missing_greeting")
    return {"status": "review" if flags else "ok", "flags": flags}


def _performance(agent: list[Turn], customer: list[Turn]) -> dict[str, float]:
    if not agent:
        return {"score": 0.0}
    answered = min(len(customer), len(agent)) / len(agent)
    return {"score": round(0.5 + 0.1 * min(len(agent), 3) + 0.2 * answered, 2)}


def _keywords(turns: list[Turn]) -> list[str]:
    counts = Counter(
        word
        for turn in turns
        for word in _words(_english(turn))
        if word not in _STOPWORDS and len(word) > 2
    )
    return [word for word, _ in counts.most_common(5)]


def analyse(turns: list[Turn], include: list[str]) -> dict[str, Any]:
    """The requested result fields; the ones not in `include` are left out (null on output)."""
    agent = [turn for turn in turns if turn.speaker == "agent"]
    customer = [turn for turn in turns if turn.speaker == "customer"]
    languages = sorted({turn.language for turn in turns})
    wanted = set(include or DEFAULT_INCLUDE)
    makers = {
        "summary": lambda: _summary(agent, customer, languages),
        "sentiment": lambda: {"agent": _mood(agent), "customer": _mood(customer)},
        "compliance": lambda: _compliance(agent),
        "performance": lambda: _performance(agent, customer),
        "keywords": lambda: _keywords(turns),
    }
    return {name: make() for name, make in makers.items() if name in wanted}
