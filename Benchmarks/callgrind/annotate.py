#!/usr/bin/env python3
"""Splits a callgrind profile of `chatctl serve chat` into the hot path's components.

    python3 Benchmarks/callgrind/annotate.py PROFILE [--posts N] [--deliveries D] [--json]
        [--fold-runtime] [--top K] [--explain COMPONENT]
    python3 Benchmarks/callgrind/annotate.py --diff A.json B.json
    python3 Benchmarks/callgrind/annotate.py --show REPORT.json

Reads the callgrind file itself (each function's exclusive cost, each call edge's
inclusive cost and call count), demangles the Swift names with `swift-demangle`, and
prints for each component its Ir (instructions executed), Ir per post, Ir per delivery
and share of the total, then the total and the total less the time-driven components
(`--json`: the same for machines). Run.sh passes the posts and deliveries the generator
measured; without them the profile's own call counts are used. Those counts are printed
either way, as a check of the window: frames handed to `RoomSocket.received` (the posts),
frames written to room sockets by `RoomConnection.writeNow` (the deliveries), and every
frame the room sockets read (the posts plus the clients' pongs).

Method: every instruction is counted once, under one component. A function's exclusive
(self) cost goes to the component of the nearest function on its call stack, itself
first, that matches a pattern of COMPONENTS (the first matching component in table
order). Callgrind keeps call edges, not stacks, so "its call stack" is rebuilt in
proportion: an unmatched function's cost is shared among its callers in proportion to
the inclusive cost of each caller's calls to it, and so on upwards until a matching
function; the cost of functions nobody matched up to a thread's start is "other".

Schedulers (BARRIERS: Swift's executors and job runners, the event loops, future
callbacks, libdispatch, GRDB's database queue) run work that has nothing to do with
whoever called them, so the proportional rebuild stops there: what they run inherits
their own component (mostly "concurrency"), never their callers'. Swift async functions
are resumed by the executor, not called by their caller, but each resume partial
function keeps its function's name ("await resume partial function for
ChatCore.PostMessage.commit…"), and a closure is its enclosing function's, so they match
where their function does. Patterns are matched against that owner's name without its
signature (`identity`): "NIOCore.EventLoop" matches the event loop's functions, not
every function taking an EventLoopPromise.

Three ways a component takes cost (its "mode" in the table):
  * calls: its functions' own cost and that of the unmatched functions they call;
  * self: its functions' own cost only — what they call is attributed as if they were
    not on the stack. The runtime (ARC, allocation, exclusivity checks) is one: `malloc`
    called by SQLite counts under "runtime", not "store". `--fold-runtime` turns the
    runtime's patterns off, and its cost goes to the calling component;
  * subtree: everything below its functions, matched or not. The time-driven work is
    so: "keepalive" (pings: each socket every 30 s) and "timers" (once a second: WAL
    checkpoints, log pollers, node heartbeat), paid per second, not per post; the total
    "less keepalive and timers" leaves them out. (The clients' pongs are read like any
    frame and count under "socket read"; their number is printed.)

`--top K` lists each component's K costliest functions (the exclusive cost attributed to
it), `--explain C` 40 of one component: the way to check and extend the table. `--diff`
compares two `--json` reports (Ir per post, A then B); `--show` prints one as the table.

The pattern table, COMPONENTS, is the one place that decides what belongs where.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

# The pattern table: (component, mode, patterns). Each pattern is a regular expression
# searched in a function's identity (its demangled name without the signature) or, prefixed
# with "ob:", in the path of the ELF object holding it. The first component with a
# matching pattern, in this order, is a function's own: the more specific ones come first.
COMPONENTS = [
    # Time-driven, not per post: the per-event-loop ping timer (each socket every 30 s) …
    ("keepalive", "subtree", [r"\bSocketKeepAlive\b", r"\bLoopPinger\b"]),
    # … and the once-a-second tasks: WAL checkpoints, the session-end and moderation log
    # pollers, the node heartbeat, the pending-event relay. A post only writes the store,
    # so every read through GRDB's reader pool in the window is a poller's.
    ("timers", "subtree", [r"\bPeriodic\.run\b", r"\bSQLiteCheckpointer\b",
                           r"\bSQLiteChatStore\.(checkpointOnWriter|sessionEnds|moderationNotices|register|liveNodes)\b",
                           r"\b(LogCursor|SessionEndWatcher|ModerationWatcher|NodeHeartbeat|PendingEventRelay)\b",
                           r"^GRDB\.DatabasePool\.read\b"]),
    ("logging", "calls", [r"^Logging\.", r"\bLine(LogHandler|Sink|Queue)\b", r"\bProcessLogLevel\b"]),
    ("metrics", "calls", [r"^CoreMetrics\.", r"^Metrics\.", r"^Prometheus\.", r"\bChatMetrics\b", r"\bFanoutClock\b",
                          r"\bConnectionMeter\b", r"\bRequestMetricsMiddleware\b", r"in conformance Prometheus\."]),
    ("validate", "calls", [r"\bInputRules\b", r"\bRoomPolicy\b", r"\bRoomRuleCache\b", r"\bSlowModeClock\b", r"\bRoomRestrictions\b",
                           r"^ChatCore\.RoomRules\b", r"\bTokenBucket\b", r"\bRoomSocket\.allow\b", r"trimmingWhitespace"]),
    ("decode", "calls", [r"\bRoomSocketController\.(decodeInbound|InboundFrame)\b", r"\bJSONDecoder\b", r"\bJSONDecoderImpl\b",
                         r"\bJSONScanner\b", r"\bJSONMap\b", r"\bJSONBody\b"]),
    ("fan-out encode", "calls", [r"\bFrameEncoder\b", r"\bRoomConnection\.Frame\.init\b", r"\bJSONEncoder\b", r"\bJSONWriter\b"]),
    ("sequence", "calls", [r"\bRoomSequencer\b"]),
    ("cache", "calls", [r"\bRecentMessageCache\b", r"\bMemoryRecentCache\b", r"\bNoRecentCache\b", r"\bRedisRecentCache\b",
                        r"^ChatCore\.RecentMessages\b"]),
    ("store", "calls", [r"^GRDB\.", r"in conformance GRDB\.", r"^GRDBSQLite\b", r"^sqlite3", r"ob:libsqlite3", r"\bSQLiteChatStore\b",
                        r"\bSQLiteCheckpointer\b", r"\bGroupCommitWriter\b", r"\bMemoryChatStore\b", r"\bMongoChatStore\b"]),
    ("events", "calls", [r"\b(InProcessEventQueue|DiscardingEventQueue|InProcessEventConsumer|MessageEventQueue|AMQPEventQueue)\b",
                         r"^ChatCore\.MessageEvent\b"]),
    ("post (use case)", "calls", [r"\bPostMessage\b", r"\bRoomSocket\.(handle|postQueued|nextQueued)\b"]),
    ("fan-out hub", "calls", [r"\bRoomHub\b", r"\bRoomConnection\b", r"\bLoopFlusher\b", r"\bLoopFlag\b", r"\bLocalFanout\b",
                              r"\bRedisFanout\b"]),
    ("socket write", "calls", [r"^NIOCore\.ChannelHandlerContext\.(write|flush|invokeWrite|invokeFlush|writeAndFlush|invokeWriteAndFlush)\b",
                               r"^NIOCore\.(Channel|ChannelOutboundInvoker)\.(write|flush|writeAndFlush)\b",
                               r"^protocol witness for NIOCore\.(Channel|ChannelOutboundInvoker)\.(write|flush|writeAndFlush)\b",
                               r"^NIOCore\.ChannelPipeline\.(_?(write|flush|writeAndFlush)0?|HeadChannelHandler\.(write|flush))\b",
                               r"\bPendingStreamWrites", r"\bPendingWritesManager\b", r"^NIOPosix\.IOVector",
                               r"^NIOPosix\.\w*Channel\.(write\w*|flush\w*|markFlushPoint|bufferPendingWrite|hasFlushedPendingWrites)\b",
                               r"^NIOPosix\.(Socket|BaseSocket|Posix|NIOBSDSocket)\.(write|writev|sendmsg)\b",
                               r"\bWebSocketFrameEncoder\b", r"^(__)?(writev|write|sendmsg|__libc_write\w*)$"]),
    ("socket read", "calls", [r"^NIOCore\.ChannelHandlerContext\.(fireChannelRead\w*|invokeChannelRead\w*|read|invokeRead)\b",
                              r"^NIOCore\.ChannelPipeline\.(fireChannelRead\w*|HeadChannelHandler\.read)\b",
                              r"\bByteToMessageHandler\b", r"\bWebSocketFrameDecoder\b", r"\bWSParser\b",
                              r"\bWebSocketProtocolErrorHandler\b", r"\bwebSocketMask\b",
                              r"^NIOPosix\.\w*Channel\.(readFromSocket|readable\w*|readIfNeeded\w*|read0)\b",
                              r"^NIOPosix\.(Socket|BaseSocket|Posix|NIOBSDSocket)\.(read|recv)\b", r"RecvByteBufferAllocator\b",
                              r"\bServerWebSocketHandler\b", r"^ChatServer\.RoomSocket\.received\b",
                              r"^protocol witness for ChatServer\.WebSocketSession\.received\b", r"^(__)?(read|recv|readv|__libc_read)$"]),
    ("runtime", "self", [r"^swift_(retain|release|allocObject|deallocObject|deallocClassInstance|deallocUninitializedObject|"
                         r"bridgeObject(Retain|Release)|unknownObject(Retain|Release)|nonatomic_|isUniquelyReferenced|beginAccess|"
                         r"endAccess|weak|unowned|initStackObject|slowAlloc|slowDealloc|allocBox|deallocBox|retain_n|release_n|"
                         r"setDeallocating|allocEmptyBox|arrayDestroy|arrayInit)",
                         r"^_swift_(release|retain)", r"\bswift::RefCounts\b", r"^swift::runtime::(AccessSet|SwiftTLSContext)\b",
                         r"^swift::(HeapObject|_swift_release_dealloc)\b",
                         r"^(malloc|free|calloc|realloc|cfree|_int_malloc|_int_free|_int_realloc|malloc_consolidate|unlink_chunk|"
                         r"tcache_\w+|__libc_(malloc|free|calloc|realloc)|malloc_\w+|aligned_alloc|posix_memalign|_mid_memalign|"
                         r"sysmalloc|__brk|__sbrk)$", r"^operator (new|delete)"]),
    # Scheduling: Swift concurrency's tasks and executors, the event loops, libdispatch …
    ("concurrency", "calls", [r"^swift_(task|job|continuation|asyncLet|defaultActor|taskGroup|Concurrency|executor|get\w*Executor)",
                              r"^swift::(AsyncTask|Job|TaskGroup|TaskLocal|DefaultActor|StackAllocator|ContinuationAsyncContext|"
                              r"runJobInEstablishedExecutorContext|SerialExecutorRef|TaskExecutorRef|ActiveTaskStatus|"
                              r"TaskStatusRecord|removeStatusRecord|addStatusRecord|_swift_task)\b", r"\bwithStatusRecordLock\b",
                              r"^completeTask", r"^(DefaultActorImpl|ProcessOutOfLineJob)::", r"^_Concurrency\.",
                              r"^NIOPosix\.(SelectableEventLoop|Selector|Epoll|MultiThreadedEventLoopGroup|NIOThreadPool|"
                              r"ScheduledTask|LoopTask|UnderlyingTask|ErasedUnownedJob|MetricsDelegateState)\b",
                              r"^NIOCore\.(EventLoop|EventLoopFuture|EventLoopPromise|CallbackList|RepeatedTask|Scheduled)\b",
                              r"in conformance NIOPosix\.SelectableEventLoop\b", r"\bc_nio_posix_get_el_id\b", r"^Dispatch\.",
                              r"^_?dispatch_", r"ob:libdispatch", r"^_Block_",
                              r"^(epoll_wait|__GI_epoll_wait|epoll_ctl|eventfd_write|eventfd_read|timerfd_settime|clock_gettime|"
                              r"__clock_gettime\w*|swift_get_time)$"]),
    # … and locks, whose closures run in their caller's place.
    ("concurrency", "self", [r"^NIOCore\.NIOLoopBound", r"^Synchronization\.(Mutex|_MutexHandle|Atomic)\b", r"^NIOConcurrencyHelpers\.",
                             r"^(__)?pthread_", r"^sem_(post|wait|timedwait)", r"^__new_sem_", r"^(__)?futex", r"^__lll_(un)?lock",
                             r"^lll_"]),
]

# Schedulers: the functions that run work handed to them (jobs, event-loop tasks, future
# callbacks, GRDB's database queue). What they run inherits nothing from whoever called
# them, which is unrelated to the work (a timer's await must not make the next post a
# timer's): a resumed function named after a component takes that component, and the
# unmatched code a scheduler runs counts as the scheduler's own (mostly "concurrency").
BARRIERS = [r"^swift_(job_run|task_switch|task_enqueue\w*|continuation_resume\w*|task_create\w*)\b",
            r"^swift::(runJobInEstablishedExecutorContext|AsyncTask::flagAsAndEnqueueOnExecutor)\b",
            r"^(DefaultActorImpl|ProcessOutOfLineJob)::", r"^completeTask",
            r"^NIOPosix\.(SelectableEventLoop|NIOThreadPool)\b", r"^NIOCore\.(CallbackList|EventLoopFuture|EventLoopPromise)\b",
            r"in conformance NIOPosix\.SelectableEventLoop\b", r"^_?dispatch_", r"ob:libdispatch", r"^_Block_",
            r"^GRDB\.(DispatchQueueActor|SerializedDatabase|Pool)\b"]

SUBTREE_COMPONENTS = {name for name, mode, _ in COMPONENTS if mode == "subtree"}
# Paid per second, not per post: left out of the "less keepalive and timers" total.
TIME_DRIVEN = {"keepalive", "timers"}
# What --fold-runtime turns off (scheduling has no caller to fold into: it stays).
RUNTIME_COMPONENTS = {"runtime"}
OTHER = "other"

# The window's check: frames handed to the room socket (posts), frames written to room
# sockets (deliveries), every frame a WebSocket handler read (posts and pongs).
POST_COUNTER = r"^protocol witness for ChatServer\.WebSocketSession\.received in conformance ChatServer\.RoomSocket\b"
DELIVERY_COUNTER = r"^ChatServer\.RoomConnection\.writeNow$"
FRAMES_READ_COUNTER = r"^ChatServer\.ServerWebSocketHandler\.channelRead$"


def parse(path):
    """The profile: per function (object, name) its exclusive Ir, and per call edge its
    inclusive Ir and call count. Only the first event (Ir) is read."""
    names = {"ob": {}, "fl": {}, "fn": {}}
    space = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl", "fn": "fn", "cfn": "fn"}
    self_cost = defaultdict(int)
    edge_cost = defaultdict(int)
    edge_calls = defaultdict(int)
    totals = None
    ob = fn = None
    call_ob = call_fn = None
    call_count = None
    pending_call = False

    def resolve(kind, value):
        table = names[space[kind]]
        value = value.strip()
        if value.startswith("("):
            close = value.index(")")
            ident = value[1:close]
            rest = value[close + 1:].strip()
            if rest:
                table[ident] = rest
                return rest
            return table.get(ident, "(" + ident + ")")
        return value

    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line or line[0] == "#" or line == "\n":
                continue
            first = line[0]
            if first.isdigit() or first in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if pending_call:
                    key = ((ob, fn), (call_ob or ob, call_fn))
                    edge_cost[key] += cost
                    edge_calls[key] += call_count
                    pending_call = False
                    call_ob = None
                else:
                    self_cost[(ob, fn)] += cost
                continue
            key, _, value = line.partition("=")
            if key == "fn":
                fn = resolve("fn", value)
                call_ob = None
            elif key == "ob":
                ob = resolve("ob", value)
            elif key == "cob":
                call_ob = resolve("cob", value)
            elif key == "cfn":
                call_fn = resolve("cfn", value)
            elif key == "calls":
                call_count = int(value.split()[0])
                pending_call = True
            elif key in ("fl", "fi", "fe", "cfi", "cfl"):
                resolve(key, value)
            elif line.startswith("totals:"):
                totals = int(line.split()[1])
    return self_cost, edge_cost, edge_calls, totals


def demangler():
    for candidate in (shutil.which("swift-demangle"), "/opt/swift/usr/bin/swift-demangle"):
        if candidate and os.access(candidate, os.X_OK):
            return [candidate, "--compact"]
    swift = shutil.which("swift")
    if swift:
        return [swift, "demangle", "--compact"]
    sys.exit("error: swift-demangle not found (it comes with the Swift toolchain); the patterns match demangled names")


def demangle(raw_names):
    """Demangled names, by raw name (callgrind's "'2" recursion suffixes kept apart)."""
    raw_names = sorted(raw_names)
    bare = [re.sub(r"'\d+$", "", name) for name in raw_names]
    out = subprocess.run(demangler(), input="\n".join(bare) + "\n", capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")
    if len(lines) < len(bare):
        sys.exit("error: swift-demangle returned fewer lines than it was given")
    return {raw: lines[index] for index, raw in enumerate(raw_names)}


# Words in front of a demangled name that say how the compiler made the function, not
# whose it is ("generic specialization <…> of X", "await resume partial function for X",
# "outlined copy of X", "destroy value witness for X"): dropped, so X is matched.
COMPILER_PREFIXES = re.compile(
    r"^(merged |specialized |static |function signature specialization of |generic (pre-)?specialization of |"
    r"(suspend |await )?resume partial function for |partial apply forwarder for |async function pointer to |"
    r"outlined (\w+ )*(of|for) |\w+ value witness for |:)")


def identity(name):
    """What the patterns are matched against: a demangled name without its signature
    (parameter and result types, generic arguments) and without the compiler's prefixes,
    so that a pattern naming a type matches that type's functions, not every function
    taking one; private names `(Name in _HASH)` become `Name`, glibc's symbol versions and
    GCC's clone suffixes (`.constprop.0`) go."""
    text = re.sub(r"\((\w+) in _[0-9A-F]+\)", r"\1", name)
    text = re.sub(r"@@?GLIBC[\w.]*", "", text).replace("->", " RETURNS ")
    text = re.sub(r"\.(constprop|isra|part|cold|lto_priv)(\.\d+)*\b", "", text)
    for opening, closing in (("(", ")"), ("<", ">"), ("[", "]")):
        pattern = re.compile(re.escape(opening) + "[^" + re.escape(opening + closing) + "]*" + re.escape(closing))
        previous = None
        while previous != text:
            previous = text
            text = pattern.sub("", text)
    text = re.sub(r"RETURNS\s*(?!in\b)[\w.]+[?!]*", "", text).replace("RETURNS", "")
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = COMPILER_PREFIXES.sub("", text).strip()
        # A closure or defer block is its enclosing function's.
        if re.match(r"(implicit )?closure #|\$defer\b", text) and " in " in text:
            text = text.rsplit(" in ", 1)[1]
    return text


def compile_patterns(patterns):
    """(name patterns, object patterns)."""
    return ([re.compile(p) for p in patterns if not p.startswith("ob:")],
            [re.compile(p[3:]) for p in patterns if p.startswith("ob:")])


def matches(compiled, obj, name):
    by_name, by_object = compiled
    return any(p.search(name) for p in by_name) or any(p.search(obj or "") for p in by_object)


def component_names():
    """The components in table order, each once, then "other"."""
    names = []
    for component, _, _ in COMPONENTS:
        if component not in names:
            names.append(component)
    return names + [OTHER]


def classify(nodes, demangled, fold_runtime):
    """Per function (object, name): its own (component, mode) or None, and whether it is
    a scheduler (BARRIERS)."""
    table = [(component, mode, compile_patterns(patterns)) for component, mode, patterns in COMPONENTS
             if not (fold_runtime and component in RUNTIME_COMPONENTS)]
    barriers = compile_patterns(BARRIERS)
    own, barrier = {}, {}
    for node in nodes:
        name = identity(demangled.get(node[1], node[1] or ""))
        own[node] = next(((component, mode) for component, mode, compiled in table if matches(compiled, node[0], name)), None)
        barrier[node] = matches(barriers, node[0], name)
    return own, barrier


def caller_first_order(nodes, callers):
    """Callers before callees where the graph allows (reverse post-order of a depth-first
    walk from the functions nobody calls), so that a few passes settle the cycles."""
    callees = defaultdict(list)
    for callee, incoming in callers.items():
        for caller, _ in incoming:
            callees[caller].append(callee)
    order, seen = [], set()
    for root in [node for node in nodes if not callers.get(node)] + sorted(nodes, key=str):
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(callees.get(root, ())))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                order.append(node)
                stack.pop()
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(callees.get(child, ()))))
    order.reverse()
    return order


