#!/usr/bin/env python3
"""permessage-deflate (RFC 7692) for chatctl's room frames: bytes saved and CPU spent.

Builds a reproducible stream of room message frames in the shape FrameEncoder writes
(Sources/ChatServer/RoomSockets/FrameEncoder.swift), then compresses it with zlib's raw
deflate (wbits < 0) the two ways RFC 7692 allows:

  * no context takeover: every message compressed on its own (one stream per thread,
    fully flushed after each message). Its output does not depend on the socket, so the
    server would compress once per message and write the same bytes to every socket of
    the room (one compress per message);
  * context takeover: every socket keeps its own compressor whose window carries over
    from message to message, so the output differs per socket: one compress per
    delivery, and one zlib stream (its window and hash tables) per socket.

Figures: payload and wire bytes per frame (frame header included), CPU microseconds per
compress call (best of --rounds; Python's call overhead included, see the baseline),
zlib's memory per compressor and decompressor measured with tracemalloc (CPython
allocates zlib's state through PyMem_RawMalloc, which tracemalloc traces), and the
join's history frame (50 messages in one array) compressed on its own.

    python3 Benchmarks/deflate/measure.py [--messages 5000] [--seed 6455]
"""

import argparse
import random
import statistics
import time
import tracemalloc
import zlib

WORDS = (
    "the be to of and a in that have i it for not on with he as you do at this but his by "
    "from they we say her she or an will my one all would there their what so up out if "
    "about who get which go me when make can like time no just him know take people into "
    "year your good some could them see other than then now look only come its over think "
    "also back after use two how our work first well way even new want because any these "
    "give day most us ok yes lol thanks thx sure great meeting tomorrow deploy build test "
    "release bug fix merged review lunch coffee later today tonight weekend sounds good "
    "ship it broken works here link docs ticket standup call zoom sorry late agree nice"
).split()
SENDERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
           "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"]
ROOM = "general"


def object_id(rng, seconds, counter):
    """24 hex digits as a MongoDB ObjectId: 4 bytes of time, 5 random, 3 of counter."""
    return "%08x%010x%06x" % (seconds & 0xFFFFFFFF, rng.getrandbits(40), counter & 0xFFFFFF)


def json_string(text):
    """The JSON string literal FrameEncoder.appendString writes."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def chat_stream(count, seed):
    """`count` room message frames (payloads, bytes) of a busy room, oldest first."""
    rng = random.Random(seed)
    room_id = object_id(rng, 1_714_560_000, 1)
    sender_ids = {name: object_id(rng, 1_714_000_000 + i, i) for i, name in enumerate(SENDERS)}
    millis = 1_714_566_896_000
    frames = []
    for seq in range(1, count + 1):
        # Chat lines: mostly short, a long tail (log-normal word counts, 1 to 60 words).
        words = max(1, min(60, int(rng.lognormvariate(1.8, 0.8))))
        content = " ".join(rng.choice(WORDS) for _ in range(words))
        if rng.random() < 0.1:
            content = content.capitalize() + rng.choice(["!", "?", " :)", "."])
        sender = rng.choice(SENDERS)
        millis += int(rng.expovariate(1 / 1500))
        seconds, ms = divmod(millis, 1000)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % ms
        parts = [
            '{"type":"message","content":', json_string(content),
            ',"id":"', object_id(rng, seconds, seq), '"',
            ',"room":', json_string(ROOM), ',"room_id":"', room_id, '"',
            ',"sender":', json_string(sender), ',"sender_id":"', sender_ids[sender], '"',
            ',"timestamp":"', stamp, '"', ',"seq":', str(seq),
        ]
        if rng.random() < 0.5:  # clients that resend give a client_id (a UUID)
            parts += [',"client_id":', json_string("%08x-%04x-4%03x-a%03x-%012x" % (
                rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48)))]
        parts.append("}")
        frames.append("".join(parts).encode())
    return frames


def header_bytes(length):
    """A server frame's header (unmasked): 2, 4 or 10 bytes."""
    return 2 if length < 126 else 4 if length <= 0xFFFF else 10


def deflate_message(compressor, payload, flush=zlib.Z_SYNC_FLUSH):
    """One message as RFC 7692 §7.2.1 sends it: flushed, the trailing 00 00 ff ff removed.
    A sync flush keeps the window for the next message (context takeover); a full flush
    forgets it, so the next message refers to nothing before it (no context takeover on
    one reused stream, as a server would run it, instead of a new stream per message)."""
    out = compressor.compress(payload) + compressor.flush(flush)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def new_compressor(level, wbits, mem_level):
    return zlib.compressobj(level, zlib.DEFLATED, -wbits, mem_level)


def time_per_call(function, rounds):
    """Best of `rounds` runs of `function` (which returns its call count): µs per call."""
    best = None
    for _ in range(rounds):
        start = time.perf_counter_ns()
        calls = function()
        elapsed = (time.perf_counter_ns() - start) / 1000 / calls
        best = elapsed if best is None else min(best, elapsed)
    return best


