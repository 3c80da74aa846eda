"""Taking the text a person typed in answer to a prompt of the thread."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.access import AccessRefused
from incidents.core import Core
from incidents.thread import directing, inputs, lifecycle
from storage.models import PendingInputKind, Person


@dataclass(frozen=True, slots=True)
class Answered:
    """Which kind of prompt the text answered (and the incident's reference, once closed, with
    whether it is a drill's)."""

    kind: PendingInputKind
    reference: str
    drill: bool = False


async def answer(
    core: Core,
    person: Person,
    kind: PendingInputKind,
    incident_id: int,
    request_id: int | None,
    text: str,
) -> Answered:
    """Instruct, ask, answer or close with the text; the prompt is over either way (a refusal
    is raised after the pending input is dropped)."""
    try:
        match kind:
            case PendingInputKind.INSTRUCTION:
                await directing.instruct(core, person, incident_id, text)
            case PendingInputKind.INFO_QUESTION:
                await directing.request_info(core, person, incident_id, text)
            case PendingInputKind.INFO_ANSWER:
                assert request_id is not None
                await directing.answer_info(core, person, request_id, text)
            case _:
                closed = await lifecycle.close(core, person, incident_id, text)
                return Answered(kind, closed.reference, closed.drill_id is not None)
    except AccessRefused:
        await inputs.clear(core, person)
        raise
    return Answered(kind, "")
