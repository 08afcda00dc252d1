"""The sign-off queues (销号审批): what waits for the signed-in user's review, verification or
signature, and what was returned to them.

The queues are chosen by the same rules the workflow enforces: a queue holds the problems
on which one of its actions is possible for these roles, and the verify/sign split uses the
workflow's own ``closing_verified`` condition, so a problem offered for signing is one that
signing accepts. Each queue is one SQL query returning ids, ordered by deadline (the
nearest first, problems without one last), ready for the lazy problem table.
"""

from __future__ import annotations

from peewee import SQL, Case, Expression, fn

from desktop.core.models import Problem, Role, State, Transition
from desktop.core.session import Session
from desktop.core.workflow import closing_verified

REVIEW, VERIFY, SIGN, RETURNED = "review", "verify", "sign", "mine_returned"
# the queues in the order a page shows them, with the role each is for
QUEUE_ROLES: dict[str, Role] = {
    REVIEW: Role.REVIEWER,
    VERIFY: Role.REVIEWER,
    SIGN: Role.LEADER,
    RETURNED: Role.CLERK,
}
# the actions a queue is for, in the order of its buttons
QUEUE_ACTIONS: dict[str, tuple[str, ...]] = {
    REVIEW: ("approve", "return"),
    VERIFY: ("verify", "return"),
    SIGN: ("sign_close", "return"),
    RETURNED: ("submit", "request_close"),
}


def queues_for(session: Session) -> list[str]:
    """The queues the user's roles give them, in page order."""
    return [name for name, role in QUEUE_ROLES.items() if session.has_role(role)]


def _returned_to(session: Session) -> Expression:
    """Problems whose latest step is a return of something this user had sent up (their
    submission or closing request); the system session sees every returned problem."""
    returned, later, sent = (Transition.alias("returned"), Transition.alias("later"),
                             Transition.alias("sent"))
    # "a return with no step after it", rather than "the action of the latest step": both
    # are read from the (problem, action) index alone, where reading the latest step's action
    # fetched a transition row for every draft and rectifying problem
    condition = fn.EXISTS(returned.select(SQL("1")).where(
        (returned.problem == Problem.id) & (returned.action == "return")
        & ~fn.EXISTS(later.select(SQL("1")).where(
            (later.problem == Problem.id) & (later.id > returned.id)))
    ))
    if session.user is not None:
        # the step that was returned: the latest submission or closing request before it
        sent_by = (
            sent.select(sent.user)
            .where((sent.problem == Problem.id) & sent.action.in_(("submit", "request_close")))
            .order_by(sent.id.desc())
            .limit(1)
        )
        condition &= sent_by == session.user.id
    return condition


def _condition(queue: str, session: Session) -> Expression:
    if queue == REVIEW:
        return Problem.state == State.SUBMITTED.value
    if queue == VERIFY:
        return (Problem.state == State.CLOSING.value) & ~closing_verified()
    if queue == SIGN:
        return (Problem.state == State.CLOSING.value) & closing_verified()
    if queue == RETURNED:
        states = (State.DRAFT.value, State.RECTIFYING.value)
        return Problem.state.in_(states) & _returned_to(session)
    raise KeyError(queue)


def queue_ids(session: Session, campaign_id: int, queue: str) -> list[int]:
    """One queue's problems, nearest deadline first (none last, then by id)."""
    undated = Case(None, [(Problem.due_date.is_null(), 1)], 0)
    query = (
        Problem.select(Problem.id)
        .where((Problem.campaign == campaign_id) & Problem.deleted_at.is_null()
               & _condition(queue, session))
        .order_by(undated, Problem.due_date, Problem.id)
    )
    return [row[0] for row in query.tuples()]


def review_queue(session: Session, campaign_id: int) -> dict[str, list[int]]:
    """Every queue for this user's roles (keys in page order, see ``queues_for``) with its
    problem ids, nearest deadline first. A user with none of the roles gets an empty dict."""
    return {name: queue_ids(session, campaign_id, name) for name in queues_for(session)}


def queue_counts(session: Session, campaign_id: int) -> dict[str, int]:
    """How many problems each of the user's queues holds (for the tab labels)."""
    live = (Problem.campaign == campaign_id) & Problem.deleted_at.is_null()
    names = queues_for(session)
    counts = {}
    if VERIFY in names or SIGN in names:
        # verify and sign split the closing requests by ``closing_verified`` (an EXISTS, never
        # NULL): one pass over them counts both sides
        signable = fn.SUM(Case(None, [(closing_verified(), 1)], 0))
        closing, verified = Problem.select(fn.COUNT(Problem.id), signable).where(
            live & (Problem.state == State.CLOSING.value)
        ).tuples().get()
        split = {VERIFY: closing - (verified or 0), SIGN: verified or 0}
    for name in names:
        if name in (VERIFY, SIGN):
            counts[name] = split[name]
        else:
            query = Problem.select(fn.COUNT(Problem.id)).where(live & _condition(name, session))
            counts[name] = query.scalar() or 0
    return counts