def attribute(self_cost, edge_cost, demangled, fold_runtime):
    """Each function's exclusive cost split over components (see the module docstring).
    Returns {component: Ir} and {component: {function: Ir}}."""
    nodes = set(self_cost) | {node for edge in edge_cost for node in edge}
    callers = defaultdict(list)
    for (caller, callee), cost in edge_cost.items():
        if caller != callee and cost > 0:
            callers[callee].append((caller, cost))
    weights = {}
    for callee, incoming in callers.items():
        total = float(sum(cost for _, cost in incoming))
        weights[callee] = [(caller, cost / total) for caller, cost in incoming]
    own, barrier = classify(nodes, demangled, fold_runtime)
    order = caller_first_order(nodes, callers)

    # share[node]: how its own cost splits over components; down[node]: how the
    # executions of what it calls split (what an unmatched callee inherits). Fractions
    # summing to 1, settled in passes (the call graph has cycles).
    share = {node: {OTHER: 1.0} for node in order}
    down = {node: {OTHER: 1.0} for node in order}
    for _ in range(200):
        change = 0.0
        for node in order:
            matched = own[node]
            if barrier[node]:
                new_share = new_down = {(matched or (OTHER, None))[0]: 1.0}
            elif matched and matched[1] == "subtree":
                new_share = new_down = {matched[0]: 1.0}
            else:
                inherited = defaultdict(float)
                for caller, weight in weights.get(node, ()):
                    for name, fraction in down[caller].items():
                        inherited[name] += weight * fraction
                if not inherited:
                    inherited[OTHER] = 1.0
                if matched is None:
                    new_share = new_down = dict(inherited)
                else:
                    # Its own component, except what a subtree component claims.
                    new_share = {name: f for name, f in inherited.items() if name in SUBTREE_COMPONENTS}
                    rest = 1.0 - sum(new_share.values())
                    if rest > 1e-12:
                        new_share[matched[0]] = new_share.get(matched[0], 0.0) + rest
                    new_down = dict(inherited) if matched[1] == "self" else new_share
            old = down[node]
            change = max(change, sum(abs(new_down.get(k, 0.0) - old.get(k, 0.0)) for k in set(new_down) | set(old)))
            share[node], down[node] = new_share, new_down
        if change < 1e-9:
            break

    totals = defaultdict(float)
    functions = defaultdict(lambda: defaultdict(float))
    for node, cost in self_cost.items():
        if cost == 0:
            continue
        for name, fraction in share[node].items():
            totals[name] += cost * fraction
            functions[name][demangled.get(node[1], node[1] or "?")] += cost * fraction
    return totals, functions


