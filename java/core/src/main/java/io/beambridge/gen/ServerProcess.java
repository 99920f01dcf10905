package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.process.Signal;
import io.beambridge.term.Atoms;
import io.beambridge.term.TermFormat;
import io.beambridge.term.Terms;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process that runs one {@link GenServer}: gen_server's loop as a {@link Reactor},
 * so an idle server holds no thread. Messages are decoded as gen_server does —
 * {@code $gen_call}, {@code $gen_cast}, {@code system}, the parent's {@code EXIT},
 * everything else is info — and the callbacks' results drive replies, timeouts,
 * continues and termination.
 *
 * <p>Only the process's own activation touches the fields, one message at a time.
 */
final class ServerProcess<S> implements Reactor {
    private static final Logger log = LoggerFactory.getLogger(GenServer.class);

    /** The first message of every server: run init. */
    static final OtpErlangObject INIT = new LocalTerm("init");

    static final OtpErlangAtom SYSTEM = new OtpErlangAtom("system");
    static final OtpErlangAtom ACK = new OtpErlangAtom("ack");
    private static final OtpErlangAtom SUSPEND = new OtpErlangAtom("suspend");
    private static final OtpErlangAtom RESUME = new OtpErlangAtom("resume");
    private static final OtpErlangAtom GET_STATE = new OtpErlangAtom("get_state");
    private static final OtpErlangAtom GET_STATUS = new OtpErlangAtom("get_status");
    private static final OtpErlangAtom REPLACE_STATE = new OtpErlangAtom("replace_state");
    private static final OtpErlangAtom TERMINATE = new OtpErlangAtom("terminate");
    private static final OtpErlangAtom CHANGE_CODE = new OtpErlangAtom("change_code");
    private static final OtpErlangAtom DEBUG = new OtpErlangAtom("debug");
    private static final OtpErlangAtom RUNNING = new OtpErlangAtom("running");
    private static final OtpErlangAtom SUSPENDED = new OtpErlangAtom("suspended");
    private static final OtpErlangAtom GEN_SERVER = new OtpErlangAtom("gen_server");

    /** A timeout armed by a callback result: fires unless another message comes first. */
    private static final class TimeoutMarker extends LocalTerm {
        private static final long serialVersionUID = 1L;
        final long millis;
        transient ScheduledFuture<?> future;

        TimeoutMarker(long millis) {
            super("timeout");
            this.millis = millis;
        }
    }

    private final GenServer<S> server;
    private final ServerRef name;
    private S state;
    private OtpErlangPid parent;
    private OtpErlangPid starter;
    private TimeoutMarker timer;

    /**
     * @param name    the name to register in init, or null
     * @param starter the process waiting for init's answer
     * @param parent  the linked starter, or null when started without a link (the parent is then the server itself)
     */
    ServerProcess(GenServer<S> server, ServerRef name, OtpErlangPid starter, OtpErlangPid parent) {
        this.server = server;
        this.name = name;
        this.starter = starter;
        this.parent = parent;
    }

    @Override
    public void handle(Proc self, OtpErlangObject message) {
        if (message == INIT) {
            init(self);
            return;
        }
        if (message instanceof TimeoutMarker t) {
            if (t == timer) {
                timer = null;
                info(self, Atoms.TIMEOUT);
            }
            return; // a timer overtaken by a message
        }
        TimeoutMarker armed = timer;
        cancelTimer();
        if (message instanceof OtpErlangTuple t && t.arity() >= 2) {
            OtpErlangObject tag = t.elementAt(0);
            if (t.arity() == 3 && SYSTEM.equals(tag)) {
                system(self, t);
                if (armed != null) {
                    arm(self, armed.millis); // gen_server re-enters its loop with the same timeout
                }
                return;
            }
            if (t.arity() == 3 && Atoms.EXIT.equals(tag) && t.elementAt(1).equals(parent)) {
                throw terminate(self, t.elementAt(2), state, message, null);
            }
            if (t.arity() == 3 && Gen.GEN_CALL.equals(tag) && isFrom(t.elementAt(1))) {
                call(self, t);
                return;
            }
            if (t.arity() == 2 && Gen.GEN_CAST.equals(tag)) {
                cast(self, t);
                return;
            }
        }
        info(self, message);
    }

