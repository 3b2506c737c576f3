"""Per-file time and memory budget: files are scanned in forked worker processes that can be stopped.

A scanned repository is untrusted, and one file can make a parser run for minutes (a pathological syntax error),
take gigabytes, or crash it outright (libcst's native parser overflows its stack on 10,000 chained `and`s:
SIGSEGV, which no `try` catches). So the work of every file runs in a worker process:

- a worker limits its own address space (RLIMIT_AS) to what it had when it started plus the memory budget, so
  a file that wants more gets a MemoryError (a diagnostic) instead of taking the machine's memory;
- a worker gives each file a CPU-time budget (RLIMIT_CPU, raised before each file to what it has used plus the
  budget; the kernel stops it with SIGXCPU past it), so a busy machine does not make a slow file look hung;
- the parent kills (SIGKILL) a worker whose file takes WALL_FACTOR times the budget in wall-clock time (a file
  that blocks rather than computes);
- a worker that dies or is killed costs the file it was working on one diagnostic; the files queued behind it go
  to a fresh worker and the scan goes on.

Workers are forked (they start warm, with the parsers the parent imported) and fed a few files at a time over a
pipe, as length-prefixed pickles of our own objects (a Candidate in, a result out). Plain `os.fork` and pipes, not
`multiprocessing`: a pre-commit run of a few files pays for neither its import nor its start-up.
Where there is no `fork` (Windows), `available()` is False and the caller scans in its own process, unbudgeted.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

_HEADER = struct.Struct("!Q")
# Files handed to a worker ahead of time: the next is ready when one finishes, and the requests stay far below a
# pipe's buffer, so the parent never blocks writing to a worker that is busy (or stuck).
IN_FLIGHT = 2
# A file may take this many times its CPU budget in wall-clock time (a loaded machine shares its cores:
# wall-clock time 8 times the CPU time was measured on a shared 2-core machine).
WALL_FACTOR = 10


def available() -> bool:
    return hasattr(os, "fork") and hasattr(select, "poll")


def run(
    items: Iterable[Any],
    work: Callable[[Any], Any],
    failed: Callable[[Any, str], Any],
    *,
    jobs: int,
    timeout: float | None,
    memory_bytes: int | None,
    progress: Callable[[int], None] | None = None,
) -> list:
    """`work(item)` for every item, in up to `jobs` workers, in no particular order.

    An item whose worker ran out of time (`timeout`: CPU seconds per item) or memory, or died, gives
    `failed(item, why)` instead (`why` says which).
    `progress(n)` hears of every n items done, as they finish.
    """
    wall = timeout * WALL_FACTOR if timeout else None
    queue = deque(items)
    done: list = []
    told = 0
    workers: list[_Worker] = []
    try:
        while queue or any(w.inflight for w in workers):
            while len(workers) < jobs and queue:
                workers.append(_Worker(work, memory_bytes, timeout, [fd for w in workers for fd in w.fds]))
            for worker in list(workers):
                while len(worker.inflight) < IN_FLIGHT and queue:
                    if not worker.send(queue[0]):
                        # Died before taking it. With nothing else in flight, it counts against this item, so
                        # that workers that die at start cannot loop forever.
                        if not worker.inflight:
                            done.append(failed(queue.popleft(), worker.stop()))
                            workers.remove(worker)
                        break
                    queue.popleft()
            busy = [w for w in workers if w.inflight]
            for worker in _wait(busy, wall):
                result = worker.receive()
                if result is not _DIED:
                    done.append(result)
                    continue
                done.append(failed(worker.inflight.popleft(), worker.stop(timeout)))
                queue.extendleft(reversed(worker.inflight))
                workers.remove(worker)
            now = time.monotonic()
            for worker in [w for w in workers if w.inflight and wall and now - w.since >= wall]:
                worker.stop()
                done.append(failed(worker.inflight.popleft(),
                                   f"took longer than the {timeout:g} s per-file time budget"))
                queue.extendleft(reversed(worker.inflight))
                workers.remove(worker)
            if progress is not None and len(done) > told:
                progress(len(done) - told)
                told = len(done)
    finally:
        for worker in workers:  # an idle worker ends when its pipe closes; a busy one (Ctrl-C, an error) is killed
            worker.stop(gently=not worker.inflight)
    return done


def _wait(busy: list["_Worker"], timeout: float | None) -> list["_Worker"]:
    """The busy workers with a result (or an end) to read, after waiting at most until the first deadline."""
    if not busy:
        return []
    poller = select.poll()
    by_fd = {}
    for worker in busy:
        poller.register(worker.reader, select.POLLIN | select.POLLHUP | select.POLLERR)
        by_fd[worker.reader] = worker
    wait_ms = None
    if timeout:
        deadline = min(w.since for w in busy) + timeout
        wait_ms = max(0, int((deadline - time.monotonic()) * 1000) + 1)
    return [by_fd[fd] for fd, _event in poller.poll(wait_ms)]


_DIED = object()


class _Worker:
    def __init__(self, work: Callable[[Any], Any], memory_bytes: int | None, cpu_seconds: float | None,
                 inherited_fds: list[int]) -> None:
        request_r, request_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the caller's stack
            code = 0
            try:
                for fd in (request_w, result_r, *inherited_fds):  # other workers' pipes: their ends must be theirs
                    os.close(fd)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the worker quietly with the parent
                _quiet_crashes()
                _limit_memory(memory_bytes)
                _serve(request_r, result_w, work, cpu_seconds)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(request_r)
        os.close(result_w)
        self.pid, self.reader, self.writer = pid, result_r, request_w
        self.fds = (result_r, request_w)
        self.inflight: deque = deque()  # items sent, oldest first: the head is the one being worked on
        self.since = time.monotonic()  # when the head item started

    def send(self, item: Any) -> bool:
        """Hand `item` over; False when the worker has died meanwhile (its end is noticed when reading)."""
        try:
            _write_message(self.writer, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:
            return False
        if not self.inflight:
            self.since = time.monotonic()
        self.inflight.append(item)
        return True

    def receive(self) -> Any:
        """The next result, or _DIED when the worker ended before sending it whole."""
        data = _read_message(self.reader)
        if data is None:
            return _DIED
        self.inflight.popleft()
        self.since = time.monotonic()
        return pickle.loads(data)  # written by our own worker, from our own objects

    def stop(self, timeout: float | None = None, gently: bool = False) -> str:
        """End the worker (kill it unless `gently` and it ends on its own); why it ended, for a diagnostic."""
        for fd in self.fds:
            os.close(fd)
        if not gently:
            _kill(self.pid)
        try:
            _pid, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return "the worker scanning it ended unexpectedly"
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            if number == getattr(signal, "SIGXCPU", None) and timeout:
                return f"took longer than the {timeout:g} s per-file time budget"
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            return f"the parser crashed on this file ({name})"
        return f"the worker scanning it stopped (exit status {os.WEXITSTATUS(status)})"


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _serve(reader: int, writer: int, work: Callable[[Any], Any], cpu_seconds: float | None) -> None:
    while True:
        data = _read_message(reader)
        if data is None:  # the parent closed the pipe: no more work
            return
        _limit_cpu(cpu_seconds)
        _write_message(writer, pickle.dumps(work(pickle.loads(data)), protocol=pickle.HIGHEST_PROTOCOL))


def _quiet_crashes() -> None:
    """A crash is reported by the parent as a diagnostic: no traceback dump on the terminal as well."""
    faulthandler = sys.modules.get("faulthandler")
    if faulthandler is not None and faulthandler.is_enabled():
        faulthandler.disable()


def _limit_cpu(budget: float | None) -> None:
    """Let this process use `budget` more CPU seconds from now (whole seconds, rounded up), then SIGXCPU."""
    if not budget:
        return
    try:
        import math
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        limit = math.ceil(usage.ru_utime + usage.ru_stime + budget)
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


def _limit_memory(budget: int | None) -> None:
    """Cap this process's address space at its current size plus `budget` bytes (Linux; elsewhere a no-op)."""
    if not budget:
        return
    try:
        import resource

        with open("/proc/self/statm", "rb") as handle:
            size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + budget
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or limit < soft:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


def _write_message(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int) -> bytes | None:
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(fd, _HEADER.unpack(header)[0])


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


__all__ = ["available", "run"]
