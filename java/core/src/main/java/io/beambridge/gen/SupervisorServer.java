package io.beambridge.gen;

import io.beambridge.internal.runtime.Errors;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTP's {@code supervisor} for Java children, as a {@link GenServer}: it traps exits,
 * starts its children in order, restarts them by strategy and intensity, and answers
 * the supervisor call protocol ({@code which_children}, {@code count_children},
 * {@code terminate_child}, {@code restart_child}, {@code delete_child},
 * {@code start_child}, {@code get_childspec}) so Elixir's {@code Supervisor} functions
 * work on it.
 */
final class SupervisorServer implements GenServer<SupervisorServer.State>, LocalRequests<SupervisorServer.State> {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private static final Atom RESTARTING = new Atom("restarting");
    private static final Atom TRY_AGAIN_RESTART = new Atom("try_again_restart");
    private static final Atom SUPERVISOR = new Atom("supervisor");

    /** {@code start_child} with a Java child spec, from {@link Supervisor#startChild}. */
    record StartChild(ChildSpec spec) {}

    private final List<ChildSpec> specs;
    private final SupervisorFlags flags;

    SupervisorServer(List<ChildSpec> specs, SupervisorFlags flags) {
        this.specs = List.copyOf(specs);
        this.flags = flags;
    }

    /** A child: its spec, and its pid while running. */
    static final class Child {
        final ChildSpec spec;
        Pid pid;
        boolean restarting;

        Child(ChildSpec spec) {
            this.spec = spec;
        }

        Term id() {
            return spec.id();
        }
    }

    /** The supervisor's state: children in start order and recent restart times. */
    static final class State {
        final SupervisorFlags flags;
        final List<Child> children = new ArrayList<>();
        final ArrayDeque<Long> restarts = new ArrayDeque<>();

        State(SupervisorFlags flags) {
            this.flags = flags;
        }

        Child byId(Term id) {
            for (Child c : children) {
                if (c.id().equals(id)) {
                    return c;
                }
            }
            return null;
        }

        Child byPid(Pid pid) {
            for (Child c : children) {
                if (pid.equals(c.pid)) {
                    return c;
                }
            }
            return null;
        }
    }

    // ------------------------------------------------------------------ init and terminate

    @Override
    public Init<State> init() {
        LocalProc self = LocalProc.current();
        self.trapExit(true);
        State st = new State(flags);
        for (ChildSpec spec : specs) {
            if (st.byId(spec.id()) != null) {
                return Init.stop(Term.tuple(new Atom("start_spec"),
                        Term.tuple(new Atom("duplicate_child_name"), spec.id())));
            }
            st.children.add(new Child(spec));
        }
        Term failure = startChildren(self, st, new ArrayList<>(st.children));
        if (failure != null) {
            terminateChildren(self, st, new ArrayList<>(st.children));
            return Init.stop(Term.tuple(Atom.SHUTDOWN, failure));
        }
        return Init.ok(st);
    }

    @Override
    public void terminate(Term reason, State st) {
        terminateChildren(LocalProc.current(), st, new ArrayList<>(st.children));
    }

    /**
     * Starts {@code group} (in start order); a temporary child that ignores is dropped.
     * Returns null, or {@code {failed_to_start_child, Id, Reason}} after the first
     * failure (the children after it stay unstarted).
     */
    private Term startChildren(LocalProc self, State st, List<Child> group) {
        for (Child c : group) {
            StartResult r = startChild(self, c.spec);
            switch (r) {
                case StartResult.Ok ok -> {
                    c.pid = ok.pid();
                    c.restarting = false;
                }
                case StartResult.Ignore ignore -> {
                    c.pid = null;
                    c.restarting = false;
                    if (c.spec.restart() == ChildSpec.Restart.TEMPORARY) {
                        st.children.remove(c);
                    }
                }
                case StartResult.AlreadyStarted a -> {
                    Term reason = Term.tuple(StartResult.ALREADY_STARTED, a.server() == null ? Atom.UNDEFINED : a.server().pid());
                    log.error("Supervisor {} failed to start child {}: {}", Exits.inspect(self), c.id(), reason);
                    return Term.tuple(new Atom("failed_to_start_child"), c.id(), reason);
                }
                case StartResult.Failed e -> {
                    log.error("Supervisor {} failed to start child {}: {}", Exits.inspect(self), c.id(), e.reason());
                    return Term.tuple(new Atom("failed_to_start_child"), c.id(), e.reason());
                }
            }
        }
        return null;
    }

