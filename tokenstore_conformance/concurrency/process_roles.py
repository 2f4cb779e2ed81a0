"""Roles only process checks use: field updates, lookups across instances, the crash victim."""

from __future__ import annotations

from ..records import CLIENT
from . import plans
from .roles import error_text, save, snapshot
from .target import make_token

# PROC-UPDATE: which fields each of the two writers owns (the other's are None in its tokens).
OWNED = {
    "access": ("access_token", "expires_in"),
    "refresh": ("refresh_token",),
}


def owned_values(side: str, worker: int, n: int) -> dict[str, str]:
    """The values of the n-th update of one writer: only the fields it owns."""
    if side == "access":
        return {
            "access_token": f"1000.access.upd{worker}.{n}",
            "expires_in": str(plans.EXPIRY_BASE + 10**9 + n),
        }
    return {"refresh_token": f"1000.refresh.upd{worker}.{n}"}


def update_step(store, calls, args: dict, emit=None) -> dict:
    """One round of a writer that updates only its own fields of one record.

    First it reads the record back by id: its own fields must still hold what
    its last update wrote (``last``), since only it writes them. Then it saves
    its next update. All writers of a round start together, so their reads and
    writes overlap in every round.
    """
    name, record_id, side, worker, last = args["name"], args["id"], args["side"], args["worker"], args["last"]
    who = f"process {worker} (updating {', '.join(OWNED[side])})"
    answer: dict = {"found": None, "saved": None, "error": None}
    if last is not None:
        try:
            with calls.active(f"find_token_by_id({record_id}) in {who}"):
                found = store.find_token_by_id(record_id)
            if found is not None:
                record = plans.from_json(plans.snapshot(found))
                answer["found"] = {field: getattr(record, field) for field in last}
        except Exception as exc:
            answer["error"] = f"find_token_by_id raised {error_text(exc)}"
    values = owned_values(side, worker, args["n"])
    token = make_token(user_name=name, **CLIENT, **values)
    try:
        with calls.active(f"save_token({name}) in {who}"):
            store.save_token(token)
        answer["saved"] = values
    except Exception as exc:
        answer["error"] = f"save_token raised {error_text(exc)}"
    return answer


def lookups(store, calls, args: dict, emit=None) -> dict:
    """Look users up by user name and by id with this instance, and list every record."""
    answers: dict[str, object] = {}
    for name in args["names"]:
        try:
            with calls.active(f"find_token({name})"):
                found = store.find_token(make_token(user_name=name))
            answers[f"find_token({name})"] = plans.snapshot(found) if found is not None else None
        except Exception as exc:
            answers[f"find_token({name})"] = {"error": error_text(exc)}
    for record_id in args["ids"]:
        try:
            with calls.active(f"find_token_by_id({record_id})"):
                found = store.find_token_by_id(record_id)
            answers[f"find_token_by_id({record_id})"] = plans.snapshot(found) if found is not None else None
        except Exception as exc:
            answers[f"find_token_by_id({record_id})"] = {"error": error_text(exc)}
    answers["get_tokens()"] = snapshot(store, calls)
    return answers


def save_versions(store, calls, args: dict, emit=None) -> list:
    """Save the given (user, serial) versions one after another."""
    return [
        save(store, calls, name, serial, f"process {args['worker']}") for name, serial in args["versions"]
    ]


def save_forever(store, calls, args: dict, emit) -> None:
    """The crash victim: save versions of a few users in turn, reporting each return, until killed."""
    names, first = args["names"], args["first_serial"]
    emit({"saving": True})
    n = 0
    while True:
        entry = save(store, calls, names[n % len(names)], first + n, "the victim process")
        emit({"returned": entry})
        n += 1


ROLES = {
    "update_step": update_step,
    "lookups": lookups,
    "save_versions": save_versions,
    "save_forever": save_forever,
}