def count_calls(edge_calls, demangled, pattern):
    """Calls made to the functions matching `pattern`."""
    matcher = re.compile(pattern)
    return sum(calls for (_, (_, callee)), calls in edge_calls.items() if matcher.search(identity(demangled.get(callee, callee or ""))))




def per(value, count):
    return round(value / count) if count else None


def report_for(args):
    self_cost, edge_cost, edge_calls, totals_line = parse(args.profile)
    raw = {node[1] for node in self_cost} | {node[1] for edge in edge_cost for node in edge}
    demangled = demangle(name for name in raw if name)
    totals, functions = attribute(self_cost, edge_cost, demangled, args.fold_runtime)
    measured = sum(self_cost.values())
    if totals_line is not None and totals_line != measured:
        print(f"warning: the profile's totals line says {totals_line:,} Ir, its functions add up to {measured:,}", file=sys.stderr)
    counted = {
        "posts": count_calls(edge_calls, demangled, POST_COUNTER),
        "deliveries": count_calls(edge_calls, demangled, DELIVERY_COUNTER),
        "frames_read": count_calls(edge_calls, demangled, FRAMES_READ_COUNTER),
    }
    posts = args.posts if args.posts is not None else counted["posts"]
    deliveries = args.deliveries if args.deliveries is not None else counted["deliveries"]
    rows = []
    for name in component_names():
        if args.fold_runtime and name in RUNTIME_COMPONENTS:
            continue
        ir = round(totals.get(name, 0.0))
        rows.append({"component": name, "ir": ir, "ir_per_post": per(ir, posts), "ir_per_delivery": per(ir, deliveries),
                     "share": round(ir / measured, 4) if measured else 0.0})
    attributed = sum(totals.values())
    if abs(attributed - measured) > measured * 1e-6:
        print(f"warning: {attributed:,.0f} Ir attributed of {measured:,} measured", file=sys.stderr)
    per_post_work = measured - sum(row["ir"] for row in rows if row["component"] in TIME_DRIVEN)
    report = {
        "profile": os.path.abspath(args.profile), "posts": posts, "deliveries": deliveries, "profile_counts": counted,
        "fold_runtime": args.fold_runtime, "components": rows,
        "total": {"ir": measured, "ir_per_post": per(measured, posts), "ir_per_delivery": per(measured, deliveries)},
        "total_less_time_driven": {"ir": per_post_work, "ir_per_post": per(per_post_work, posts),
                                   "ir_per_delivery": per(per_post_work, deliveries)},
    }
    listed = [row["component"] for row in rows] if args.top else ([args.explain] if args.explain else [])
    if args.explain and args.explain not in [row["component"] for row in rows]:
        sys.exit(f"error: --explain: no component '{args.explain}' (one of: {', '.join(row['component'] for row in rows)})")
    if listed:
        k = args.top or 40
        report["top_functions"] = {
            name: [{"function": f, "ir": round(c)} for f, c in sorted(functions[name].items(), key=lambda i: -i[1])[:k]]
            for name in listed}
    return report


