package io.beambridge.gen;

import io.beambridge.internal.metrics.NodeMetrics;
import io.beambridge.internal.runtime.Described;
import io.beambridge.internal.runtime.Errors;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.node.ErlangError;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.node.FunctionClauseError;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process that runs one {@link GenServer}: gen_server's loop as a {@link Reactor}, so
 * an idle server holds no thread. Messages are decoded as gen_server does —
 * {@code $gen_call}, {@code $gen_cast}, {@code system} (handed to {@link SysServer}), the
 * parent's {@code EXIT}, everything else is info — and the callbacks' results drive
 * replies, timeouts, continues and termination.
 *
 * <p>Only the process's own activation touches the fields, one message at a time. The
 * fields are what an idle server costs: keep them few.
 */
final class ServerProcess<S> implements Reactor, Described {
    private static final Logger log = LoggerFactory.getLogger(GenServer.class);

    /** The first message of every server: run init. */
    static final Object INIT = new Object() {
        @Override
        public String toString() {
            return "init";
        }
    };

    private static final Atom CONTINUE = new Atom("continue");
    private static final Atom PROC_LIB = new Atom("proc_lib");
    private static final Atom INITIAL_CALL = new Atom("$initial_call");
    private static final Atom ANCESTORS = new Atom("$ancestors");
    private static final Atom INIT_ATOM = new Atom("init");
    private static final Atom UNDEF = new Atom("undef");

    /** A timeout armed by a callback result: fires unless another message comes first. */
    private static final class TimeoutMarker {
        final Duration timeout;
        ScheduledFuture<?> future;

        TimeoutMarker(Duration timeout) {
            this.timeout = timeout;
        }
    }

    private final GenServer<S> server;
    private final ServerRef name;
    private S state;
    private Pid parent;
    private Object starter; // the starter's pid (with a parent to link to: {starter, parent}); after init, the ancestor
    private TimeoutMarker timer;
    private SysServer.Debug debug;

    /**
     * @param name    the name to register in init, or null
     * @param starter the process waiting for init's answer
     * @param parent  the linked starter, or a parent to link to, or null when started without a link (the
     *                parent is then the server itself)
     * @param linkParent link to {@code parent} in init (it is not the starter, which linked already)
     */
    ServerProcess(GenServer<S> server, ServerRef name, Pid starter, Pid parent, boolean linkParent) {
        this.server = server;
        this.name = name;
        this.starter = linkParent ? new Pid[] {starter, parent} : starter;
        this.parent = parent;
    }

    @Override
    public void handle(LocalProc self, Object message) {
        if (message == INIT) {
            init(self);
            return;
        }
        if (message instanceof TimeoutMarker t) {
            if (t == timer) {
                timer = null;
                info(self, Atom.TIMEOUT);
            }
            return; // a timer overtaken by a message
        }
        TimeoutMarker armed = timer;
        cancelTimer();
        if (message instanceof GenCall.LocalCall lc) {
            if (GenCall.SYSTEM.equals(lc.label())) {
                system(self, lc.from(), lc.request());
                rearm(self, armed);
            } else {
                localCall(self, lc);
            }
            return;
        }
        if (message instanceof Term.Tuple t && t.arity() >= 2) {
            Term tag = t.get(0);
            if (t.arity() == 3 && GenCall.SYSTEM.equals(tag) && GenCall.isFrom(t.get(1))) {
                system(self, (Term.Tuple) t.get(1), t.get(2));
                rearm(self, armed);
                return;
            }
            if (t.arity() == 3 && Atom.EXIT.equals(tag) && t.get(1).equals(parent)) {
                throw terminate(self, t.get(2), state, message, null, null);
            }
            if (debug != null) {
                debug.event(debugName(self), SysServer.in(t), t);
            }
            if (t.arity() == 3 && GenCall.GEN_CALL.equals(tag) && GenCall.isFrom(t.get(1))) {
                call(self, t);
                return;
            }
            if (t.arity() == 2 && GenCall.GEN_CAST.equals(tag)) {
                cast(self, t);
                return;
            }
        } else if (!(message instanceof Term)) {
            log.debug("GenServer {} drops a Java object it does not expect: {}", Exits.inspect(self), message);
            return;
        } else if (debug != null) {
            debug.event(debugName(self), SysServer.in((Term) message), null);
        }
        info(self, (Term) message);
    }

