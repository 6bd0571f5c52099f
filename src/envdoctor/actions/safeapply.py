"""The parts of `fix --apply` that keep it safe under faults: a verified rollback that a signal
does not cut short, and what to say when a signal stopped a fix half-way."""

from __future__ import annotations

from envdoctor.actions import interrupts
from envdoctor.actions import restore as restore_points
from envdoctor.actions.uvtool import IndexOptions
from envdoctor.errors import EnvdoctorError
from envdoctor.probe.collect import describe


def roll_back(
    point: restore_points.RestorePoint, python: str, *, index: IndexOptions, quiet: bool
) -> restore_points.RestoreResult:
    """Restore the point, verified; signals are only noted meanwhile (a rollback is finished)."""
    with interrupts.finishing():
        try:
            result = restore_points.restore(point, describe(python), index=index, quiet=quiet)
        except EnvdoctorError as exc:  # refused or not runnable: the point is still there
            result = restore_points.RestoreResult(point=point)
            result.manual = [f"the rollback could not run: {exc}"]
    ROLLED_BACK[:] = [(point.id, result.ok)]
    return result


#: the rollback this process made, (point ID, verified): what an interruption after it says
ROLLED_BACK: list[tuple[str, bool]] = []


def interruption(exc: interrupts.Interrupted) -> interrupts.Interruption:
    """The one line for a signal outside the steps: before any change, or after a rollback."""
    if not ROLLED_BACK:
        return interrupts.Interruption(f"interrupted by {exc.label}; nothing was changed", exc.signum)
    point_id, ok = ROLLED_BACK[-1]
    state = "verified" if ok else "INCOMPLETE: see `envdoctor restore --list`"
    return interrupts.Interruption(
        f"interrupted by {exc.label} after rolling back to restore point {point_id} ({state})", exc.signum
    )


def after_interrupt(
    point: restore_points.RestorePoint,
    python: str,
    exc: interrupts.Interrupted,
    *,
    index: IndexOptions,
    quiet: bool,
) -> interrupts.Interruption:
    """After a signal mid-fix: the child is stopped already; roll back, verify, and say so."""
    restore_points.journal(point, "interrupted", signal=exc.label)
    if not quiet:
        interrupts.say(f"envdoctor: {exc.label}: stopping, rolling back to {point.id}")
    restored = roll_back(point, python, index=index, quiet=True)
    state = "rolled-back" if restored.ok else "rollback-failed"
    restore_points.journal(point, "result", state=state, remaining=restored.remaining()[:50])
    again = restore_points.restore_command(python, point.id)
    if restored.ok:
        return interrupts.Interruption(
            f"interrupted by {exc.label}; rolled back to restore point {point.id} (verified file by file)", exc.signum
        )
    remaining = restored.remaining()
    return interrupts.Interruption(
        f"interrupted by {exc.label}; ROLLBACK INCOMPLETE, {len(remaining)} difference(s) from restore point "
        f"{point.id}: " + "; ".join(remaining[:10]) + f". Bring it back with: {again}",
        exc.signum,
    )