    /** Runs a child's start function, as supervisor's {@code do_start_child_i}. */
    private static StartResult startChild(LocalProc self, ChildSpec spec) {
        try {
            StartResult r = spec.start().start();
            return r != null ? r : new StartResult.Failed(Atom.NIL);
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e;
            }
            return new StartResult.Failed(e.reason());
        } catch (Exception e) {
            return new StartResult.Failed(Errors.reasonOf(e));
        }
    }

    /** Stops {@code group} in reverse start order; temporary children are forgotten. */
    private void terminateChildren(LocalProc self, State st, List<Child> group) {
        for (int i = group.size() - 1; i >= 0; i--) {
            Child c = group.get(i);
            shutdown(self, c);
            c.pid = null;
            c.restarting = false;
            if (c.spec.restart() == ChildSpec.Restart.TEMPORARY) {
                st.children.remove(c);
            }
        }
    }

    /** supervisor:shutdown/2. */
    private void shutdown(LocalProc self, Child c) {
        if (c.pid != null) {
            Supervision.shutdown(self, c.pid, c.spec.shutdown(), c.spec.restart(), c.id(), log);
        }
    }

    // ------------------------------------------------------------------ restarts

    @Override
    public Result<State> handleInfo(Term message, State st) {
        if (message instanceof Term.Tuple t && t.arity() == 3 && Atom.EXIT.equals(t.get(0))
                && t.get(1) instanceof Pid pid) {
            Child c = st.byPid(pid);
            if (c == null) {
                return Result.noreply(st);
            }
            return childExited(LocalProc.current(), st, c, t.get(2));
        }
        log.error("Supervisor {} received unexpected message: {}", Exits.inspect(LocalProc.current()),
                String.valueOf(message));
        return Result.noreply(st);
    }

    @Override
    public Result<State> handleCast(Term request, State st) throws Exception {
        if (request instanceof Term.Tuple t && t.arity() == 2 && TRY_AGAIN_RESTART.equals(t.get(0))) {
            Child c = st.byId(t.get(1));
            if (c != null && c.restarting) {
                return restart(LocalProc.current(), st, c);
            }
            return Result.noreply(st);
        }
        return GenServer.super.handleCast(request, st);
    }

    /** supervisor:do_restart/3. */
    private Result<State> childExited(LocalProc self, State st, Child c, Term reason) {
        c.pid = null;
        switch (c.spec.restart()) {
            case PERMANENT -> {
                reportChildTerminated(self, c, reason);
                return restart(self, st, c);
            }
            case TRANSIENT -> {
                if (ExitException.isQuiet(reason)) {
                    return Result.noreply(st);
                }
                reportChildTerminated(self, c, reason);
                return restart(self, st, c);
            }
            case TEMPORARY -> {
                if (!ExitException.isQuiet(reason)) {
                    reportChildTerminated(self, c, reason);
                }
                st.children.remove(c);
                return Result.noreply(st);
            }
        }
        throw new IllegalStateException();
    }

    private static void reportChildTerminated(LocalProc self, Child c, Term reason) {
        if (ExitException.isQuiet(reason)) {
            log.info("Supervisor {} child {} terminated: {}", Exits.inspect(self), String.valueOf(c.id()),
                    String.valueOf(reason));
        } else {
            log.error("Supervisor {} child {} terminated: {}", Exits.inspect(self), String.valueOf(c.id()),
                    String.valueOf(reason));
        }
    }

    /** supervisor:restart/2: counts the restart against the intensity, then restarts by strategy. */
    private Result<State> restart(LocalProc self, State st, Child c) {
        if (!addRestart(st)) {
            log.error("Supervisor {} reached max restart intensity ({} in {} s) after child {} ended; shutting down",
                    Exits.inspect(self), st.flags.maxRestarts(), st.flags.maxSeconds(), String.valueOf(c.id()));
            c.pid = null;
            c.restarting = false;
            if (c.spec.restart() == ChildSpec.Restart.TEMPORARY) {
                st.children.remove(c);
            }
            return Result.stop(Atom.SHUTDOWN, st);
        }
        if (self.table().metrics().enabled()) {
            self.table().metrics().restart(self.registeredName());
        }
        Term failedId = switch (st.flags.strategy()) {
            case ONE_FOR_ONE -> {
                StartResult r = startChild(self, c.spec);
                switch (r) {
                    case StartResult.Ok ok -> {
                        c.pid = ok.pid();
                        c.restarting = false;
                        yield null;
                    }
                    case StartResult.Ignore ignore -> {
                        c.pid = null;
                        c.restarting = false;
                        yield null;
                    }
                    case StartResult.AlreadyStarted a -> {
                        log.error("Supervisor {} failed to restart child {}: {}", Exits.inspect(self), c.id(), a.toTerm());
                        yield c.id();
                    }
                    case StartResult.Failed e -> {
                        log.error("Supervisor {} failed to restart child {}: {}", Exits.inspect(self), c.id(), e.reason());
                        yield c.id();
                    }
                }
            }
            case ONE_FOR_ALL -> restartGroup(self, st, c, new ArrayList<>(st.children));
            case REST_FOR_ONE -> {
                int i = st.children.indexOf(c);
                yield restartGroup(self, st, c, new ArrayList<>(st.children.subList(i, st.children.size())));
            }
        };
        if (failedId != null) {
            // leave control to the loop before trying again, so other requests get through
            Child failed = st.byId(failedId);
            if (failed != null) {
                failed.pid = null;
                failed.restarting = true;
            }
            self.sendRaw(self.self(), Term.tuple(GenCall.GEN_CAST, Term.tuple(TRY_AGAIN_RESTART, failedId)));
        }
        return Result.noreply(st);
    }

    /** restart_multiple_children: stop the group but {@code failed}, start it all again; the id that failed to start, or null. */
    private Term restartGroup(LocalProc self, State st, Child failed, List<Child> group) {
        failed.pid = null;
        terminateChildren(self, st, group);
        group.removeIf(ch -> !st.children.contains(ch));
        if (!st.children.contains(failed)) {
            return null;
        }
        Term failure = startChildren(self, st, group);
        return failure == null ? null : ((Term.Tuple) failure).get(1);
    }

    /** supervisor:add_restart/1: false when the intensity is exceeded. */
    private static boolean addRestart(State st) {
        return Supervision.addRestart(st.restarts, st.flags.maxRestarts(), st.flags.maxSeconds());
    }

    // ------------------------------------------------------------------ the call protocol

    @Override
    public Result<State> handleCall(Term request, From from, State st) throws Exception {
        LocalProc self = LocalProc.current();
        if (new Atom("which_children").equals(request)) {
            List<Term> l = new ArrayList<>();
            for (int i = st.children.size() - 1; i >= 0; i--) { // reverse start order, as OTP
                Child c = st.children.get(i);
                Term child = c.restarting ? RESTARTING : c.pid != null ? c.pid : Atom.UNDEFINED;
                l.add(Term.tuple(c.id(), child, c.spec.type().atom(), c.spec.modulesTerm()));
            }
            return Result.reply(Term.List.of(l), st);
        }
        if (new Atom("count_children").equals(request)) {
            int active = 0;
            int supervisors = 0;
            int workers = 0;
            for (Child c : st.children) {
                if (c.pid != null && isAlive(self, c.pid)) {
                    active++;
                }
                if (c.spec.type() == ChildSpec.Type.SUPERVISOR) {
                    supervisors++;
                } else {
                    workers++;
                }
            }
            return Result.reply(Term.list(Term.tuple(new Atom("specs"), st.children.size()),
                    Term.tuple(new Atom("active"), active), Term.tuple(new Atom("supervisors"), supervisors),
                    Term.tuple(new Atom("workers"), workers)), st);
        }
        if (request instanceof Term.Tuple t && t.arity() == 2 && t.get(0) instanceof Atom op) {
            Term arg = t.get(1);
            switch (op.name()) {
                case "terminate_child" -> {
                    Child c = st.byId(arg);
                    if (c == null) {
                        return Result.reply(notFound(), st);
                    }
                    terminateChildren(self, st, List.of(c));
                    return Result.reply(Atom.OK, st);
                }
                case "restart_child" -> {
                    Child c = st.byId(arg);
                    Term refused = notStopped(c);
                    if (refused != null) {
                        return Result.reply(refused, st);
                    }
                    StartResult r = startChild(self, c.spec);
                    if (r instanceof StartResult.Ok ok) {
                        c.pid = ok.pid();
                        return Result.reply(r.toTerm(), st);
                    }
                    if (r instanceof StartResult.Ignore) {
                        return Result.reply(Term.tuple(Atom.OK, Atom.UNDEFINED), st);
                    }
                    return Result.reply(r.toTerm(), st);
                }
                case "delete_child" -> {
                    Child c = st.byId(arg);
                    Term refused = notStopped(c);
                    if (refused != null) {
                        return Result.reply(refused, st);
                    }
                    st.children.remove(c);
                    return Result.reply(Atom.OK, st);
                }
                case "get_childspec" -> {
                    Child c = st.byId(arg);
                    return Result.reply(c == null ? notFound() : Term.tuple(Atom.OK, c.spec.toTerm()), st);
                }
                case "start_child" -> {
                    return Result.reply(error(Term.tuple(new Atom("java_supervisor"), Term.string(
                            "a Java supervisor starts Java children only (a ChildSpec given with Supervisor.startChild"
                                    + " on its node); an Erlang child spec cannot run on a Java node"))), st);
                }
                default -> { }
            }
        }
        return GenServer.super.handleCall(request, from, st);
    }

    @Override
    public Result<State> handleLocalCall(Object request, From from, State st) throws Exception {
        if (request instanceof StartChild sc) {
            return Result.reply(startNewChild(LocalProc.current(), st, sc.spec()), st);
        }
        throw new IllegalArgumentException("a supervisor takes no " + request.getClass().getSimpleName());
    }

    private Term startNewChild(LocalProc self, State st, ChildSpec spec) {
        Child existing = st.byId(spec.id());
        if (existing != null) {
            return existing.pid != null ? error(Term.tuple(StartResult.ALREADY_STARTED, existing.pid))
                    : error(new Atom("already_present"));
        }
        StartResult r = startChild(self, spec);
        switch (r) {
            case StartResult.Ok ok -> {
                Child c = new Child(spec);
                c.pid = ok.pid();
                st.children.add(c);
                return r.toTerm();
            }
            case StartResult.Ignore ignore -> {
                if (spec.restart() != ChildSpec.Restart.TEMPORARY) {
                    st.children.add(new Child(spec));
                }
                return Term.tuple(Atom.OK, Atom.UNDEFINED);
            }
            case StartResult.AlreadyStarted a -> {
                return error(Term.tuple(a.toTerm() instanceof Term.Tuple t ? t.get(1) : Atom.UNDEFINED, spec.toTerm()));
            }
            case StartResult.Failed e -> {
                return error(Term.tuple(e.reason(), spec.toTerm()));
            }
        }
    }

    private static boolean isAlive(LocalProc self, Pid pid) {
        if (!pid.node().equals(self.nodeName())) {
            return true;
        }
        LocalProc p = self.table().lookup(pid);
        return p != null && p.isAlive();
    }

    /**
     * What {@code restart_child} and {@code delete_child} answer for a child that is
     * unknown, restarting or running; null for a stopped child they may act on.
     */
    private static Term notStopped(Child c) {
        if (c == null) {
            return notFound();
        }
        if (c.restarting) {
            return error(RESTARTING);
        }
        return c.pid != null ? error(new Atom("running")) : null;
    }

    private static Term notFound() {
        return error(new Atom("not_found"));
    }

    private static Term error(Term reason) {
        return Term.tuple(Atom.ERROR, reason);
    }

    // ------------------------------------------------------------------ sys

    /** What {@code :sys.get_state/1} shows for a Java supervisor. */
    @Override
    public Term stateTerm(State st) {
        Map<Term, Term> m = new LinkedHashMap<>();
        m.put(new Atom("strategy"), st.flags.strategy().atom());
        m.put(new Atom("intensity"), Term.integer(st.flags.maxRestarts()));
        m.put(new Atom("period"), Term.integer(st.flags.maxSeconds()));
        List<Term> children = new ArrayList<>();
        for (Child c : st.children) {
            children.add(Term.tuple(c.id(), c.restarting ? RESTARTING : c.pid != null ? c.pid : Atom.UNDEFINED));
        }
        m.put(new Atom("children"), Term.List.of(children));
        return Term.Map.of(m);
    }

    @Override
    public Atom module() {
        return SUPERVISOR;
    }
}
