"""Viewers' questions in a live room: short, filtered for words that may not go public, and shown only once
the organiser approves them; the organiser may hide one again, answer it and pin the answer for everyone.

Every change viewers see is a ``question`` event stored like ``on_air``, so a viewer who reconnects gets it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from sqlmodel import Session, select

from market.audit import record
from market.errors import Conflict, Invalid, NotFound
from market.models import (
    LIVE_ENDED,
    QUESTION_APPROVED,
    QUESTION_HIDDEN,
    QUESTION_PENDING,
    LiveEvent,
    LiveQuestion,
    LiveSession,
    User,
)

QUESTION = "question"
QUESTION_MAX = 100
ANSWER_MAX = 300
ACTIONS = ("approve", "hide", "answer", "pin", "unpin")
_WORDS_FILE = Path(__file__).with_name("data") / "sensitive_words.txt"
# Spaces, punctuation and symbols people put between the characters of a word to slip it past a filter.
_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)


def _fold(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).lower())


@cache
def sensitive_words() -> tuple[str, ...]:
    lines = _WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(sorted({_fold(w) for w in lines if w.strip() and not w.startswith("#")}, key=len, reverse=True))


def sensitive_word_in(text: str) -> str | None:
    folded = _fold(text)
    for word in sensitive_words():
        if word and word in folded:
            return word
    # A phone number or a run of digits and letters that reads like an account: off the platform.
    if re.search(r"1[3-9]\d{9}", folded) or re.search(r"(?:wx|vx|qq|微信|wechat)[a-z0-9]{5,}", folded):
        return "联系方式"
    return None


def question_public(q: LiveQuestion) -> dict:
    """What every viewer may see of a question: never who asked it."""
    return {"id": q.id, "body": q.body, "status": q.status, "answer": q.answer, "pinned": q.pinned,
            "job_id": q.job_id, "asked_at": q.created_at.isoformat(timespec="seconds")}


def ask(*, session: Session, live: LiveSession, user: User, body: object) -> LiveQuestion:
    if live.status == LIVE_ENDED:
        raise Conflict("这场直播已结束，不能再提问", fields={"status": "直播已结束"})
    text = " ".join(body.split()) if isinstance(body, str) else ""
    if not text:
        raise Invalid({"body": "请写下您的问题"})
    if len(text) > QUESTION_MAX:
        raise Invalid({"body": f"问题最多 {QUESTION_MAX} 个字，现在是 {len(text)} 个字"})
    if sensitive_word_in(text):
        raise Invalid({"body": "问题里有不能公开的内容（如联系方式、收费、辱骂），请修改后再发"})
    question = LiveQuestion(session_id=live.id, user_id=user.id, job_id=live.on_air_job_id, body=text)
    session.add(question)
    session.flush()
    record(session, actor=user, action="live.question", target=("live_session", live.id), question_id=question.id)
    return question


def get_question(session: Session, live: LiveSession, question_id: int) -> LiveQuestion:
    question = session.get(LiveQuestion, question_id)
    if question is None or question.session_id != live.id:
        raise NotFound("这场直播没有这个问题")
    return question


def moderate(*, session: Session, live: LiveSession, actor: User, question: LiveQuestion, action: object,
             answer: object = None, pinned: object = None) -> LiveEvent | None:
    """Approve, hide, answer (which approves, and pins when ``pinned``), pin or unpin. The event viewers get,
    or None when nothing they see changed (a pending question hidden, approving twice)."""
    if action not in ACTIONS:
        raise Invalid({"action": "操作应为 approve（公开）、hide（隐藏）、answer（回答）、pin（置顶）或 unpin（取消置顶）"})
    was_visible = question.status == QUESTION_APPROVED
    before = (question.status, question.answer, question.pinned)
    if action == "approve":
        question.status = QUESTION_APPROVED
    elif action == "hide":
        question.status, question.pinned = QUESTION_HIDDEN, False
    elif action == "answer":
        text = answer.strip() if isinstance(answer, str) else ""
        if not text:
            raise Invalid({"answer": "请写下回答"})
        if len(text) > ANSWER_MAX:
            raise Invalid({"answer": f"回答最多 {ANSWER_MAX} 个字"})
        question.answer, question.status = text, QUESTION_APPROVED
        if pinned is not None:
            question.pinned = pinned in (True, "true", "1", "on")
    elif action in ("pin", "unpin"):
        if question.status != QUESTION_APPROVED:
            raise Conflict("先公开这个问题，才能置顶", fields={"action": "问题尚未公开"})
        question.pinned = action == "pin"
    session.add(question)
    record(session, actor=actor, action=f"live.question_{action}", target=("live_session", live.id),
           question_id=question.id)
    if (question.status, question.answer, question.pinned) == before:
        return None
    if question.status != QUESTION_APPROVED and not was_visible:
        return None  # viewers never saw it: nothing to tell them
    event = LiveEvent(session_id=live.id, event=QUESTION, data={"question": question_public(question)})
    session.add(event)
    session.flush()
    return event


def visible_questions(session: Session, live: LiveSession, limit: int = 50) -> list[dict]:
    """Approved questions, pinned answers first, then the newest."""
    rows = session.exec(select(LiveQuestion).where(LiveQuestion.session_id == live.id,
                                                   LiveQuestion.status == QUESTION_APPROVED)
                        .order_by(LiveQuestion.pinned.desc(), LiveQuestion.id.desc()).limit(limit))
    return [question_public(q) for q in rows]


def console_questions(session: Session, live: LiveSession, limit: int = 100) -> list[dict]:
    """For the organiser: waiting ones first, then the others, newest first."""
    rows = session.exec(select(LiveQuestion).where(LiveQuestion.session_id == live.id)
                        .order_by((LiveQuestion.status == QUESTION_PENDING).desc(), LiveQuestion.id.desc())
                        .limit(limit))
    return [question_public(q) for q in rows]
