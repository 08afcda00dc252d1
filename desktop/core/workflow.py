"""The workflow of one problem (DESIGN §3): exactly these transitions, with their role rules.

    draft ──submit──▶ submitted ──approve──▶ rectifying ──request_close──▶ closing_requested
      ▲                  │ return(opinion)      ▲   ▲                            │ verify (reviewer)
      └──────────────────┘                      │   └──── return(opinion) ───────┤ sign_close (leader,
                                                └────── reopen(reason) ◀── closed ◀┘  password, signed)

立行立改 (fix at once) problems may go from draft straight to closing_requested, or — for a
person who holds both the reviewer's and the leader's role — be closed in one signed step.
Every step is a recorded ``Transition`` and an audit event; nothing is undone except by
another recorded step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import SQL, Expression, fn

from desktop.core import audit, auth, clock, dialect, records
from desktop.core.errors import IllegalTransition, Labels, PermissionDenied, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import (
    KIND_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    Kind,
    Problem,
    Role,
    State,
    Transition,
    database,
)
from desktop.core.problems import live_measures
from desktop.core.session import Session

ACTION_LABELS = {
    "submit": N_("Submit for review"),
    "approve": N_("Approve"),
    "return": N_("Return"),
    "request_close": N_("Request closing"),
    "verify": N_("Verify"),
    "sign_close": N_("Sign closing"),
    "close_at_once": N_("Close at once"),
    "reopen": N_("Reopen"),
}


@dataclass(frozen=True)
class Rule:
    action: str
    source: State
    target: State
    roles: tuple[Role, ...]
    all_roles: bool = False  # the user needs every role listed, not just one
    opinion_required: bool = False
    signed: bool = False  # re-authentication and a hash of the signed content
    kinds: tuple[Kind, ...] = (Kind.IMMEDIATE, Kind.DEADLINE, Kind.ONGOING)


RULES: tuple[Rule, ...] = (
    Rule("submit", State.DRAFT, State.SUBMITTED, (Role.CLERK,)),
    Rule("approve", State.SUBMITTED, State.RECTIFYING, (Role.REVIEWER,)),
    Rule("return", State.SUBMITTED, State.DRAFT, (Role.REVIEWER,), opinion_required=True),
    Rule("request_close", State.RECTIFYING, State.CLOSING, (Role.CLERK,)),
    Rule("request_close", State.DRAFT, State.CLOSING, (Role.CLERK,), kinds=(Kind.IMMEDIATE,)),
    Rule("verify", State.CLOSING, State.CLOSING, (Role.REVIEWER,)),
    Rule("return", State.CLOSING, State.RECTIFYING, (Role.REVIEWER, Role.LEADER),
         opinion_required=True),
    Rule("sign_close", State.CLOSING, State.CLOSED, (Role.LEADER,), signed=True),
    Rule("close_at_once", State.DRAFT, State.CLOSED, (Role.REVIEWER, Role.LEADER),
         all_roles=True, signed=True, kinds=(Kind.IMMEDIATE,)),
    Rule("reopen", State.CLOSED, State.RECTIFYING, (Role.REVIEWER, Role.LEADER),
         opinion_required=True),
)
ACTIONS = tuple(dict.fromkeys(rule.action for rule in RULES))


def find_rule(action: str, state: State, kind: Kind) -> Rule:
    if action not in ACTIONS:
        raise IllegalTransition(N_("Unknown workflow action: {action}."), action=action)
    candidates = [r for r in RULES if r.action == action and r.source == state]
    if not candidates:
        raise IllegalTransition(
            N_("{action_label} is not possible for a problem that is {state_label}."),
            action_label=ACTION_LABELS[action],
            state_label=STATE_LABELS[state],
        )
    for rule in candidates:
        if kind in rule.kinds:
            return rule
    raise IllegalTransition(
        N_("{action_label} from {state_label} is only for problems fixed at once (立行立改); "
           "this one is {kind_label}."),
        action_label=ACTION_LABELS[action],
        state_label=STATE_LABELS[state],
        kind_label=KIND_LABELS[kind],
    )


def _permitted(session: Session, rule: Rule) -> bool:
    held = [session.has_role(r) for r in rule.roles]
    return all(held) if rule.all_roles else any(held)


def check_permission(session: Session, rule: Rule) -> None:
    session.check_active()
    if not _permitted(session, rule):
        raise PermissionDenied(
            N_("{user} may not {action_label}: it needs the role {role_label}."),
            user=session.name,
            action_label=ACTION_LABELS[rule.action],
            role_label=Labels(tuple(ROLE_LABELS[r] for r in rule.roles), every=rule.all_roles),
        )


def available_actions(session: Session, problem: Problem) -> list[str]:
    """The actions this user may take on this problem now (for buttons and menus)."""
    state, kind = State(problem.state), Kind(problem.kind)
    return [
        r.action
        for r in RULES
        if r.source == state and kind in r.kinds and _permitted(session, r)
    ]


def _check_preconditions(problem: Problem, rule: Rule) -> None:
    measures = live_measures(problem.id)
    if rule.action in ("submit", "request_close", "close_at_once"):
        if not problem.description.strip():
            raise ValidationError(N_("The problem has no description (问题表现)."))
        if not measures:
            raise ValidationError(N_("The problem has no rectification measure yet."))
    if rule.action == "submit" and problem.kind != Kind.ONGOING.value and problem.due_date is None:
        raise ValidationError(N_("The problem has no deadline; set one for it or its measures."))
    if rule.action in ("request_close", "close_at_once") and problem.kind != Kind.ONGOING.value:
        open_measures = [m for m in measures if m.done_date is None]
        if open_measures:
            raise ValidationError(
                N_("{count} measure(s) have no completion date yet; closing needs every "
                   "measure done."),
                count=len(open_measures),
            )
    if rule.action == "sign_close":
        verified = Problem.select().where((Problem.id == problem.id) & closing_verified()).exists()
        if not verified:
            raise ValidationError(
                N_("The closing request has not been verified by a reviewer yet.")
            )


def closing_verified() -> Expression:
    """A condition on ``Problem``: a reviewer verified it after its latest closing request.
    Signing needs it; the sign-off queues select by it (one SQL condition for both, so the
    queue never offers what signing would refuse)."""
    request, check = Transition.alias("last_request"), Transition.alias("verify_step")
    last_request = request.select(fn.COALESCE(fn.MAX(request.id), 0)).where(
        (request.problem == Problem.id) & (request.action == "request_close")
    )
    return fn.EXISTS(check.select(SQL("1")).where(
        (check.problem == Problem.id) & (check.action == "verify") & (check.id > last_request)
    ))


def signed_content_hash(problem: Problem, signer_uuid: str, at: str, opinion: str) -> str:
    """What a signature covers: the problem and its measures as they are when signed."""
    content = {
        "problem": audit.snapshot(problem),
        "measures": [audit.snapshot(m) for m in live_measures(problem.id)],
        "signer": signer_uuid,
        "at": at,
        "opinion": opinion,
    }
    for item in [content["problem"], *content["measures"]]:
        for volatile in ("version", "updated_at", "state", "closed_at"):
            item.pop(volatile, None)
    return hashlib.sha256(audit.canonical(content).encode()).hexdigest()


def apply(
    session: Session,
    problem_id: int,
    action: str,
    opinion: str = "",
    password: str | None = None,
    expected_version: int | None = None,
    password_checked: bool = False,
) -> Transition:
    """Take one workflow step; raises a domain error and changes nothing when it is not allowed.
    ``password_checked``: the caller re-authenticated the signer already (a batch)."""
    opinion = (opinion or "").strip()
    with database.atomic():
        dialect.lock_for_writing()  # another client's step on this problem is seen, not raced
        problem = records.get_live(Problem, problem_id)
        rule = find_rule(action, State(problem.state), Kind(problem.kind))
        check_permission(session, rule)
        if rule.opinion_required and not opinion:
            raise ValidationError(
                N_("{action_label} needs an opinion (reason) to be written."),
                action_label=ACTION_LABELS[action],
            )
        _check_preconditions(problem, rule)
        signature = ""
        now = clock.now()
        if rule.signed:
            if not password_checked:
                auth.reauthenticate(session, password)
            signature = signed_content_hash(problem, session.actor.uuid, now.isoformat(), opinion)
        if rule.target != rule.source:
            closed_at = now if rule.target == State.CLOSED else None
            records.update(
                session,
                problem,
                expected_version=expected_version,
                action=f"transition:{action}",
                state=rule.target.value,
                closed_at=closed_at,
            )
        return records.create(
            session,
            Transition,
            problem=problem,
            action=action,
            from_state=rule.source.value,
            to_state=rule.target.value,
            user=session.user,
            user_name=session.name,
            at=now,
            opinion=opinion,
            signature=signature,
            origin_unit=problem.origin_unit,
        )


def apply_many(
    session: Session,
    problem_ids: Iterable[int],
    action: str,
    opinion: str = "",
    password: str | None = None,
) -> list[Transition]:
    """A batch action: the same checks as one by one, and all of it or none of it. A signer
    types the password once for the batch (one slow password check, not one per problem)."""
    checked = password is not None
    if checked:
        auth.reauthenticate(session, password)
    with database.atomic():
        return [
            apply(session, pid, action, opinion, password, password_checked=checked)
            for pid in problem_ids
        ]


def history(problem_id: int) -> list[Transition]:
    return list(
        Transition.select()
        .where(Transition.problem == problem_id)
        .order_by(Transition.at, Transition.id)
    )