    /** gen_server re-enters its loop with the same timeout after a system message. */
    private void rearm(LocalProc self, TimeoutMarker armed) {
        if (armed != null && timer == null && self.isAlive()) {
            arm(self, armed.timeout);
        }
    }

    // ------------------------------------------------------------------ init

    private void init(LocalProc self) {
        Pid ackTo;
        if (starter instanceof Pid[] both) {
            ackTo = both[0];
            self.link(both[1]); // a parent of another node: a gone parent kills this server with noproc
        } else {
            ackTo = (Pid) starter;
        }
        starter = ackTo; // from now on, the ancestor ($ancestors)
        if (parent == null) {
            parent = self.self();
        }
        if (server instanceof SupervisorServer || server instanceof DynamicSupervisor.Server) {
            self.table().noteSupervisor(self, parent); // a graceful node stop stops the trees in order
        }
        if (name != null) {
            Pid holder = register(self);
            if (holder != null) {
                ack(self, ackTo, new StartResult.AlreadyStarted(new ServerRef.ByPid(self.node(), holder)));
                throw new ExitException(Atom.NORMAL);
            }
        }
        Init<S> result;
        try {
            result = server.init();
        } catch (ErlangThrow thrown) { // gen_server takes a thrown value as init's return
            result = initThrown(self, ackTo, thrown);
        } catch (Throwable t) {
            if (!self.isAlive()) {
                throw new ExitException(self.exitReason());
            }
            Term reason = callbackReason(t, "init", 1, null);
            if (!(t instanceof ExitException)) {
                log.error("GenServer {} ({}) crashed in init: {}", Exits.inspect(self), server.getClass().getName(),
                        reason, t);
            }
            unregister(self);
            ack(self, ackTo, new StartResult.Failed(reason));
            throw new ExitException(reason);
        }
        switch (result) {
            case Init.Ok<S> ok -> {
                state = ok.state();
                ack(self, ackTo, new StartResult.Ok(new ServerRef.ByPid(self.node(), self.self())));
                next(self, ok.next());
            }
            case Init.Ignore<S> ignore -> {
                unregister(self);
                ack(self, ackTo, new StartResult.Ignore());
                throw new ExitException(Atom.NORMAL);
            }
            case Init.Stop<S> stop -> {
                unregister(self);
                ack(self, ackTo, new StartResult.Failed(stop.reason()));
                throw new ExitException(stop.reason());
            }
            case null -> {
                Term reason = Exits.badReturn(Atom.NIL);
                unregister(self);
                ack(self, ackTo, new StartResult.Failed(reason));
                throw new ExitException(reason);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Init<S> initThrown(LocalProc self, Pid ackTo, ErlangThrow thrown) {
        try {
            return (Init<S>) (Init<?>) Init.fromTerm(thrown.value());
        } catch (ExitException bad) {
            unregister(self);
            ack(self, ackTo, new StartResult.Failed(bad.reason()));
            throw bad;
        }
    }

    private static void ack(LocalProc self, Pid to, StartResult result) {
        self.sendRaw(to, new Starting.Ack(self.self(), result));
    }

    /** Registers the name; returns null when done, else the holder (or {@code self} when unknown). */
    private Pid register(LocalProc self) {
        switch (name) {
            case ServerRef.Via v -> {
                return v.registry().registerName(v.name(), self.self()) ? null : holderOr(self, v.registry().whereisName(v.name()));
            }
            case ServerRef.Global g -> {
                return g.registry().registerName(g.name(), self.self()) ? null : holderOr(self, g.registry().whereisName(g.name()));
            }
            default -> {
                Atom local = Starting.localName(name);
                try {
                    self.register(local);
                    return null;
                } catch (IllegalStateException e) {
                    LocalProc holder = self.table().whereis(local);
                    return holderOr(self, holder == null ? null : holder.self());
                }
            }
        }
    }

    private static Pid holderOr(LocalProc self, Pid holder) {
        return holder != null ? holder : self.self();
    }

    /** Gives the name up before telling the starter init failed, as gen does, so a restart can take it. */
    private void unregister(LocalProc self) {
        switch (name) {
            case null -> { }
            case ServerRef.Via v -> v.registry().unregisterName(v.name());
            case ServerRef.Global g -> g.registry().unregisterName(g.name());
            default -> self.unregister();
        }
    }

    // ------------------------------------------------------------------ messages

    private void call(LocalProc self, Term.Tuple message) {
        From from = new From(self.table(), self.self(), (Term.Tuple) message.get(1));
        NodeMetrics metrics = self.table().metrics();
        long started = metrics.enabled() ? System.nanoTime() : 0;
        Result<S> r;
        try {
            r = server.handleCall(message.get(2), from, state);
        } catch (Throwable t) {
            r = caught(self, t, Clauses.Kind.CALL, message.get(2), message, from);
        }
        if (started != 0) {
            metrics.callServed(self.registeredName(), System.nanoTime() - started);
        }
        result(self, r, from, message);
    }

    /** A call with a Java request (a supervisor's start_child with a Java child spec). */
    @SuppressWarnings("unchecked")
    private void localCall(LocalProc self, GenCall.LocalCall lc) {
        From from = new From(self.table(), self.self(), lc.from());
        Result<S> r;
        try {
            if (!(server instanceof LocalRequests<?> lr)) {
                throw new IllegalArgumentException("a Java request (" + lc.request().getClass().getSimpleName()
                        + ") to a server that takes none");
            }
            r = ((LocalRequests<S>) lr).handleLocalCall(lc.request(), from, state);
        } catch (Throwable t) {
            throw crash(self, t, Atom.of("java_request"), from, "handle_call", 3, null);
        }
        result(self, r, from, Atom.of("java_request"));
    }

    private void cast(LocalProc self, Term.Tuple message) {
        Result<S> r;
        try {
            r = server.handleCast(message.get(1), state);
        } catch (Throwable t) {
            r = caught(self, t, Clauses.Kind.CAST, message.get(1), message, null);
        }
        result(self, r, null, message);
    }

    private void info(LocalProc self, Term message) {
        Result<S> r;
        try {
            r = server.handleInfo(message, state);
        } catch (Throwable t) {
            r = caught(self, t, Clauses.Kind.INFO, message, message, null);
        }
        result(self, r, null, message);
    }

    /** Acts on a callback's result; {@code from} is set for calls only. */
    private void result(LocalProc self, Result<S> first, From firstFrom, Term firstMessage) {
        Result<S> r = first;
        Term message = firstMessage;
        boolean isCall = firstFrom != null;
        while (true) {
            final From from = isCall ? firstFrom : null;
            Next next;
            switch (r) {
                case Result.Reply<S> reply when from != null -> {
                    state = reply.state();
                    from.reply(reply.reply());
                    if (debug != null) {
                        debug.event(debugName(self), SysServer.out(reply.reply(), from.toTerm(), safeStateTerm(state)), null);
                    }
                    next = reply.next();
                }
                case Result.NoReply<S> noreply -> {
                    state = noreply.state();
                    if (debug != null) {
                        debug.event(debugName(self), SysServer.noreply(safeStateTerm(state)), null);
                    }
                    next = noreply.next();
                }
                case Result.Stop<S> stop when stop.reply() == null || from != null -> {
                    ExitException exit;
                    try {
                        exit = terminate(self, stop.reason(), stop.state(), message, from, null);
                    } finally {
                        if (stop.reply() != null) {
                            from.reply(stop.reply());
                        }
                    }
                    throw exit;
                }
                case null, default -> throw terminate(self, Exits.badReturn(describe(r)), state, message, from, null);
            }
            if (!(next instanceof Next.Continue c)) {
                next(self, next);
                return;
            }
            Term continueMessage = Term.Tuple.of(CONTINUE, c.arg());
            try {
                r = server.handleContinue(c.arg(), state);
            } catch (Throwable t) {
                r = caught(self, t, Clauses.Kind.CONTINUE, c.arg(), continueMessage, null);
            }
            isCall = false;
            message = continueMessage;
        }
    }

    /** Applies a {@link Next} (init's continue runs through {@link #result}). */
    private void next(LocalProc self, Next next) {
        switch (next) {
            case Next.After a -> arm(self, a.timeout());
            case Next.Continue c -> {
                Term continueMessage = Term.Tuple.of(CONTINUE, c.arg());
                Result<S> r;
                try {
                    r = server.handleContinue(c.arg(), state);
                } catch (Throwable t) {
                    r = caught(self, t, Clauses.Kind.CONTINUE, c.arg(), continueMessage, null);
                }
                result(self, r, null, continueMessage);
            }
            case Next.Wait w -> { }
            case Next.Hibernate h -> { }
        }
    }

    private Term describe(Result<S> r) {
        return switch (r) {
            case null -> Atom.NIL;
            case Result.Reply<S> x -> Term.Tuple.of(new Atom("reply"), x.reply(), safeStateTerm(x.state()));
            case Result.NoReply<S> x -> Term.Tuple.of(new Atom("noreply"), safeStateTerm(x.state()));
            case Result.Stop<S> x -> x.reply() == null
                    ? Term.Tuple.of(new Atom("stop"), x.reason(), safeStateTerm(x.state()))
                    : Term.Tuple.of(new Atom("stop"), x.reason(), x.reply(), safeStateTerm(x.state()));
        };
    }

    // ------------------------------------------------------------------ clauses (the default callbacks)

    /**
     * What the default callbacks do: run the clause the message fits; answer what none
     * takes as Elixir does (see {@link GenServer}).
     */
    static <S> Result<S> clause(GenServer<S> server, Clauses.Kind kind, Term message, From from, S state)
            throws Exception {
        Clauses clauses = Clauses.of(server.getClass());
        LocalProc self = LocalProc.current();
        String who = self == null ? "?" : Exits.inspect(self);
        if (!clauses.has(kind)) {
            switch (kind) {
                case INFO -> {
                    LoggerFactory.getLogger(server.getClass()).error("{} {} received unexpected message in handle_info/2: {}",
                            server.module(), who, message);
                    return Result.noreply(state);
                }
                case CALL -> throw new ExitException(Errors.runtimeError("attempted to call GenServer " + who
                        + " but no handle_call/3 clause was provided", Errors.callbackStack(server.module(), "handle_call", 3)));
                case CAST -> throw new ExitException(Errors.runtimeError("attempted to cast GenServer " + who
                        + " but no handle_cast/2 clause was provided", Errors.callbackStack(server.module(), "handle_cast", 2)));
                case CONTINUE -> throw new ExitException(Term.Tuple.of(UNDEF, Term.List.of(Term.Tuple.of(server.module(),
                        new Atom("handle_continue"), Term.List.of(message, defaultStateTerm(state)), Term.List.EMPTY))));
            }
        }
        try {
            return clauses.dispatch(server, kind, message, from, state);
        } catch (Clauses.NoClause e) {
            if (e.lastError != null) {
                log.warn("no {} clause of {} takes {} (nearest: {})", kind.callback, server.getClass().getName(), message,
                        e.lastError.getMessage());
            }
            throw new ExitException(Term.Tuple.of(Errors.FUNCTION_CLAUSE,
                    Errors.clauseStack(server.module(), kind.callback, callbackArgs(server, kind, message, from, state),
                            null)));
        }
    }

    /** The arguments of a callback as Erlang passes them: {@code [request, from, state]} or {@code [message, state]}. */
    private static <S> Term.List callbackArgs(GenServer<S> server, Clauses.Kind kind, Term message, From from, S state) {
        Term stateTerm = safeStateTerm(server, state);
        return kind == Clauses.Kind.CALL ? Term.List.of(message, from.toTerm(), stateTerm)
                : Term.List.of(message, stateTerm);
    }

    /** {@link GenServer#stateTerm}'s default. */
    static Term defaultStateTerm(Object state) {
        if (state instanceof Term t) {
            return t;
        }
        try {
            return Term.of(state);
        } catch (IllegalArgumentException e) {
            return Term.tuple(new Atom("java"), Term.string(state.getClass().getName()), Term.string(String.valueOf(state)));
        }
    }

    private static <S> Term safeStateTerm(GenServer<S> server, S st) {
        try {
            return server.stateTerm(st);
        } catch (RuntimeException e) {
            return new Atom("unprintable_state");
        }
    }

    private Term safeStateTerm(S st) {
        return safeStateTerm(server, st);
    }

    // ------------------------------------------------------------------ timeouts

    private void arm(LocalProc self, Duration timeout) {
        TimeoutMarker m = new TimeoutMarker(timeout);
        timer = m;
        if (timeout.isZero()) {
            self.sendRaw(self.self(), m); // after 0: fires only if nothing is waiting already
            return;
        }
        var table = self.table();
        Pid pid = self.self();
        m.future = GenTimers.schedule(() -> table.send(new Signal.Send(pid, pid, m)), timeout);
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
     * A callback threw: unless the process was killed meanwhile (then it is already dead and
     * nothing runs), terminate runs with the exception's reason.
     */
    private ExitException crash(LocalProc self, Throwable t, Term message, From from, String callback, int arity,
            Term.List args) {
        if (!self.isAlive()) {
            return t instanceof ExitException e ? e : new ExitException(self.exitReason());
        }
        return terminate(self, callbackReason(t, callback, arity, args), state, message, from, t);
    }

    /**
     * A callback {@code kind} threw {@code t} while handling {@code request}: a thrown value
     * ({@link ErlangThrow}) is what the callback returned, as gen_server takes it; anything
     * else ends the server ({@link #crash}).
     */
    @SuppressWarnings("unchecked")
    private Result<S> caught(LocalProc self, Throwable t, Clauses.Kind kind, Term request, Term message, From from) {
        if (t instanceof ErlangThrow thrown && self.isAlive()) {
            try {
                return (Result<S>) (Result<?>) Result.fromTerm(thrown.value());
            } catch (ExitException bad) {
                throw terminate(self, bad.reason(), state, message, from, null);
            }
        }
        Term.List args = t instanceof FunctionClauseError ? callbackArgs(server, kind, request, from, state) : null;
        throw crash(self, t, message, from, kind.callback, kind.arity, args);
    }

    /**
     * The exit reason of a callback that threw {@code t}, as an Elixir server's: an exit's
     * own reason; an error with a stack that starts with the callback
     * ({@code {module, :handle_call, 3, location}}, where location is the line of the
     * server's class nearest the error), then the Java frames; a function clause error
     * with the callback's arguments ({@code args}) in place of its arity.
     */
    private Term callbackReason(Throwable t, String callback, int arity, Term.List args) {
        if (t instanceof ExitException e) {
            return e.reason();
        }
        if (t instanceof ErlangError e && e.stacktrace() != null) {
            return Term.Tuple.of(e.reason(), e.stacktrace());
        }
        StackTraceElement[] frames = t.getStackTrace();
        Term.List location = Term.List.EMPTY;
        for (StackTraceElement f : frames) {
            if (f.getClassName().equals(server.getClass().getName())) {
                location = (Term.List) ((Term.Tuple) Errors.frame(f)).get(3);
                break;
            }
        }
        List<Term> stack = new java.util.ArrayList<>();
        stack.add(Term.Tuple.of(server.module(), new Atom(callback), args != null ? args : Term.Int.of(arity), location));
        stack.addAll(Errors.stacktrace(t).elements());
        return Term.Tuple.of(Errors.error(t), Term.List.of(stack));
    }

    /** Calls terminate, reports an abnormal end as gen_server does, and returns the exit to throw. */
    private ExitException terminate(LocalProc self, Term reason, S st, Object message, From from, Throwable cause) {
        cancelTimer();
        state = st;
        try {
            server.terminate(reason, st);
        } catch (Throwable t) {
            if (!self.isAlive()) {
                return t instanceof ExitException e ? e : new ExitException(self.exitReason());
            }
            reason = callbackReason(t, "terminate", 2, null);
            cause = t;
        }
        if (debug != null) {
            debug.closeFile();
        }
        if (!ExitException.isQuiet(reason)) {
            CrashReport.log(log, Exits.inspect(self), reason, message, from, safeFormatStatus(st), cause);
        }
        return new ExitException(reason);
    }

    private Term safeFormatStatus(S st) {
        try {
            return server.formatStatus(st);
        } catch (RuntimeException e) {
            return Term.tuple(new Atom("format_status_failed"), Errors.reasonOf(e));
        }
    }

    // ------------------------------------------------------------------ sys

    /**
     * A system message, as {@code sys:handle_system_msg/6}; after {@code suspend} only system
     * messages and the parent's EXIT are taken (others wait, in order) until {@code resume}.
     */
    private void system(LocalProc self, Term.Tuple from, Object request) {
        boolean suspended = systemRequest(self, from, request, false);
        while (suspended) {
            Object m = self.take(this::isSystemOrParentExit, -1);
            if (m instanceof GenCall.LocalCall lc) {
                suspended = systemRequest(self, lc.from(), lc.request(), true);
                continue;
            }
            Term.Tuple t = (Term.Tuple) m;
            if (Atom.EXIT.equals(t.get(0))) {
                throw terminate(self, t.get(2), state, m, null, null);
            }
            suspended = systemRequest(self, (Term.Tuple) t.get(1), t.get(2), true);
        }
    }

    private boolean isSystemOrParentExit(Object m) {
        return m instanceof GenCall.LocalCall lc && GenCall.SYSTEM.equals(lc.label())
                || m instanceof Term.Tuple t && t.arity() == 3
                && ((GenCall.SYSTEM.equals(t.get(0)) && GenCall.isFrom(t.get(1)))
                    || (Atom.EXIT.equals(t.get(0)) && t.get(1).equals(parent)));
    }

    /** Handles one system request; returns whether the server is suspended afterwards. */
    @SuppressWarnings("unchecked")
    private boolean systemRequest(LocalProc self, Term.Tuple fromTerm, Object req, boolean suspended) {
        From from = new From(self.table(), self.self(), fromTerm);
        if (SysServer.isSuspend(req)) {
            from.reply(Atom.OK);
            return true;
        }
        if (SysServer.isResume(req)) {
            from.reply(Atom.OK);
            return false;
        }
        if (SysServer.isGetState(req)) {
            Term st;
            try {
                st = server.stateTerm(state);
            } catch (RuntimeException e) {
                from.reply(SysServer.callbackFailed("system_get_state", e));
                return suspended;
            }
            SysServer.replyState(self, from, st);
            return suspended;
        }
        if (SysServer.isGetStatus(req)) {
            from.reply(status(self, suspended));
            return suspended;
        }
        if (req instanceof SysServer.ReplaceState rs) {
            S newState;
            Term st;
            try {
                newState = ((UnaryOperator<S>) rs.fun()).apply(state);
                st = server.stateTerm(newState);
            } catch (RuntimeException e) {
                from.reply(SysServer.callbackFailed("system_replace_state", e));
                return suspended;
            }
            state = newState;
            SysServer.replyState(self, from, st);
            return suspended;
        }
        if (SysServer.isErlangReplaceState(req)) {
            from.reply(SysServer.callbackFailed("system_replace_state", Term.Tuple.of(new Atom("java_server"),
                    Term.string("an Erlang fun cannot run in a Java GenServer; replace its state from Java with"
                            + " Sys.replaceState"))));
            return suspended;
        }
        Term terminateReason = SysServer.terminateReason(req);
        if (terminateReason != null) {
            from.reply(Atom.OK);
            throw terminate(self, terminateReason, state, null, null, null);
        }
        if (SysServer.isChangeCode(req) && suspended) {
            from.reply(Atom.OK); // Java code does not change; the server keeps its state
            return true;
        }
        Term what = SysServer.debugWhat(req);
        if (what != null) {
            SysServer.Debug[] holder = {debug};
            Term reply = SysServer.debugCommand(what, holder);
            debug = holder[0];
            from.reply(reply);
            return suspended;
        }
        from.reply(SysServer.unknown(req));
        return suspended;
    }

    /**
     * The reply to sys:get_status, shaped as gen_server's:
     * {@code {status, Pid, {module, gen_server}, [PDict, SysState, Parent, Debug, Misc]}}.
     */
    private Term status(LocalProc self, boolean suspended) {
        Atom sysState = SysServer.sysState(suspended);
        Term formatted = safeFormatStatus(state);
        Term misc = Term.List.of(
                Term.tuple(new Atom("header"), header(self)),
                Term.tuple(new Atom("data"), Term.List.of(
                        Term.tuple(Term.charlist("Status"), sysState),
                        Term.tuple(Term.charlist("Parent"), parent),
                        Term.tuple(Term.charlist("Logged events"), SysServer.loggedEvents(debug)))),
                Term.tuple(new Atom("data"), Term.List.of(Term.tuple(Term.charlist("State"), formatted))));
        return Term.tuple(new Atom("status"), self.self(), Term.tuple(new Atom("module"), SysServer.GEN_SERVER),
                Term.List.of(dictionary(), sysState, parent, SysServer.debugList(debug), misc));
    }

    /** gen:format_status_header: a charlist for a pid or local name, else {TagLine, Name}. */
    private Term header(LocalProc self) {
        String tagLine = "Status for generic server";
        return switch (name) {
            case null -> Term.charlist(tagLine + " " + self.self().pidToListLocal());
            case ServerRef.Via v -> Term.tuple(Term.charlist(tagLine), v.name());
            case ServerRef.Global g -> Term.tuple(Term.charlist(tagLine), g.name());
            default -> Term.charlist(tagLine + " " + Starting.localName(name).name());
        };
    }

    /** The name sys's debug output shows: the registered name, else the pid. */
    private Term debugName(LocalProc self) {
        return switch (name) {
            case null -> self.self();
            case ServerRef.Via v -> v.name();
            case ServerRef.Global g -> g.name();
            default -> Starting.localName(name);
        };
    }

    // ------------------------------------------------------------------ process_info

    @Override
    public Term initialCall() {
        return Term.tuple(PROC_LIB, new Atom("init_p"), Term.Int.of(5));
    }

    @Override
    public Term.List dictionary() {
        return Term.List.of(
                Term.tuple(INITIAL_CALL, Term.tuple(server.module(), INIT_ATOM, Term.Int.of(1))),
                Term.tuple(ANCESTORS, Term.List.of(starter instanceof Pid p ? List.<Term>of(p)
                        : parent == null ? List.<Term>of() : List.of(parent))));
    }

    @Override
    public Term currentFunction() {
        return Term.tuple(SysServer.GEN_SERVER, new Atom("loop"), Term.Int.of(7));
    }
}
