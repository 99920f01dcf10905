package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.TermFormat;
import io.beambridge.term.Terms;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
final class SupervisorServer implements GenServer<SupervisorServer.State> {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private static final OtpErlangAtom RESTARTING = new OtpErlangAtom("restarting");
    private static final OtpErlangAtom TRY_AGAIN_RESTART = new OtpErlangAtom("try_again_restart");

    private final List<ChildSpec> specs;
    private final SupervisorFlags flags;

    SupervisorServer(List<ChildSpec> specs, SupervisorFlags flags) {
        this.specs = List.copyOf(specs);
        this.flags = flags;
    }

    /** A child: its spec, and its pid while running. */
    static final class Child {
        final ChildSpec spec;
        OtpErlangPid pid;
        boolean restarting;

        Child(ChildSpec spec) {
            this.spec = spec;
        }

        OtpErlangObject id() {
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

        Child byId(OtpErlangObject id) {
            for (Child c : children) {
                if (c.id().equals(id)) {
                    return c;
                }
            }
            return null;
        }

        Child byPid(OtpErlangPid pid) {
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
        Proc self = Proc.current();
        self.trapExit(true);
        State st = new State(flags);
        for (ChildSpec spec : specs) {
            if (st.byId(spec.id()) != null) {
                return Init.stop(Terms.tuple(Terms.atom("start_spec"),
                        Terms.tuple(Terms.atom("duplicate_child_name"), spec.id())));
            }
            st.children.add(new Child(spec));
        }
        OtpErlangObject failure = startChildren(self, st, new ArrayList<>(st.children));
        if (failure != null) {
            terminateChildren(self, st, new ArrayList<>(st.children));
            return Init.stop(Terms.tuple(Atoms.SHUTDOWN, failure));
        }
        return Init.ok(st);
    }

    @Override
    public void terminate(OtpErlangObject reason, State st) {
        terminateChildren(Proc.current(), st, new ArrayList<>(st.children));
    }

    /**
     * Starts {@code group} (in start order); a temporary child that ignores is dropped.
     * Returns null, or {@code {failed_to_start_child, Id, Reason}} after the first
     * failure (the children after it stay unstarted).
     */
    private OtpErlangObject startChildren(Proc self, State st, List<Child> group) {
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
                case StartResult.Error e -> {
                    log.error("Supervisor {} failed to start child {}: {}", Exits.inspect(self),
                            TermFormat.format(c.id()), TermFormat.format(e.reason()));
                    return Terms.tuple(Terms.atom("failed_to_start_child"), c.id(), e.reason());
                }
            }
        }
        return null;
    }

