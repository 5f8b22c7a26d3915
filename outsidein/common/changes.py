"""Change notifications: how a lower layer says "an input changed" without importing upward.

Standards, calendars and imports change what results are computed from; compliance, which sits
above them, must learn of it. Lower layers call `inputs_changed(...)`; a higher layer registers
a listener once, in its `AppConfig.ready` (ADR 0015). Listeners run in registration order, in
the caller's transaction: one that needs the change to be committed (queuing a task) defers its
own work with `transaction.on_commit`. Not Django signals: the call is explicit at the service
that made the change, and the set of notifications is this module's one function.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InputsChanged:
    """What changed: a reason for people (shown with the queued run) and, when known, the
    standard versions whose inputs changed (None: any may have; the listener decides)."""

    reason: str
    versions: tuple[int, ...] | None = None


Listener = Callable[[InputsChanged], None]
_listeners: list[Listener] = []


def on_inputs_changed(listener: Listener) -> Listener:
    """Register a listener (idempotent: a listener registered twice is called once)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def inputs_changed(*, reason: str, versions=None) -> None:
    """Tell every listener that results' inputs changed (a standard, a calendar, records)."""
    change = InputsChanged(reason=reason, versions=None if versions is None else tuple(
        sorted({getattr(v, "pk", v) for v in versions})))
    for listener in list(_listeners):
        listener(change)


def listeners() -> tuple[Listener, ...]:
    """The registered listeners, in order (for tests and diagnostics)."""
    return tuple(_listeners)
