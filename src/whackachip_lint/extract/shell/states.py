"""How the place a statement stands in changes the state of what it says."""

from __future__ import annotations

from ...evidence import State


def combine(context: State, own: State) -> State:
    """The state of a fact with its own state `own`, written where `context` holds.

    Commented-out code only mentions (wherever the comment stands); code that
    cannot run is dead, whatever it would switch; anything in a branch that may
    or may not run is conditional, whatever it switches.
    """
    if context is State.MENTIONED or own is State.MENTIONED:
        return State.MENTIONED
    if context is State.DEAD or own is State.DEAD:
        return State.DEAD
    if context is State.CONDITIONAL:
        return State.CONDITIONAL
    return own


_WHERE = {
    State.MENTIONED: "in a comment",
    State.CONDITIONAL: "in a branch that runs only under a runtime condition",
}
# Why code cannot run, for the message (the rule's phrase already says that it cannot).
DEAD_BRANCH = "a branch the file's own values rule out"


def where(context: State, dead_why: str = DEAD_BRANCH) -> str:
    """A phrase for the message saying why the context changed the state ('' when it did not)."""
    return dead_why if context is State.DEAD else _WHERE.get(context, "")


_DEPTH = {State.ENABLED: 0, State.CONDITIONAL: 1, State.DISABLED: 2, State.DEAD: 3, State.MENTIONED: 4}


def nest(outer: State, inner: State) -> State:
    """The context of a block inside another: a dead branch inside a conditional one is still dead."""
    return outer if _DEPTH[outer] >= _DEPTH[inner] else inner
