"""Write turns: one SQLite write at a time per process, first come first served; reads never wait."""

from __future__ import annotations

import asyncio

from core.write_turns import WriteTurns


async def _writers(
    turns: WriteTurns, count: int, *, write: bool = True, hold_until_all: bool = False
) -> tuple[list[int], int]:
    """``count`` writers arriving one after another; with ``hold_until_all`` each stays inside until all
    have entered (so writers that do not queue are all inside at once however slow the machine: a
    fixed sleep let the first leave before the last arrived on a loaded CI machine)."""
    entered: list[int] = []
    inside, most = 0, 0
    all_in = asyncio.Event()

    async def writer(number: int) -> None:
        nonlocal inside, most
        async with turns.turn(write=write):
            entered.append(number)
            inside += 1
            most = max(most, inside)
            if len(entered) == count:
                all_in.set()
            if hold_until_all:
                await asyncio.wait_for(all_in.wait(), timeout=10)  # writers that queue never get here together
            else:
                await asyncio.sleep(0.001)  # the transaction's work, with the loop free for others
            inside -= 1

    tasks = []
    for number in range(count):
        tasks.append(asyncio.create_task(writer(number)))
        await asyncio.sleep(0)  # let each arrive before the next
    await asyncio.gather(*tasks)
    return entered, most


def test_writes_take_turns_in_arrival_order():
    entered, most = asyncio.run(_writers(WriteTurns(enabled=True), 30))
    assert most == 1
    assert entered == list(range(30))


def test_reads_and_postgresql_writes_do_not_queue():
    _, most_reads = asyncio.run(_writers(WriteTurns(enabled=True), 10, write=False, hold_until_all=True))
    _, most_postgres = asyncio.run(_writers(WriteTurns(enabled=False), 10, hold_until_all=True))
    assert most_reads == most_postgres == 10


def test_each_event_loop_gets_its_own_queue():
    turns = WriteTurns(enabled=True)
    for _ in range(2):  # a lock bound to a closed loop would raise on the second run
        entered, most = asyncio.run(_writers(turns, 5))
        assert (entered, most) == ([0, 1, 2, 3, 4], 1)
