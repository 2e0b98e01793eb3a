"""The case workflow: states and the transitions allowed between them.

::

    new -> in_review -> proposed -> decided -> closed
               ^  |         |          |
               |  +---------+          +-> appealed -> upheld  -> closed
               +-- (rejected)                       -> reversed -> closed
    closed -> in_review  (reopened, e.g. the network re-established itself)

Some transitions are made by people (``MANUAL``: start a review, close, reopen); the others
follow from a use case and cannot be asked for directly: proposing a decision moves the case to
``proposed``, rejecting the proposal back to ``in_review``, approving it to ``decided``, an
appeal to ``appealed``, its outcome to ``upheld`` or ``reversed`` (a further appeal on the same
decision may move an upheld or reversed case back to ``appealed``).
"""

from __future__ import annotations

from .errors import InvalidTransition

__all__ = ["STATES", "TRANSITIONS", "MANUAL", "check_transition"]

STATES = ("new", "in_review", "proposed", "decided", "appealed", "upheld", "reversed", "closed")

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"in_review"}),
    "in_review": frozenset({"proposed"}),
    "proposed": frozenset({"in_review", "decided"}),
    "decided": frozenset({"appealed", "closed"}),
    "appealed": frozenset({"upheld", "reversed", "appealed"}),
    "upheld": frozenset({"appealed", "closed"}),
    "reversed": frozenset({"appealed", "closed"}),
    "closed": frozenset({"in_review", "appealed"}),
}

#: Transitions a user may ask for through ``POST /cases/{id}/transition``.
MANUAL: frozenset[tuple[str, str]] = frozenset({
    ("new", "in_review"), ("decided", "closed"), ("upheld", "closed"), ("reversed", "closed"),
    ("closed", "in_review"),
})


def check_transition(current: str, target: str, *, manual: bool) -> None:
    if target not in STATES:
        raise InvalidTransition(f"there is no case state {target!r}",
                                remedy="choosing one of " + ", ".join(STATES))
    if target not in TRANSITIONS[current]:
        allowed = sorted(TRANSITIONS[current])
        raise InvalidTransition(
            f"a case cannot go from {current} to {target}",
            remedy="moving it to " + (", ".join(allowed) if allowed else "nothing further"))
    if manual and (current, target) not in MANUAL:
        raise InvalidTransition(
            f"{current} -> {target} follows from a decision, an approval or an appeal, not from "
            "a request to change state",
            remedy="proposing, approving or appealing a decision instead")