    /** Runs a child's start function, as supervisor's {@code do_start_child_i}. */
    private static StartResult startChild(Proc self, ChildSpec spec) {
        try {
            StartResult r = spec.start().start();
            return r != null ? r : StartResult.error(Atoms.NIL);
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e;
            }
            return StartResult.error(e.reason());
        } catch (Exception e) {
            return StartResult.error(ExitException.reasonOf(e));
        }
    }

    /** Stops {@code group} in reverse start order; temporary children are forgotten. */
    private void terminateChildren(Proc self, State st, List<Child> group) {
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

    /** supervisor:shutdown/1: monitor, exit(shutdown) (or kill), await the DOWN, kill after the timeout. */
    private void shutdown(Proc self, Child c) {
        OtpErlangPid pid = c.pid;
        if (pid == null) {
            return;
        }
        OtpErlangRef mon = self.monitor(pid);
        OtpErlangObject reason;
        ChildSpec.Shutdown how = c.spec.shutdown();
        if (how instanceof ChildSpec.Shutdown.BrutalKill) {
            self.exit(pid, Atoms.KILL);
            reason = unlinkFlush(self, pid, awaitDown(self, mon, -1));
            if (Atoms.KILLED.equals(reason)) {
                return;
            }
        } else {
            self.exit(pid, Atoms.SHUTDOWN);
            long timeout = how instanceof ChildSpec.Shutdown.Timeout t ? t.millis() : -1;
            OtpErlangObject down = awaitDown(self, mon, timeout);
            if (down == null) {
                self.exit(pid, Atoms.KILL);
                down = awaitDown(self, mon, -1);
            }
            reason = unlinkFlush(self, pid, down);
            if (Atoms.SHUTDOWN.equals(reason)) {
                return;
            }
        }
        boolean permanent = c.spec.restart() == ChildSpec.Restart.PERMANENT;
        if (!permanent && ExitException.isQuiet(reason)) {
            return;
        }
        log.error("Supervisor {} shutdown error for child {}: {}", Exits.inspect(self),
                TermFormat.format(c.id()), TermFormat.format(reason));
    }

    private static OtpErlangObject awaitDown(Proc self, OtpErlangRef mon, long timeoutMillis) {
        OtpErlangObject m = self.receive(x -> x instanceof OtpErlangTuple t && t.arity() == 5
                && Atoms.DOWN.equals(t.elementAt(0)) && mon.equals(t.elementAt(1)), timeoutMillis);
        return m == null ? null : ((OtpErlangTuple) m).elementAt(4);
    }

    /** The EXIT's reason when one came (it says why the child died), else the DOWN's. */
    private static OtpErlangObject unlinkFlush(Proc self, OtpErlangPid pid, OtpErlangObject downReason) {
        self.unlink(pid);
        OtpErlangObject exit = self.receive(x -> isExitFrom(x, pid), 0);
        return exit != null ? ((OtpErlangTuple) exit).elementAt(2) : downReason;
    }

    private static boolean isExitFrom(OtpErlangObject m, OtpErlangPid pid) {
        return m instanceof OtpErlangTuple t && t.arity() == 3 && Atoms.EXIT.equals(t.elementAt(0))
                && pid.equals(t.elementAt(1));
    }

    // ------------------------------------------------------------------ restarts

    @Override
    public Result<State> handleInfo(OtpErlangObject message, State st) {
        if (message instanceof OtpErlangTuple t && t.arity() == 3 && Atoms.EXIT.equals(t.elementAt(0))
                && t.elementAt(1) instanceof OtpErlangPid pid) {
            Child c = st.byPid(pid);
            if (c == null) {
                return Result.noreply(st);
            }
            return childExited(Proc.current(), st, c, t.elementAt(2));
        }
        log.error("Supervisor {} received unexpected message: {}", Exits.inspect(Proc.current()),
                TermFormat.format(message));
        return Result.noreply(st);
    }

    @Override
    public Result<State> handleCast(OtpErlangObject request, State st) throws Exception {
        if (request instanceof OtpErlangTuple t && t.arity() == 2 && TRY_AGAIN_RESTART.equals(t.elementAt(0))) {
            Child c = st.byId(t.elementAt(1));
            if (c != null && c.restarting) {
                return restart(Proc.current(), st, c);
            }
            return Result.noreply(st);
        }
        return GenServer.super.handleCast(request, st);
    }

    /** supervisor:do_restart/3. */
    private Result<State> childExited(Proc self, State st, Child c, OtpErlangObject reason) {
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

    private static void reportChildTerminated(Proc self, Child c, OtpErlangObject reason) {
        if (ExitException.isQuiet(reason)) {
            log.info("Supervisor {} child {} terminated: {}", Exits.inspect(self), TermFormat.format(c.id()),
                    TermFormat.format(reason));
        } else {
            log.error("Supervisor {} child {} terminated: {}", Exits.inspect(self), TermFormat.format(c.id()),
                    TermFormat.format(reason));
        }
    }

    /** supervisor:restart/2: counts the restart against the intensity, then restarts by strategy. */
    private Result<State> restart(Proc self, State st, Child c) {
        if (!addRestart(st)) {
            log.error("Supervisor {} reached max restart intensity ({} in {} s) after child {} ended; shutting down",
                    Exits.inspect(self), st.flags.maxRestarts(), st.flags.maxSeconds(), TermFormat.format(c.id()));
            c.pid = null;
            c.restarting = false;
            if (c.spec.restart() == ChildSpec.Restart.TEMPORARY) {
                st.children.remove(c);
            }
            return Result.stop(Atoms.SHUTDOWN, st);
        }
        OtpErlangObject failedId = switch (st.flags.strategy()) {
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
                    case StartResult.Error e -> {
                        log.error("Supervisor {} failed to restart child {}: {}", Exits.inspect(self),
                                TermFormat.format(c.id()), TermFormat.format(e.reason()));
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
            self.send(self.self(), Terms.tuple(Gen.GEN_CAST, Terms.tuple(TRY_AGAIN_RESTART, failedId)));
        }
        return Result.noreply(st);
    }

    /** restart_multiple_children: stop the group but {@code failed}, start it all again; the id that failed to start, or null. */
    private OtpErlangObject restartGroup(Proc self, State st, Child failed, List<Child> group) {
        failed.pid = null;
        terminateChildren(self, st, group);
        group.removeIf(ch -> !st.children.contains(ch));
        if (!st.children.contains(failed)) {
            return null;
        }
        OtpErlangObject failure = startChildren(self, st, group);
        return failure == null ? null : ((OtpErlangTuple) failure).elementAt(1);
    }

    /** supervisor:add_restart/1: false when the intensity is exceeded. */
    private static boolean addRestart(State st) {
        long now = System.nanoTime() / 1_000_000_000L;
        long threshold = now - st.flags.maxSeconds();
        while (!st.restarts.isEmpty() && st.restarts.peekFirst() < threshold) {
            st.restarts.pollFirst();
        }
        st.restarts.addLast(now);
        return st.restarts.size() <= st.flags.maxRestarts();
    }

    // ------------------------------------------------------------------ the call protocol

    @Override
    public Result<State> handleCall(OtpErlangObject request, From from, State st) throws Exception {
        Proc self = Proc.current();
        if (Terms.atom("which_children").equals(request)) {
            List<OtpErlangObject> l = new ArrayList<>();
            for (int i = st.children.size() - 1; i >= 0; i--) { // reverse start order, as OTP
                Child c = st.children.get(i);
                OtpErlangObject child = c.restarting ? RESTARTING : c.pid != null ? c.pid : Atoms.UNDEFINED;
                l.add(Terms.tuple(c.id(), child, c.spec.type().atom(), c.spec.modulesTerm()));
            }
            return Result.reply(new OtpErlangList(l.toArray(OtpErlangObject[]::new)), st);
        }
        if (Terms.atom("count_children").equals(request)) {
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
            return Result.reply(Terms.list(Terms.tuple(Terms.atom("specs"), st.children.size()),
                    Terms.tuple(Terms.atom("active"), active), Terms.tuple(Terms.atom("supervisors"), supervisors),
                    Terms.tuple(Terms.atom("workers"), workers)), st);
        }
        if (request instanceof OtpErlangTuple t && t.arity() == 2 && t.elementAt(0) instanceof OtpErlangAtom op) {
            OtpErlangObject arg = t.elementAt(1);
            switch (op.atomValue()) {
                case "terminate_child" -> {
                    Child c = st.byId(arg);
                    if (c == null) {
                        return Result.reply(notFound(), st);
                    }
                    terminateChildren(self, st, List.of(c));
                    return Result.reply(Atoms.OK, st);
                }
                case "restart_child" -> {
                    Child c = st.byId(arg);
                    OtpErlangObject refused = notStopped(c);
                    if (refused != null) {
                        return Result.reply(refused, st);
                    }
                    StartResult r = startChild(self, c.spec);
                    if (r instanceof StartResult.Ok ok) {
                        c.pid = ok.pid();
                        return Result.reply(r.toTerm(), st);
                    }
                    if (r instanceof StartResult.Ignore) {
                        return Result.reply(Terms.tuple(Atoms.OK, Atoms.UNDEFINED), st);
                    }
                    return Result.reply(r.toTerm(), st);
                }
                case "delete_child" -> {
                    Child c = st.byId(arg);
                    OtpErlangObject refused = notStopped(c);
                    if (refused != null) {
                        return Result.reply(refused, st);
                    }
                    st.children.remove(c);
                    return Result.reply(Atoms.OK, st);
                }
                case "get_childspec" -> {
                    Child c = st.byId(arg);
                    return Result.reply(c == null ? notFound() : Terms.tuple(Atoms.OK, c.spec.toTerm()), st);
                }
                case "start_child" -> {
                    return Result.reply(startNewChild(self, st, arg), st);
                }
                default -> { }
            }
        }
        return GenServer.super.handleCall(request, from, st);
    }

    private OtpErlangObject startNewChild(Proc self, State st, OtpErlangObject arg) {
        if (!(arg instanceof LocalTerm lt) || !(lt.value() instanceof ChildSpec spec)) {
            return error(Terms.tuple(Terms.atom("java_supervisor"),
                    "a Java supervisor starts Java children only (a ChildSpec given with Supervisor.startChild"
                            + " on its node); an Erlang child spec cannot run on a Java node"));
        }
        Child existing = st.byId(spec.id());
        if (existing != null) {
            return existing.pid != null ? error(Terms.tuple(StartResult.ALREADY_STARTED, existing.pid))
                    : error(Terms.atom("already_present"));
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
                return Terms.tuple(Atoms.OK, Atoms.UNDEFINED);
            }
            case StartResult.Error e -> {
                return error(Terms.tuple(e.reason(), spec.toTerm()));
            }
        }
    }

    private static boolean isAlive(Proc self, OtpErlangPid pid) {
        if (!pid.node().equals(self.nodeName())) {
            return true;
        }
        Proc p = self.table().lookup(pid);
        return p != null && p.isAlive();
    }

    /**
     * What {@code restart_child} and {@code delete_child} answer for a child that is
     * unknown, restarting or running; null for a stopped child they may act on.
     */
    private static OtpErlangObject notStopped(Child c) {
        if (c == null) {
            return notFound();
        }
        if (c.restarting) {
            return error(RESTARTING);
        }
        return c.pid != null ? error(Terms.atom("running")) : null;
    }

    private static OtpErlangObject notFound() {
        return error(Terms.atom("not_found"));
    }

    private static OtpErlangObject error(OtpErlangObject reason) {
        return Terms.tuple(Atoms.ERROR, reason);
    }

    // ------------------------------------------------------------------ sys

    /** What {@code :sys.get_state/1} shows for a Java supervisor. */
    @Override
    public OtpErlangObject stateTerm(State st) {
        OtpErlangMap m = new OtpErlangMap();
        m.put(Terms.atom("strategy"), st.flags.strategy().atom());
        m.put(Terms.atom("intensity"), Terms.integer(st.flags.maxRestarts()));
        m.put(Terms.atom("period"), Terms.integer(st.flags.maxSeconds()));
        List<OtpErlangObject> children = new ArrayList<>();
        for (Child c : st.children) {
            children.add(Terms.tuple(c.id(), c.restarting ? RESTARTING : c.pid != null ? c.pid : Atoms.UNDEFINED));
        }
        m.put(Terms.atom("children"), new OtpErlangList(children.toArray(OtpErlangObject[]::new)));
        return m;
    }
}