def memory_per_compressor(level, wbits, mem_level, count=200):
    """Bytes zlib holds per live compressor after one message (tracemalloc)."""
    payload = b'{"type":"message","content":"warm up"}'
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keep = []
    for _ in range(count):
        compressor = new_compressor(level, wbits, mem_level)
        deflate_message(compressor, payload)
        keep.append(compressor)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


def memory_per_decompressor(wbits, count=200):
    """Bytes zlib holds per live decompressor (the inbound side of a socket) after one message."""
    message = deflate_message(new_compressor(6, wbits, 8), b'{"type":"message","content":"warm up"}')
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keep = []
    for _ in range(count):
        decompressor = zlib.decompressobj(-wbits)
        decompressor.decompress(message + b"\x00\x00\xff\xff")
        keep.append(decompressor)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=6455)
    parser.add_argument("--rounds", type=int, default=5, help="timing runs; the best is reported")
    args = parser.parse_args()

    frames = chat_stream(args.messages, args.seed)
    sizes = [len(p) for p in frames]
    plain_wire = [header_bytes(n) + n for n in sizes]
    print("zlib %s, %d message frames (seed %d)" % (zlib.ZLIB_RUNTIME_VERSION, len(frames), args.seed))
    print("payload bytes: mean %.0f, p50 %d, p90 %d, max %d; wire bytes (with header) mean %.1f"
          % (statistics.mean(sizes), percentile(sizes, 0.5), percentile(sizes, 0.9), max(sizes), statistics.mean(plain_wire)))

    def baseline():
        noop = bytes.__len__
        for payload in frames:
            noop(payload)
            noop(payload)
        return len(frames)

    print("python call overhead (two no-op calls per message): %.2f µs" % time_per_call(baseline, args.rounds))
    print()
    print("| mode | level | window | wire bytes per frame | saved per frame | CPU µs per compress | compresses per message to N sockets | zlib memory per socket (deflate) |")
    print("|---|---|---|---|---|---|---|---|")

    for level in (1, 6):
        for wbits, mem_level in ((15, 8), (10, 4)):
            # No context takeover: one stream, fully flushed after every message, so each
            # compressed message stands alone and is the same for every socket.
            def standalone():
                compressor = new_compressor(level, wbits, mem_level)
                for payload in frames:
                    deflate_message(compressor, payload, zlib.Z_FULL_FLUSH)
                return len(frames)

            compressor = new_compressor(level, wbits, mem_level)
            wire = [header_bytes(len(c)) + len(c) for c in (deflate_message(compressor, p, zlib.Z_FULL_FLUSH) for p in frames)]
            print("| no context takeover | %d | 2^%d | %.1f | %.1f (%.0f %%) | %.2f | 1 | one per thread, not per socket |" % (
                level, wbits, statistics.mean(wire), statistics.mean(plain_wire) - statistics.mean(wire),
                100 * (1 - sum(wire) / sum(plain_wire)), time_per_call(standalone, args.rounds)))
            # Every message decompresses on its own (what no context takeover promises).
            for payload, compressed in zip(frames[:50], (deflate_message(new_compressor(level, wbits, mem_level), p) for p in frames[:50])):
                assert zlib.decompressobj(-wbits).decompress(compressed + b"\x00\x00\xff\xff") == payload

            # Context takeover: one stream per socket, every message through it. Every
            # socket of a room that joined together compresses the same sequence, so one
            # stream's cost per call is the cost per delivery.
            def streamed():
                compressor = new_compressor(level, wbits, mem_level)
                for payload in frames:
                    deflate_message(compressor, payload)
                return len(frames)

            compressor = new_compressor(level, wbits, mem_level)
            wire = [header_bytes(len(c)) + len(c) for c in (deflate_message(compressor, p) for p in frames)]
            memory = memory_per_compressor(level, wbits, mem_level)
            print("| context takeover | %d | 2^%d | %.1f | %.1f (%.0f %%) | %.2f | N | %.0f KiB |" % (
                level, wbits, statistics.mean(wire), statistics.mean(plain_wire) - statistics.mean(wire),
                100 * (1 - sum(wire) / sum(plain_wire)), time_per_call(streamed, args.rounds), memory / 1024))

    print()
    # The join's history frame: the 50 most recent messages, newest first, one array.
    histories = [b"[" + b",".join(reversed(frames[i:i + 50])) + b"]" for i in range(0, len(frames) - 49, 50)]

    def history():
        for payload in histories:
            deflate_message(new_compressor(6, 15, 8), payload)
        return len(histories)

    compressed = [len(deflate_message(new_compressor(6, 15, 8), h)) for h in histories]
    print("join history frame (50 messages): %.0f bytes, %.0f compressed on its own (%.0f %% saved), %.0f µs per compress (level 6, 2^15)" % (
        statistics.mean(len(h) for h in histories), statistics.mean(compressed),
        100 * (1 - sum(compressed) / sum(len(h) for h in histories)), time_per_call(history, args.rounds)))
    for wbits in (15, 10):
        print("zlib memory per socket for inbound frames (inflate, window 2^%d): %.0f KiB" % (wbits, memory_per_decompressor(wbits) / 1024))


if __name__ == "__main__":
    main()