    private static boolean isFrom(OtpErlangObject from) {
        return from instanceof OtpErlangTuple f && f.arity() == 2 && f.elementAt(0) instanceof OtpErlangPid;
    }

    // ------------------------------------------------------------------ init

    private void init(Proc self) {
        OtpErlangPid ackTo = starter;
        starter = null;
        if (parent == null) {
            parent = self.self();
        }
        if (name != null) {
            OtpErlangPid holder = register(self);
            if (holder != null) {
                ack(self, ackTo, StartResult.alreadyStarted(holder));
                throw new ExitException(Atoms.NORMAL);
            }
        }
        Init<S> result;
        try {
            result = server.init();
        } catch (Throwable t) {
            if (!self.isAlive()) {
                throw new ExitException(self.exitReason());
            }
            OtpErlangObject reason = ExitException.reasonOf(t);
            if (!(t instanceof ExitException)) {
                log.error("GenServer {} ({}) crashed in init: {}", Exits.inspect(self),
                        server.getClass().getName(), TermFormat.format(reason), t);
            }
            unregister(self);
            ack(self, ackTo, StartResult.error(reason));
            throw new ExitException(reason);
        }
        switch (result) {
            case Init.Ok<S> ok -> {
                state = ok.state();
                ack(self, ackTo, StartResult.ok(self.self()));
                next(self, ok.next());
            }
            case Init.Ignore<S> ignore -> {
                unregister(self);
                ack(self, ackTo, StartResult.IGNORE);
                throw new ExitException(Atoms.NORMAL);
            }
            case Init.Stop<S> stop -> {
                unregister(self);
                ack(self, ackTo, StartResult.error(stop.reason()));
                throw new ExitException(stop.reason());
            }
            case null -> {
                OtpErlangObject reason = Exits.badReturn(Atoms.NIL);
                unregister(self);
                ack(self, ackTo, StartResult.error(reason));
                throw new ExitException(reason);
            }
        }
    }

    private static void ack(Proc self, OtpErlangPid to, StartResult result) {
        self.send(to, new OtpErlangTuple(new OtpErlangObject[] {ACK, self.self(), result.toTerm()}));
    }

    /** Registers the name; returns null when done, else the holder (or {@code self} when unknown). */
    private OtpErlangPid register(Proc self) {
        switch (name) {
            case ServerRef.Local l -> {
                return registerLocal(self, l.name());
            }
            case ServerRef.Remote r -> {
                return registerLocal(self, r.name());
            }
            case ServerRef.Via v -> {
                return v.registry().registerName(v.name(), self.self()) ? null
                        : orUndefined(v.registry().whereisName(v.name()));
            }
            case ServerRef.Global g -> {
                return g.registry().registerName(g.name(), self.self()) ? null
                        : orUndefined(g.registry().whereisName(g.name()));
            }
            case ServerRef.Pid p -> throw new IllegalStateException("a pid is not a name");
        }
    }

    private static OtpErlangPid registerLocal(Proc self, String n) {
        try {
            self.register(n);
            return null;
        } catch (IllegalStateException e) {
            Proc holder = self.table().whereis(n);
            return holder == null ? null : holder.self();
        }
    }

    private static OtpErlangPid orUndefined(OtpErlangPid p) {
        return p; // null is shown as undefined by StartResult.alreadyStarted
    }

    /** Gives the name up before telling the starter init failed, as gen does, so a restart can take it. */
    private void unregister(Proc self) {
        if (name == null) {
            return;
        }
        switch (name) {
            case ServerRef.Local l -> self.unregister();
            case ServerRef.Remote r -> self.unregister();
            case ServerRef.Via v -> v.registry().unregisterName(v.name());
            case ServerRef.Global g -> g.registry().unregisterName(g.name());
            case ServerRef.Pid p -> { }
        }
    }

