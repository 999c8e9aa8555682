"""Route a free-text topic to the reference documents that answer it.

Routing is a keyword table, not a search engine: the same topic always gives the same documents,
and every match says which words caused it. A longer phrase hides the shorter keywords inside it
("conditional retry" goes to advanced error handling, not to steps), and a topic that matches
nothing returns the index of all documents instead of an error.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from pydantic import BaseModel, Field

from durable_mcp.guidance.assets import ReferenceDoc, list_reference_docs, read_reference, reference_uri

# Keywords per document. A trailing "*" accepts any word ending; a plural "s"/"es" is always accepted.
ROUTES: dict[str, tuple[str, ...]] = {
    "getting-started": (
        "getting started", "get started", "setup", "set up", "install*", "eslint", "lint*", "jest",
        "quickstart", "quick start", "new project", "hello world", "project layout",
    ),
    "replay-model-rules": (
        "replay*", "determinis*", "non deterministic", "nondeterminis*", "non determinism", "child context",
        "nested operation", "closure", "random", "uuid", "date now", "side effect",
    ),
    "step-operations": ("step", "atomic", "retry", "retries", "retrying", "backoff", "jitter"),
    "wait-operations": (
        "wait", "waiting", "delay", "sleep", "callback", "external system", "polling", "poll", "heartbeat",
        "human in the loop", "approval", "wait for condition",
    ),
    "concurrent-operations": ("parallel", "map", "batch", "concurren*", "fan out", "max concurrency"),
    "error-handling": ("error", "exception", "saga", "compensat*", "rollback"),
    "advanced-error-handling": (
        "timeout", "timed out", "circuit breaker", "conditional retry", "conditional retries",
    ),
    "testing-patterns": ("test*", "local test*", "runner", "flaky", "pytest", "mock*"),
    "deployment-iac": (
        "deploy*", "cloudformation", "cfn", "cdk", "sam", "log group", "infrastructure", "iac", "iam",
        "permission*", "qualified arn", "alias", "template",
    ),
    "advanced-patterns": (
        "genai", "gen ai", "ai agent", "agent", "llm", "completion policy", "step semantics",
        "at most once", "at least once", "serializ*", "serdes", "chained invoke", "invoke",
    ),
    "troubleshooting-executions": (
        "troubleshoot*", "stuck", "failed", "failing", "execution id", "history", "debug*", "diagnos*",
        "hang*", "not progressing",
    ),
}

DEFAULT_MAX_CHARS = 9000
_SECTION_HEADING = re.compile(r"^## ", re.MULTILINE)


def normalize(text: str, *, split_camel: bool = False) -> str:
    """Lower-case words separated by single spaces; snake_case, kebab-case (and camelCase) are split."""
    if split_camel:
        text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = normalize(keyword.rstrip("*")).split(" ")
    tail = r"\w*" if keyword.endswith("*") else r"(?:s|es)?"
    return re.compile(r"\b" + r" ".join(re.escape(w) for w in words) + tail + r"\b")


@dataclass(frozen=True)
class _Hit:
    document: str
    keyword: str
    start: int
    end: int


# A document's own name ("advanced patterns", "deployment-iac") also routes to it.
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (doc, keyword, _keyword_pattern(keyword))
    for doc, keywords in ROUTES.items()
    for keyword in (*keywords, doc.replace("-", " "))
)
_RULE_ID = re.compile(r"\b(D[RTU])-?(\d{3})\b", re.IGNORECASE)


def _hits(topic: str) -> list[_Hit]:
    """Keyword hits in ``topic`` read as written and with camelCase split ("CloudFormation" and
    "waitForCallback" both match), dropping any hit that lies inside a longer one."""
    hits: dict[tuple[str, str], _Hit] = {}
    for split_camel in (False, True):
        for hit in _hits_in(normalize(topic, split_camel=split_camel)):
            hits.setdefault((hit.document, hit.keyword), hit)
    return list(hits.values())


def _hits_in(text: str) -> list[_Hit]:
    found = [
        _Hit(doc, keyword, m.start(), m.end())
        for doc, keyword, pattern in _PATTERNS
        for m in pattern.finditer(text)
    ]
    found.sort(key=lambda h: (h.start - h.end, h.start))
    kept: list[_Hit] = []
    for hit in found:
        if any(k.start <= hit.start and hit.end <= k.end for k in kept):
            continue
        kept.append(hit)
    return kept


class GuidanceMatch(BaseModel):
    """A document chosen for the topic, with the reason and the part of it worth reading."""

    name: str
    uri: str
    title: str
    reasons: list[str] = Field(description="why this document matched, one line per keyword")
    sections: list[str] = Field(description="headings of the sections included in content")
    truncated: bool = Field(description="true when content holds only the most relevant sections")
    content: str


class GuidanceResult(BaseModel):
    topic: str
    matches: list[GuidanceMatch]
    index: list[ReferenceDoc] = Field(
        default_factory=list, description="every reference document, given when nothing matched"
    )
    note: str


def _split_sections(markdown: str) -> tuple[str, list[str]]:
    """Split a document into its preamble (title and summary) and its ``## `` sections."""
    starts = [m.start() for m in _SECTION_HEADING.finditer(markdown)]
    if not starts:
        return markdown, []
    bounds = [*starts, len(markdown)]
    return markdown[: starts[0]], [markdown[a:b] for a, b in itertools.pairwise(bounds)]


