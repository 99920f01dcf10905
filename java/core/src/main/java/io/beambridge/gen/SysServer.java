package io.beambridge.gen;

import io.beambridge.internal.rpc.PeerRelease;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sys} side of a Java GenServer ({@code sys:handle_system_msg/6} and
 * gen_server's {@code system_*} callbacks): {@code suspend}, {@code resume},
 * {@code get_state}, {@code replace_state}, {@code get_status}, {@code terminate},
 * {@code change_code}, and the debug commands — {@code trace} (events printed through
 * the node's logger), {@code log} (the last N events, 10 by default), {@code log_to_file}
 * (a file on the Java node), {@code statistics}, {@code no_debug} — with the events
 * gen_server records: {@code {:in, message}}, {@code {:out, reply, to, state}},
 * {@code {:noreply, state}}.
 *
 * <p>Used by one server's activation only; not thread-safe.
 */
final class SysServer {
    private static final Logger log = LoggerFactory.getLogger("beambridge.sys");

    static final Atom TERMINATE = new Atom("terminate");
    private static final Atom SUSPEND = new Atom("suspend");
    private static final Atom RESUME = new Atom("resume");
    private static final Atom GET_STATE = new Atom("get_state");
    private static final Atom GET_STATUS = new Atom("get_status");
    private static final Atom REPLACE_STATE = new Atom("replace_state");
    private static final Atom CHANGE_CODE = new Atom("change_code");
    private static final Atom DEBUG = new Atom("debug");
    private static final Atom RUNNING = new Atom("running");
    private static final Atom SUSPENDED = new Atom("suspended");
    static final Atom GEN_SERVER = new Atom("gen_server");
    private static final Atom IN = new Atom("in");
    private static final Atom OUT = new Atom("out");
    private static final Atom NOREPLY = new Atom("noreply");
    private static final Atom GET = new Atom("get");

    private SysServer() {}

    /** A {@code replace_state} with a Java function, from {@link Sys#replaceState}. */
    record ReplaceState(UnaryOperator<?> fun) {}

    // ------------------------------------------------------------------ debug

    /** The debug options in force; null in the server while none is. */
    static final class Debug {
        boolean trace;
        ArrayDeque<Term> events; // the log, when on
        int logMax;
        LocalDateTime statsStart; // statistics, when on
        long in;
        long out;
        long reductions;
        Writer file;
        Path filePath;

        boolean isEmpty() {
            return !trace && events == null && statsStart == null && file == null;
        }

        /** Records one event, as sys:handle_debug/4. */
        void event(Term name, Term event, Term.Tuple raw) {
            reductions++;
            if (statsStart != null && event instanceof Term.Tuple t) {
                if (t.get(0).equals(IN)) {
                    in++;
                } else if (t.get(0).equals(OUT)) {
                    out++;
                }
            }
            if (events != null) {
                if (events.size() == logMax) {
                    events.removeFirst();
                }
                events.addLast(event);
            }
            if (trace || file != null) {
                String line = format(name, event);
                if (trace) {
                    log.info("{}", line);
                }
                if (file != null) {
                    try {
                        file.write(line);
                        file.write('\n');
                        file.flush();
                    } catch (IOException e) {
                        log.warn("sys log_to_file {}: {}", filePath, e.toString());
                    }
                }
            }
        }

        void closeFile() {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                file = null;
                filePath = null;
            }
        }
    }

    /** gen_server's print_event/3. */
    static String format(Term name, Term event) {
        if (event instanceof Term.Tuple t && t.arity() == 2 && t.get(0).equals(IN)) {
            Term msg = t.get(1);
            if (msg instanceof Term.Tuple m && m.arity() == 3 && m.get(0).equals(io.beambridge.internal.runtime.GenCall.GEN_CALL)
                    && m.get(1) instanceof Term.Tuple from && from.arity() == 2) {
                return "*DBG* " + name + " got call " + m.get(2) + " from " + from.get(0);
            }
            if (msg instanceof Term.Tuple m && m.arity() == 2 && m.get(0).equals(io.beambridge.internal.runtime.GenCall.GEN_CAST)) {
                return "*DBG* " + name + " got cast " + m.get(1);
            }
            return "*DBG* " + name + " got " + msg;
        }
        if (event instanceof Term.Tuple t && t.arity() == 4 && t.get(0).equals(OUT)) {
            Term to = t.get(2) instanceof Term.Tuple from && from.arity() == 2 ? from.get(0) : t.get(2);
            return "*DBG* " + name + " sent " + t.get(1) + " to " + to + ", new state " + t.get(3);
        }
        if (event instanceof Term.Tuple t && t.arity() == 2 && t.get(0).equals(NOREPLY)) {
            return "*DBG* " + name + " new state " + t.get(1);
        }
        return "*DBG* " + name + " dbg  " + event;
    }

    static Term in(Term message) {
        return Term.Tuple.of(IN, message);
    }

    /** {@code {out, Reply, From, State}}: {@code from} is the call's {@code {pid, tag}}, as gen_server logs it. */
    static Term out(Term reply, Term from, Term state) {
        return Term.Tuple.of(OUT, reply, from, state);
    }

    static Term noreply(Term state) {
        return Term.Tuple.of(NOREPLY, state);
    }

    /**
     * sys:debug_cmd/2: applies a debug command to {@code d} (null when none is on) and
     * returns the reply; {@code holder[0]} gets the debug state after it (null when empty).
     */
    static Term debugCommand(Term what, Debug[] holder) {
        Debug d = holder[0] != null ? holder[0] : new Debug();
        Term reply = Atom.OK;
        if (what instanceof Atom a && a.is("no_debug")) {
            d.closeFile();
            holder[0] = null;
            return Atom.OK;
        }
        if (!(what instanceof Term.Tuple w) || w.arity() != 2 || !(w.get(0) instanceof Atom kind)) {
            return new Atom("unknown_debug");
        }
        Term flag = w.get(1);
        switch (kind.name()) {
            case "trace" -> {
                if (Atom.TRUE.equals(flag) || Atom.FALSE.equals(flag)) {
                    d.trace = Atom.TRUE.equals(flag);
                } else {
                    return new Atom("unknown_debug");
                }
            }
            case "log" -> {
                if (Atom.TRUE.equals(flag)) {
                    if (d.events == null) {
                        d.events = new ArrayDeque<>();
                        d.logMax = 10;
                    }
                } else if (flag instanceof Term.Tuple t && t.isTagged(Atom.TRUE, 2) && t.get(1) instanceof Term.Int n
                        && n.value() >= 1 && n.value() < Integer.MAX_VALUE) {
                    if (d.events == null) {
                        d.events = new ArrayDeque<>();
                    }
                    d.logMax = (int) n.value();
                    while (d.events.size() > d.logMax) {
                        d.events.removeFirst();
                    }
                } else if (Atom.FALSE.equals(flag)) {
                    d.events = null;
                } else if (GET.equals(flag)) {
                    reply = Term.Tuple.of(Atom.OK, d.events == null ? Term.List.EMPTY : Term.List.of(List.copyOf(d.events)));
                } else if (new Atom("print").equals(flag)) {
                    if (d.events != null) {
                        for (Term e : d.events) {
                            log.info("{}", format(Atom.UNDEFINED, e));
                        }
                    }
                } else {
                    return new Atom("unknown_debug");
                }
            }
            case "statistics" -> {
                if (Atom.TRUE.equals(flag)) {
                    if (d.statsStart == null) {
                        d.statsStart = LocalDateTime.now();
                        d.in = 0;
                        d.out = 0;
                        d.reductions = 0;
                    }
                } else if (Atom.FALSE.equals(flag)) {
                    d.statsStart = null;
                } else if (GET.equals(flag)) {
                    reply = Term.Tuple.of(Atom.OK, d.statsStart == null ? new Atom("no_statistics") : Term.List.of(
                            Term.Tuple.of(new Atom("start_time"), dateTime(d.statsStart)),
                            Term.Tuple.of(new Atom("current_time"), dateTime(LocalDateTime.now())),
                            Term.Tuple.of(new Atom("reductions"), Term.Int.of(d.reductions)),
                            Term.Tuple.of(new Atom("messages_in"), Term.Int.of(d.in)),
                            Term.Tuple.of(new Atom("messages_out"), Term.Int.of(d.out))));
                } else {
                    return new Atom("unknown_debug");
                }
            }
            case "log_to_file" -> {
                d.closeFile();
                if (!Atom.FALSE.equals(flag)) {
                    String file = fileName(flag);
                    if (file == null) {
                        reply = Term.Tuple.of(Atom.ERROR, new Atom("open_file"));
                    } else {
                        try {
                            Path p = Path.of(file);
                            d.file = Files.newBufferedWriter(p, StandardCharsets.UTF_8);
                            d.filePath = p;
                        } catch (IOException | RuntimeException e) {
                            reply = Term.Tuple.of(Atom.ERROR, new Atom("open_file"));
                        }
                    }
                }
            }
            default -> {
                return new Atom("unknown_debug");
            }
        }
        holder[0] = d.isEmpty() ? null : d;
        return reply;
    }

    /** A file name as Erlang gives one: a charlist, a binary or an atom. */
    private static String fileName(Term t) {
        return switch (t) {
            case Term.Binary b -> b.text();
            case Atom a -> a.name();
            case Term.List l when l.isProper() -> {
                StringBuilder sb = new StringBuilder();
                for (Term c : l.elements()) {
                    if (!(c instanceof Term.Int i)) {
                        yield null;
                    }
                    sb.appendCodePoint((int) i.value());
                }
                yield sb.toString();
            }
            default -> null;
        };
    }

    private static Term dateTime(LocalDateTime t) {
        return Term.Tuple.of(Term.Tuple.of(Term.Int.of(t.getYear()), Term.Int.of(t.getMonthValue()),
                Term.Int.of(t.getDayOfMonth())), Term.Tuple.of(Term.Int.of(t.getHour()), Term.Int.of(t.getMinute()),
                Term.Int.of(t.getSecond())));
    }

    /** The debug list of get_status: what is on, as sys keeps it. */
    static Term debugList(Debug d) {
        if (d == null) {
            return Term.List.EMPTY;
        }
        List<Term> l = new ArrayList<>();
        if (d.trace) {
            l.add(Term.Tuple.of(new Atom("trace"), Atom.TRUE));
        }
        if (d.events != null) {
            l.add(Term.Tuple.of(new Atom("log"), Term.List.of(List.copyOf(d.events))));
        }
        if (d.statsStart != null) {
            l.add(Term.Tuple.of(new Atom("statistics"), Term.Tuple.of(dateTime(d.statsStart),
                    Term.Tuple.of(new Atom("reductions"), Term.Int.of(d.reductions)), Term.Int.of(d.in),
                    Term.Int.of(d.out))));
        }
        if (d.file != null) {
            l.add(Term.Tuple.of(new Atom("log_to_file"), Term.string(d.filePath.toString())));
        }
        return Term.List.of(l);
    }

    /** The logged events, for get_status's "Logged events". */
    static Term loggedEvents(Debug d) {
        return d == null || d.events == null ? Term.List.EMPTY : Term.List.of(List.copyOf(d.events));
    }

    // ------------------------------------------------------------------ replies

    /**
     * Replies a state to sys:get_state or sys:replace_state in the caller's format:
     * {@code {ok, State}} (OTP 26.1+, Java) or the bare state (older), see {@link PeerRelease}.
     */
    static void replyState(LocalProc self, From from, Term st) {
        Pid caller = from.caller();
        CompletableFuture<Boolean> wraps = PeerRelease.of(self.table()).wrapsState(caller.node(), caller.creation());
        if (wraps.isDone()) {
            from.reply(wraps.join() ? Term.Tuple.of(Atom.OK, st) : st);
        } else {
            wraps.thenAccept(w -> from.reply(w ? Term.Tuple.of(Atom.OK, st) : st));
        }
    }

    static Term callbackFailed(String callback, Term reason) {
        return callbackFailedWith(callback, Term.Tuple.of(Atom.ERROR, reason));
    }

    /**
     * A callback that threw, as sys catches {@code Cl:Exc}: {@code {exit, Reason}} for an
     * {@link io.beambridge.node.ExitException}, else {@code {error, Exception}} (the
     * exception struct, without a stack trace).
     */
    static Term callbackFailed(String callback, Throwable t) {
        return callbackFailedWith(callback, t instanceof io.beambridge.node.ExitException e
                ? Term.Tuple.of(new Atom("exit"), e.reason())
                : Term.Tuple.of(Atom.ERROR, io.beambridge.internal.runtime.Errors.error(t)));
    }

    private static Term callbackFailedWith(String callback, Term classAndReason) {
        return Term.Tuple.of(Atom.ERROR, Term.Tuple.of(new Atom("callback_failed"),
                Term.Tuple.of(GEN_SERVER, new Atom(callback)), classAndReason));
    }

    static boolean isSuspend(Object req) {
        return SUSPEND.equals(req);
    }

    static boolean isResume(Object req) {
        return RESUME.equals(req);
    }

    static boolean isGetState(Object req) {
        return GET_STATE.equals(req);
    }

    static boolean isGetStatus(Object req) {
        return GET_STATUS.equals(req);
    }

    /** {@code {replace_state, Fun}} with an Erlang fun (which cannot run here). */
    static boolean isErlangReplaceState(Object req) {
        return req instanceof Term.Tuple r && r.isTagged(REPLACE_STATE, 2);
    }

    /** The reason of {@code {terminate, Reason}}, else null. */
    static Term terminateReason(Object req) {
        return req instanceof Term.Tuple r && r.isTagged(TERMINATE, 2) ? r.get(1) : null;
    }

    static boolean isChangeCode(Object req) {
        return req instanceof Term.Tuple r && r.isTagged(CHANGE_CODE, 4);
    }

    /** The command of {@code {debug, What}}, else null. */
    static Term debugWhat(Object req) {
        return req instanceof Term.Tuple r && r.isTagged(DEBUG, 2) ? r.get(1) : null;
    }

    static Atom sysState(boolean suspended) {
        return suspended ? SUSPENDED : RUNNING;
    }

    static Term unknown(Object req) {
        return Term.Tuple.of(Atom.ERROR, Term.Tuple.of(new Atom("unknown_system_msg"),
                req instanceof Term t ? t : new Atom("java_request")));
    }
}