    // ------------------------------------------------------------------ messages

    private void call(Proc self, OtpErlangTuple message) {
        From from = new From(self.table(), self.self(), message.elementAt(1));
        Result<S> r;
        try {
            r = server.handleCall(message.elementAt(2), from, state);
        } catch (Throwable t) {
            throw crash(self, t, message, from);
        }
        result(self, r, from, message);
    }

    private void cast(Proc self, OtpErlangTuple message) {
        Result<S> r;
        try {
            r = server.handleCast(message.elementAt(1), state);
        } catch (Throwable t) {
            throw crash(self, t, message, null);
        }
        result(self, r, null, message);
    }

    private void info(Proc self, OtpErlangObject message) {
        Result<S> r;
        try {
            r = server.handleInfo(message, state);
        } catch (Throwable t) {
            throw crash(self, t, message, null);
        }
        result(self, r, null, message);
    }

    /** Acts on a callback's result; {@code from} is set for handleCall only. */
    private void result(Proc self, Result<S> first, From firstFrom, OtpErlangObject firstMessage) {
        Result<S> r = first;
        OtpErlangObject message = firstMessage;
        boolean isCall = firstFrom != null;
        while (true) {
            final From from = isCall ? firstFrom : null;
            Next next;
            switch (r) {
                case Result.Reply<S> reply when from != null -> {
                    state = reply.state();
                    from.reply(reply.reply());
                    next = reply.next();
                }
                case Result.NoReply<S> noreply -> {
                    state = noreply.state();
                    next = noreply.next();
                }
                case Result.Stop<S> stop when stop.reply() == null || from != null -> {
                    ExitException exit;
                    try {
                        exit = terminate(self, stop.reason(), stop.state(), message, from);
                    } finally {
                        if (stop.reply() != null) {
                            from.reply(stop.reply());
                        }
                    }
                    throw exit;
                }
                case null, default -> throw terminate(self, Exits.badReturn(describe(r)), state, message, from);
            }
            if (!(next instanceof Next.Continue c)) {
                next(self, next);
                return;
            }
            OtpErlangObject continueMessage = Terms.tuple(Terms.atom("continue"), describeArg(c.arg()));
            try {
                r = server.handleContinue(c.arg(), state);
            } catch (Throwable t) {
                throw crash(self, t, continueMessage, null);
            }
            isCall = false;
            message = continueMessage;
        }
    }

    /** Applies a {@link Next} that is not a continue (init's continue runs through {@link #result}). */
    private void next(Proc self, Next next) {
        switch (next) {
            case Next.Timeout t -> arm(self, t.millis());
            case Next.Continue c -> {
                OtpErlangObject continueMessage = Terms.tuple(Terms.atom("continue"), describeArg(c.arg()));
                Result<S> r;
                try {
                    r = server.handleContinue(c.arg(), state);
                } catch (Throwable t) {
                    throw crash(self, t, continueMessage, null);
                }
                result(self, r, null, continueMessage);
            }
            case Next.Wait w -> { }
            case Next.Hibernate h -> { }
        }
    }

    private OtpErlangObject describe(Result<S> r) {
        return switch (r) {
            case null -> Atoms.NIL;
            case Result.Reply<S> x -> Terms.tuple(Terms.atom("reply"), x.reply(), safeStateTerm(x.state()));
            case Result.NoReply<S> x -> Terms.tuple(Terms.atom("noreply"), safeStateTerm(x.state()));
            case Result.Stop<S> x -> x.reply() == null
                    ? Terms.tuple(Terms.atom("stop"), x.reason(), safeStateTerm(x.state()))
                    : Terms.tuple(Terms.atom("stop"), x.reason(), x.reply(), safeStateTerm(x.state()));
        };
    }

    private static OtpErlangObject describeArg(Object arg) {
        return StateTerms.of(arg);
    }

    // ------------------------------------------------------------------ timeouts

