r"""Scanning running text chunk by chunk, with what each distinct chunk holds worked out once.

A chunk is what lies between two spaces (``text.split(" ")``).  The words of a corpus recur all the
time, so a scan that looks each chunk up in a dictionary does once what a regular expression would
otherwise do again at every character of every text (the ``re`` engine spends tens of nanoseconds on
each position it tries, a dictionary look-up about as much per chunk).

A pattern finds in a chunk exactly what it finds there in the whole text when its matches hold no space
and it looks no further around a match than the space on either side: a look-behind of one character
(``(?<!\w)``, or ``(?<![\w-].)`` after the first character) or a look-ahead of one (``(?![\w-])``,
``\b``) sees the same "not a word character" whether it meets a space or the chunk's edge.  Callers use
:class:`ChunkScan` only with such patterns.

A chunk met for the first time costs its analysis (a call and a match, a microsecond or two), so a scan
pays off only where that is cheap next to what it replaces: in a short document many chunks are new
(one in four across the seed pages), in a large corpus few are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# Distinct chunks kept per scan (a corpus has some tens of thousands; each costs ~200 bytes): past this
# many, new ones are worked out each time (correct, only slower), so that memory stays bounded.
MAX_CHUNKS = 100_000


class ChunkScan:
    """Hits of a per-chunk analysis over a whole text, in order, each distinct chunk analysed once.

    ``analyse(chunk)`` returns the hits in one chunk as ``(offset in the chunk, payload)`` pairs in
    order of offset; a scan returns them as ``(offset in the text, payload)``.

    >>> import re
    >>> scan = ChunkScan(lambda c: [(m.start(), m.group()) for m in re.finditer(r"(?<!\\w)ex\\w*", c)])
    >>> scan("an exchange,  an expo; next")
    [(3, 'exchange'), (17, 'expo')]
    """

    def __init__(self, analyse: Callable[[str], Sequence[tuple[int, Any]]]):
        self._analyse = analyse
        # Chunk -> (its length and space, its hits): the length kept too saves a call per chunk.
        self._known: dict[str, tuple[int, tuple[tuple[int, Any], ...]]] = {}

    def __call__(self, text: str) -> list[tuple[int, Any]]:
        known, out, pos = self._known, [], 0
        for chunk in text.split(" "):
            try:
                step, hits = known[chunk]  # a plain dict's subscript: cheaper than .get(), and a miss is rare
            except KeyError:
                step, hits = known_chunk = (len(chunk) + 1, tuple(self._analyse(chunk)))
                if len(known) < MAX_CHUNKS:
                    known[chunk] = known_chunk
            if hits:  # most chunks hold none: skip the loop's set-up
                for offset, payload in hits:
                    out.append((pos + offset, payload))
            pos += step  # past the chunk and its space
        return out