def number(value):
    return f"{value:,}" if value is not None else "-"


def print_report(report):
    counted = report["profile_counts"]
    print(f"posts {report['posts']:,}, deliveries {report['deliveries']:,}; in the profile: {counted['posts']:,} frames posted, "
          f"{counted['deliveries']:,} written to room sockets, {counted['frames_read']:,} read (posts and pongs)"
          + ("; runtime folded into its callers" if report["fold_runtime"] else ""))
    print(f"{'component':<26}{'Ir':>16}{'Ir/post':>12}{'Ir/delivery':>13}{'share':>8}")
    for row in report["components"]:
        print(f"{row['component']:<26}{row['ir']:>16,}{number(row['ir_per_post']):>12}{number(row['ir_per_delivery']):>13}"
              f"{row['share'] * 100:>7.1f}%")
    total, work = report["total"], report["total_less_time_driven"]
    print(f"{'total':<26}{total['ir']:>16,}{number(total['ir_per_post']):>12}{number(total['ir_per_delivery']):>13}{100:>7.1f}%")
    print(f"{'  less keepalive, timers':<26}{work['ir']:>16,}{number(work['ir_per_post']):>12}{number(work['ir_per_delivery']):>13}"
          f"{work['ir'] / total['ir'] * 100 if total['ir'] else 0:>7.1f}%")
    for name, listed in report.get("top_functions", {}).items():
        print(f"\n{name}:")
        for entry in listed:
            print(f"  {entry['ir']:>14,}  {entry['function'][:170]}")