    private void arm(Proc self, long millis) {
        TimeoutMarker m = new TimeoutMarker(millis);
        timer = m;
        if (millis == 0) {
            self.send(self.self(), m); // after 0: fires only if nothing is waiting already
            return;
        }
        var table = self.table();
        OtpErlangPid pid = self.self();
        m.future = GenTimers.schedule(() -> table.send(new Signal.Send(pid, pid, m)), millis);
    }

    private void cancelTimer() {
        TimeoutMarker m = timer;
        if (m != null) {
            timer = null;
            if (m.future != null) {
                m.future.cancel(false);
            }
        }
    }

    // ------------------------------------------------------------------ termination

    /**
     * A callback threw: unless the process was killed meanwhile (then it is already
     * dead and nothing runs), terminate runs with the exception's reason.
     */
    private ExitException crash(Proc self, Throwable t, OtpErlangObject message, From from) {
        if (!self.isAlive()) {
            return t instanceof ExitException e ? e : new ExitException(self.exitReason());
        }
        OtpErlangObject reason = ExitException.reasonOf(t);
        return terminate(self, reason, state, message, from, t);
    }

    private ExitException terminate(Proc self, OtpErlangObject reason, S st, OtpErlangObject message, From from) {
        return terminate(self, reason, st, message, from, null);
    }

    /** Calls terminate, reports an abnormal end as gen_server does, and returns the exit to throw. */
    private ExitException terminate(Proc self, OtpErlangObject reason, S st, OtpErlangObject message, From from,
                                    Throwable cause) {
        cancelTimer();
        state = st;
        try {
            server.terminate(reason, st);
        } catch (Throwable t) {
            if (!self.isAlive()) {
                return t instanceof ExitException e ? e : new ExitException(self.exitReason());
            }
            reason = ExitException.reasonOf(t);
            cause = t;
        }
        if (!ExitException.isQuiet(reason)) {
            report(self, reason, st, message, from, cause);
        }
        return new ExitException(reason);
    }

    private void report(Proc self, OtpErlangObject reason, S st, OtpErlangObject message, From from,
                        Throwable cause) {
        String last = message == null ? "none" : TermFormat.format(message);
        String client = from == null ? "" : " (from " + TermFormat.pid(from.caller()) + ")";
        String stateText;
        try {
            stateText = TermFormat.format(server.formatStatus(st));
        } catch (RuntimeException e) {
            stateText = "(formatStatus failed: " + e + ")";
        }
        if (cause != null && !(cause instanceof ExitException)) {
            log.error("GenServer {} terminating\n** (exit) {}\nLast message{}: {}\nState: {}",
                    Exits.inspect(self), TermFormat.format(reason), client, last, stateText, cause);
        } else {
            log.error("GenServer {} terminating\n** (exit) {}\nLast message{}: {}\nState: {}",
                    Exits.inspect(self), TermFormat.format(reason), client, last, stateText);
        }
    }

    // ------------------------------------------------------------------ sys

    /**
     * A system message, as {@code sys:handle_system_msg/6}; after {@code suspend} only
     * system messages and the parent's EXIT are taken (others wait, in order) until
     * {@code resume}.
     */
    private void system(Proc self, OtpErlangTuple message) {
        boolean suspended = systemRequest(self, message, false);
        while (suspended) {
            OtpErlangObject m = self.receive(this::isSystemOrParentExit, -1);
            OtpErlangTuple t = (OtpErlangTuple) m;
            if (Atoms.EXIT.equals(t.elementAt(0))) {
                throw terminate(self, t.elementAt(2), state, m, null);
            }
            suspended = systemRequest(self, t, true);
        }
    }

    private boolean isSystemOrParentExit(OtpErlangObject m) {
        return m instanceof OtpErlangTuple t && t.arity() == 3
                && (SYSTEM.equals(t.elementAt(0)) || (Atoms.EXIT.equals(t.elementAt(0)) && t.elementAt(1).equals(parent)));
    }

