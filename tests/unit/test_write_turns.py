"""Write turns: one SQLite write at a time per process, first come first served; reads never wait."""

from __future__ import annotations

import asyncio

from core.write_turns import WriteTurns


async def _writers(turns: WriteTurns, count: int, *, write: bool = True) -> tuple[list[int], int]:
    entered: list[int] = []
    inside, most = 0, 0

    async def writer(number: int) -> None:
        nonlocal inside, most
        async with turns.turn(write=write):
            entered.append(number)
            inside += 1
            most = max(most, inside)
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
    _, most_reads = asyncio.run(_writers(WriteTurns(enabled=True), 10, write=False))
    _, most_postgres = asyncio.run(_writers(WriteTurns(enabled=False), 10))
    assert most_reads == most_postgres == 10


def test_each_event_loop_gets_its_own_queue():
    turns = WriteTurns(enabled=True)
    for _ in range(2):  # a lock bound to a closed loop would raise on the second run
        entered, most = asyncio.run(_writers(turns, 5))
        assert (entered, most) == ([0, 1, 2, 3, 4], 1)
