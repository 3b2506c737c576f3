"""How the place a statement stands in changes the state of what it says."""

from __future__ import annotations

from ...evidence import State


def combine(context: State, own: State) -> State:
    """The state of a fact with its own state `own`, written where `context` holds.

    Commented-out code only mentions; dead code is disabled; anything in a
    branch that may or may not run is conditional, whatever it switches.
    """
    if context is State.MENTIONED or own is State.MENTIONED:
        return State.MENTIONED
    if context is State.DISABLED:
        return State.DISABLED
    if context is State.CONDITIONAL:
        return State.CONDITIONAL
    return own


_WHERE = {
    State.MENTIONED: "in a comment",
    State.DISABLED: "in a branch that cannot run",
    State.CONDITIONAL: "in a branch that runs only under a runtime condition",
}


def where(context: State) -> str:
    """A phrase for the message saying why the context changed the state ('' when it did not)."""
    return _WHERE.get(context, "")


_DEPTH = {State.ENABLED: 0, State.CONDITIONAL: 1, State.DISABLED: 2, State.MENTIONED: 3}


def nest(outer: State, inner: State) -> State:
    """The context of a block inside another: a dead branch inside a conditional one is still dead."""
    return outer if _DEPTH[outer] >= _DEPTH[inner] else inner