def _heading(section: str) -> str:
    return section.splitlines()[0].removeprefix("## ").strip()


_STOPWORDS = frozenset({
    "about", "after", "again", "also", "does", "from", "have", "into", "make", "more", "only", "over",
    "should", "some", "than", "that", "their", "them", "then", "there", "these", "they", "this", "what",
    "when", "where", "which", "while", "with", "without", "would", "your",
})


def topic_words(topic: str) -> list[str]:
    """Significant words of a topic (four letters or more, not stop words), used to rank sections."""
    return [w for w in normalize(topic).split() if len(w) >= 4 and w not in _STOPWORDS]


def _fit(body: str, budget: int) -> str:
    if len(body) <= budget:
        return body
    cut = body[:budget].rsplit("\n", 1)[0]
    if cut.count("```") % 2:  # do not leave a code block open
        cut += "\n```"
    return cut + "\n\n[...]\n"


def select_content(
    markdown: str, keywords: list[str], budget: int, extra_words: list[str] | None = None
) -> tuple[str, list[str], bool]:
    """Return the document, or its preamble plus the sections most about ``keywords`` within ``budget``.

    Keywords count three times as much as ``extra_words`` (the rest of the topic); sections about
    neither are left out unless nothing matched at all, in which case the first sections are given.
    """
    preamble, sections = _split_sections(markdown)
    if len(markdown) <= budget:
        return markdown, [_heading(s) for s in sections], False
    weighted = [(3, _keyword_pattern(k)) for k in keywords]
    weighted += [(1, _keyword_pattern(w)) for w in extra_words or []]

    def relevance(section: str) -> int:
        heading, body = normalize(_heading(section)), normalize(section)
        return sum(weight * (2 * len(p.findall(heading)) + len(p.findall(body))) for weight, p in weighted)

    scores = [relevance(section) for section in sections]
    ranked = sorted((i for i in range(len(sections)) if scores[i] > 0), key=lambda i: (-scores[i], i))
    if not ranked:
        ranked = list(range(len(sections)))
    chosen: list[int] = []
    used = len(preamble)
    for i in ranked:
        if used + len(sections[i]) > budget and chosen:
            continue
        chosen.append(i)
        used += len(sections[i])
    chosen.sort()
    body = preamble + "".join(sections[i] for i in chosen)
    return _fit(body, budget), [_heading(sections[i]) for i in chosen], True


def route_topic(topic: str) -> dict[str, list[str]]:
    """Map each matching document to the keywords that chose it, strongest match first."""
    by_doc: dict[str, list[str]] = {}
    for hit in sorted(_hits(topic), key=lambda h: h.start):
        keywords = by_doc.setdefault(hit.document, [])
        if hit.keyword not in keywords:
            keywords.append(hit.keyword)
    # More keywords first, then longer phrases, then the order of ROUTES.
    order = list(ROUTES)
    ranked = sorted(
        by_doc, key=lambda d: (-len(by_doc[d]), -sum(len(k) for k in by_doc[d]), order.index(d))
    )
    return {doc: by_doc[doc] for doc in ranked}


def get_durable_guidance(
    topic: str, *, max_documents: int = 3, max_chars: int = DEFAULT_MAX_CHARS
) -> GuidanceResult:
    """Route ``topic`` to reference documents; unknown topics get the index of all documents."""
    docs = {doc.name: doc for doc in list_reference_docs()}
    # Validator rule ids ("DR007", "DT001") go straight to the rule's page, ahead of topic documents.
    rule_ids = [f"{family.upper()}{number}" for family, number in _RULE_ID.findall(topic)]
    rules = {f"rules/{r}": [r] for r in rule_ids if f"rules/{r}" in docs}
    by_doc = rules | route_topic(topic)
    if not by_doc:
        return GuidanceResult(
            topic=topic,
            matches=[],
            # Rule pages are many and self-explaining by title; their summaries would double the output.
            index=[d.model_copy(update={"summary": ""}) if "/" in d.name else d for d in docs.values()],
            note="No document matched this topic; pick one from the index and read it as a resource, "
            "or ask again with words such as replay, steps, waits, callbacks, parallel, errors, testing, "
            "deploy or troubleshooting.",
        )
    ranked = list(by_doc)
    chosen = ranked[:max_documents]
    budget = max(1000, max_chars // len(chosen))
    matches = []
    for name in chosen:
        content, sections, truncated = select_content(
            read_reference(name), by_doc[name], budget, topic_words(topic)
        )
        matches.append(
            GuidanceMatch(
                name=name,
                uri=reference_uri(name),
                title=docs[name].title if name in docs else name,
                reasons=[f'topic mentions "{k.rstrip("*")}"' for k in by_doc[name]],
                sections=sections,
                truncated=truncated,
                content=content,
            )
        )
    skipped = ranked[max_documents:]
    note = "Read the full documents through their resource URIs."
    if skipped:
        note += " Also related: " + ", ".join(reference_uri(n) for n in skipped) + "."
    return GuidanceResult(topic=topic, matches=matches, note=note)