def print_diff(path_a, path_b):
    """Ir per post of two reports side by side (B − A, and its share of A)."""
    a, b = (json.load(open(path)) for path in (path_a, path_b))
    rows_a = {row["component"]: row for row in a["components"]}
    rows_b = {row["component"]: row for row in b["components"]}
    print(f"A {path_a}: {a['posts']:,} posts, {a['deliveries']:,} deliveries")
    print(f"B {path_b}: {b['posts']:,} posts, {b['deliveries']:,} deliveries")
    print(f"{'Ir per post':<24}{'A':>12}{'B':>12}{'B − A':>12}{'':>9}")
    names = list(rows_a) + [name for name in rows_b if name not in rows_a]
    lines = [(name, (rows_a.get(name) or {}).get("ir_per_post") or 0, (rows_b.get(name) or {}).get("ir_per_post") or 0) for name in names]
    lines.append(("total", a["total"]["ir_per_post"] or 0, b["total"]["ir_per_post"] or 0))
    lines.append(("  less keepalive, timers", a["total_less_time_driven"]["ir_per_post"] or 0, b["total_less_time_driven"]["ir_per_post"] or 0))
    for name, value_a, value_b in lines:
        change = f"{(value_b - value_a) / value_a * 100:+.1f}%" if value_a else ""
        print(f"{name:<24}{value_a:>12,}{value_b:>12,}{value_b - value_a:>+12,}{change:>9}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="See the module docstring for the method.")
    parser.add_argument("profile", nargs="?", help="callgrind.out file (the measured window's dump)")
    parser.add_argument("--posts", type=int, help="posts in the window (default: the profile's count)")
    parser.add_argument("--deliveries", type=int, help="deliveries in the window (default: the profile's count)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--fold-runtime", action="store_true", help="runtime (ARC, allocation) cost goes to the calling component")
    parser.add_argument("--top", type=int, default=0, metavar="K", help="list each component's K costliest functions")
    parser.add_argument("--explain", metavar="COMPONENT", help="list one component's 40 costliest functions")
    parser.add_argument("--diff", nargs=2, metavar=("A.json", "B.json"), help="compare two --json reports")
    parser.add_argument("--show", metavar="REPORT.json", help="print a --json report as the table")
    args = parser.parse_args()
    if args.diff:
        print_diff(*args.diff)
        return
    if args.show:
        with open(args.show) as file:
            print_report(json.load(file))
        return
    if not args.profile:
        parser.error("a profile is needed (or --diff A.json B.json)")
    if not os.path.isfile(args.profile):
        parser.error(f"no profile at {args.profile}")
    report = report_for(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
