"""Request and response bodies of the Q&A function (pydantic, strict: no coercion)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

QUESTION_MAX = 200
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=QUESTION_MAX)]
PageId = Annotated[str, StringConstraints(min_length=1, max_length=200,
                                          pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Fact(BaseModel):
    """A service guide's key facts, in the guide's own words (only those it states)."""

    materials: int = 0
    time_limit: str | None = None
    fee: str | None = None
    where: str | None = None
    online: str | None = None
    phone: str | None = None
    appointment: str | None = None


class Link(BaseModel):
    """A next step: what to do after reading the answer."""

    label: str
    url: str


class Answer(BaseModel):
    """One answer: a page of the portal, with a short passage of its own text."""

    id: str
    title: str
    url: str
    """From the host (``/services/passport-application/``)."""
    kind: str
    """policy, interpretation, service, faq, topic, scenario, or complaint (the 随手拍 form)."""
    kind_label: str
    excerpt: str
    facts: Fact | None = None
    next: list[Link] | None = None


class Choice(BaseModel):
    """One choice of a clarifying question."""

    label: str
    title: str
    url: str
    kind: str
    id: str


class Clarify(BaseModel):
    """Asking back: the best answers are close and of different kinds."""

    question: str
    choices: list[Choice]


class Fallback(BaseModel):
    """Nothing on the portal answers the question well enough."""

    message: str
    submit: str
    """Where to POST the question (relative to the function: ``questions``)."""
    faq_url: str


class AskOut(BaseModel):
    """The answer to a question."""

    q: str
    intent: str
    """办事, 政策, 咨询, 投诉, or "" when the question does not say."""
    answers: list[Answer]
    corrected_query: str | None = None
    """The question as corrected (typos, pinyin), when it was."""
    notice: str | None = None
    clarify: Clarify | None = None
    fallback: Fallback | None = None


class FeedbackIn(_Strict):
    """满意 or 不满意 on one answer to one question."""

    page: PageId
    """The answer's ``id``."""
    vote: Literal["up", "down"]
    q: Question


class QuestionIn(_Strict):
    """A question for a person to answer."""

    question: Question
    contact: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    """Optional: how to reach the asker (a phone number or e-mail); seen only by staff."""


class Submitted(BaseModel):
    """A submitted question: its id and the code that reads the answer (shown once)."""

    id: str
    code: str
    status: Literal["open"]


class QuestionOut(BaseModel):
    """A submitted question and, once given, its answer."""

    id: str
    question: str
    status: Literal["open", "answered"]
    created_at: str
    answer: str | None = None
    answered_at: str | None = None
    contact: str | None = Field(default=None, description="只对工作人员显示")


class AnswerIn(_Strict):
    """A consultant's answer."""

    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=4000)]


class VotesOut(BaseModel):
    """Satisfaction counts per page: the file the build reads (``qa-feedback.json``)."""

    votes: dict[str, list[int]]
    generated: str