    /** Handles one system request; returns whether the server is suspended afterwards. */
    private boolean systemRequest(Proc self, OtpErlangTuple message, boolean suspended) {
        if (!isFrom(message.elementAt(1))) {
            log.warn("GenServer {} ignores a malformed system message {}", Exits.inspect(self),
                    TermFormat.format(message));
            return suspended;
        }
        From from = new From(self.table(), self.self(), message.elementAt(1));
        OtpErlangObject req = message.elementAt(2);
        if (SUSPEND.equals(req)) {
            from.reply(Atoms.OK);
            return true;
        }
        if (RESUME.equals(req)) {
            from.reply(Atoms.OK);
            return false;
        }
        if (GET_STATE.equals(req)) {
            OtpErlangObject st;
            try {
                st = server.stateTerm(state);
            } catch (RuntimeException e) {
                from.reply(callbackFailed("system_get_state", e));
                return suspended;
            }
            replyState(self, from, st);
            return suspended;
        }
        if (GET_STATUS.equals(req)) {
            from.reply(status(self, suspended));
            return suspended;
        }
        if (req instanceof OtpErlangTuple r && r.arity() == 2 && REPLACE_STATE.equals(r.elementAt(0))) {
            replaceState(self, from, r.elementAt(1));
            return suspended;
        }
        if (req instanceof OtpErlangTuple r && r.arity() == 2 && TERMINATE.equals(r.elementAt(0))) {
            from.reply(Atoms.OK);
            throw terminate(self, r.elementAt(1), state, null, null);
        }
        if (req instanceof OtpErlangTuple r && r.arity() == 4 && CHANGE_CODE.equals(r.elementAt(0)) && suspended) {
            from.reply(Atoms.OK); // Java code does not change; the server keeps its state
            return true;
        }
        if (req instanceof OtpErlangTuple r && r.arity() == 2 && DEBUG.equals(r.elementAt(0))) {
            from.reply(debug(r.elementAt(1), req));
            return suspended;
        }
        from.reply(Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("unknown_system_msg"), req)));
        return suspended;
    }

    /** sys debug commands: no debug state is kept, so log and statistics are always empty. */
    private static OtpErlangObject debug(OtpErlangObject what, OtpErlangObject req) {
        if (Terms.atom("no_debug").equals(what)) {
            return Atoms.OK;
        }
        if (what instanceof OtpErlangTuple w && w.arity() == 2 && w.elementAt(0) instanceof OtpErlangAtom kind) {
            OtpErlangObject flag = w.elementAt(1);
            switch (kind.atomValue()) {
                case "log" -> {
                    if (Terms.atom("get").equals(flag)) {
                        return Terms.tuple(Atoms.OK, new OtpErlangList());
                    }
                    if (Atoms.FALSE.equals(flag) || Terms.atom("print").equals(flag)) {
                        return Atoms.OK;
                    }
                }
                case "statistics" -> {
                    if (Terms.atom("get").equals(flag)) {
                        return Terms.tuple(Atoms.OK, Terms.atom("no_statistics"));
                    }
                    if (Atoms.FALSE.equals(flag)) {
                        return Atoms.OK;
                    }
                }
                case "trace", "log_to_file" -> {
                    if (Atoms.FALSE.equals(flag)) {
                        return Atoms.OK;
                    }
                }
                default -> { }
            }
        }
        return Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("not_supported"), req));
    }

    /**
     * Replies a state to sys:get_state or sys:replace_state in the caller's format:
     * {@code {ok, State}} (OTP 26.1+, Java) or the bare state (older), see {@link PeerRelease}.
     */
    private static void replyState(Proc self, From from, OtpErlangObject st) {
        OtpErlangPid caller = from.caller();
        CompletableFuture<Boolean> wraps = PeerRelease.wrapsState(self.table(), caller.node(), caller.creation());
        if (wraps.isDone()) {
            from.reply(wraps.join() ? Terms.tuple(Atoms.OK, st) : st);
        } else {
            wraps.thenAccept(w -> from.reply(w ? Terms.tuple(Atoms.OK, st) : st));
        }
    }

    @SuppressWarnings("unchecked")
    private void replaceState(Proc self, From from, OtpErlangObject fun) {
        if (!(fun instanceof LocalTerm lt) || !(lt.value() instanceof UnaryOperator<?> op)) {
            from.reply(Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("callback_failed"),
                    Terms.tuple(GEN_SERVER, Terms.atom("system_replace_state")),
                    Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("java_server"),
                            "an Erlang fun cannot run in a Java GenServer; replace its state from Java with"
                                    + " Sys.replaceState")))));
            return;
        }
        S newState;
        OtpErlangObject st;
        try {
            newState = ((UnaryOperator<S>) op).apply(state);
            st = server.stateTerm(newState);
        } catch (RuntimeException e) {
            from.reply(callbackFailed("system_replace_state", e));
            return;
        }
        state = newState;
        replyState(self, from, st);
    }

    private static OtpErlangObject callbackFailed(String callback, Throwable t) {
        return Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("callback_failed"),
                Terms.tuple(GEN_SERVER, Terms.atom(callback)),
                Terms.tuple(Atoms.ERROR, ExitException.reasonOf(t))));
    }

    /**
     * The reply to sys:get_status, shaped as gen_server's:
     * {@code {status, Pid, {module, gen_server}, [PDict, SysState, Parent, Debug, Misc]}}.
     */
    private OtpErlangObject status(Proc self, boolean suspended) {
        OtpErlangAtom sysState = suspended ? SUSPENDED : RUNNING;
        OtpErlangObject pdict = new OtpErlangList(new OtpErlangObject[] {
                Terms.tuple(Terms.atom("$initial_call"),
                        Terms.tuple(Terms.atom(server.getClass().getName()), Terms.atom("init"), Terms.integer(1))),
                Terms.tuple(Terms.atom("$ancestors"), new OtpErlangList(parent))});
        OtpErlangObject formatted;
        try {
            formatted = server.formatStatus(state);
        } catch (RuntimeException e) {
            formatted = Terms.tuple(Terms.atom("format_status_failed"), ExitException.reasonOf(e));
        }
        OtpErlangObject misc = new OtpErlangList(new OtpErlangObject[] {
                Terms.tuple(Terms.atom("header"), header(self)),
                Terms.tuple(Terms.atom("data"), new OtpErlangList(new OtpErlangObject[] {
                        Terms.tuple(new OtpErlangString("Status"), sysState),
                        Terms.tuple(new OtpErlangString("Parent"), parent),
                        Terms.tuple(new OtpErlangString("Logged events"), new OtpErlangList())})),
                Terms.tuple(Terms.atom("data"), new OtpErlangList(
                        Terms.tuple(new OtpErlangString("State"), formatted)))});
        return Terms.tuple(Terms.atom("status"), self.self(), Terms.tuple(Terms.atom("module"), GEN_SERVER),
                new OtpErlangList(new OtpErlangObject[] {pdict, sysState, parent, new OtpErlangList(), misc}));
    }

    /** gen:format_status_header: a charlist for a pid or local name, else {TagLine, Name}. */
    private OtpErlangObject header(Proc self) {
        String tagLine = "Status for generic server";
        return switch (name) {
            case null -> new OtpErlangString(tagLine + " <" + self.nodeName() + "." + self.self().id() + "."
                    + self.self().serial() + ">");
            case ServerRef.Local l -> new OtpErlangString(tagLine + " " + l.name());
            case ServerRef.Remote r -> new OtpErlangString(tagLine + " " + r.name());
            case ServerRef.Via v -> Terms.tuple(new OtpErlangString(tagLine), v.name());
            case ServerRef.Global g -> Terms.tuple(new OtpErlangString(tagLine), g.name());
            case ServerRef.Pid p -> new OtpErlangString(tagLine);
        };
    }

    private OtpErlangObject safeStateTerm(S st) {
        try {
            return server.stateTerm(st);
        } catch (RuntimeException e) {
            return Terms.atom("unprintable_state");
        }
    }
}
