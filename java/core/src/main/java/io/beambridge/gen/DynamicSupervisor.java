package io.beambridge.gen;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.Errors;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor that starts children on demand, as Elixir's {@code DynamicSupervisor}
 * (one_for_one, children without ids, {@code max_children}, {@code extra_arguments}).
 *
 * <pre>{@code
 * ServerRef sup = DynamicSupervisor.start(node, DynamicSupervisor.Options.DEFAULT,
 *         StartOptions.name(Atom.elixir("MyApp.Workers"))).orElseThrow();
 * DynamicSupervisor.startChild(sup, ChildSpec.worker(Atom.of("w"),
 *         () -> GenServer.startLink(node, new Worker(), StartOptions.DEFAULT)));
 * }</pre>
 *
 * <p>It answers Elixir's {@code DynamicSupervisor} protocol, so from an Elixir node
 * {@code DynamicSupervisor.which_children/1}, {@code count_children/1},
 * {@code terminate_child/2} work on it, and {@code start_child/2} with a child spec whose
 * {@code start} names a function bound on the Java node ({@code Rpc.bind}) — a
 * {@code start_link} that uses {@link io.beambridge.rpc.RpcCall#startLink}, which links
 * the new server to the supervisor:
 * <pre>
 *   DynamicSupervisor.start_child({MyApp.Workers, :"java@host"},
 *       %{id: Counter, start: {Counter, :start_link, [0]}})
 * </pre>
 * The client functions call with an infinite timeout and exit as {@link GenServer#call}.
 */
public final class DynamicSupervisor {
    private DynamicSupervisor() {}

    private static final Logger log = LoggerFactory.getLogger(DynamicSupervisor.class);

    /**
     * {@code DynamicSupervisor.init/1}'s options.
     *
     * @param maxRestarts    restarts allowed within {@code maxSeconds} (3)
     * @param maxSeconds     the period (5)
     * @param maxChildren    the most children at once; 0 or less for {@code :infinity}
     * @param extraArguments arguments put before a child spec's own when it starts
     */
    public record Options(int maxRestarts, int maxSeconds, int maxChildren, List<Term> extraArguments) {
        /** 3 restarts in 5 s, no limit on children, no extra arguments. */
        public static final Options DEFAULT = new Options(3, 5, 0, List.of());

        public Options {
            if (maxRestarts < 0 || maxSeconds < 1) {
                throw new IllegalArgumentException("maxRestarts >= 0 and maxSeconds >= 1");
            }
            extraArguments = List.copyOf(extraArguments);
        }

        public Options withMaxChildren(int n) {
            return new Options(maxRestarts, maxSeconds, n, extraArguments);
        }

        public Options withIntensity(int restarts, int seconds) {
            return new Options(restarts, seconds, maxChildren, extraArguments);
        }

        public Options withExtraArguments(Object... args) {
            return new Options(maxRestarts, maxSeconds, maxChildren, List.of(args).stream().map(Term::of).toList());
        }
    }

    /** Starts an unlinked dynamic supervisor on {@code node}. */
    public static StartResult start(Node node, Options options, StartOptions startOptions) {
        return GenServer.start(node, new Server(node, options), startOptions);
    }

    /** Starts a dynamic supervisor linked to the calling process, a process of {@code node}. */
    public static StartResult startLink(Node node, Options options, StartOptions startOptions) {
        return GenServer.startLink(node, new Server(node, options), startOptions);
    }

    /**
     * {@code DynamicSupervisor.start_child/2} with a Java child spec (its id is ignored, as
     * Elixir's dynamic supervisors ignore ids). {@code {:error, :max_children}} when full.
     *
     * @throws IllegalArgumentException when the supervisor is on another node (the spec holds Java code)
     */
    public static StartResult startChild(ServerRef supervisor, ChildSpec spec) {
        Term reply = call(supervisor, new StartChild(spec), Term.tuple(Atom.of("start_child"), spec.toTerm()));
        return StartResult.of(supervisor.node(), reply);
    }

    /** {@code DynamicSupervisor.terminate_child/2}: {@code :ok} or {@code {:error, :not_found}}. */
    public static Term terminateChild(ServerRef supervisor, Pid child) {
        Term request = Term.tuple(Atom.of("terminate_child"), child);
        return call(supervisor, request, request);
    }

    /** {@code DynamicSupervisor.which_children/1}: {@code {:undefined, pid, type, modules}} each. */
    public static List<ChildInfo> whichChildren(ServerRef supervisor) {
        Atom request = Atom.of("which_children");
        List<ChildInfo> l = new ArrayList<>();
        for (Term e : ((Term.List) call(supervisor, request, request)).elements()) {
            l.add(e.as(ChildInfo.class));
        }
        return l;
    }

    /** {@code DynamicSupervisor.count_children/1}. */
    public static ChildCounts countChildren(ServerRef supervisor) {
        Atom request = Atom.of("count_children");
        return ChildCounts.of(call(supervisor, request, request));
    }

    private static Term call(ServerRef supervisor, Object request, Term shown) {
        return Calls.callInfinity(supervisor, request, shown);
    }

    /** {@code start_child} with a Java child spec. */
    record StartChild(ChildSpec spec) {}

    // ------------------------------------------------------------------ the server

    /** How a child starts: Java code, or a function bound on this node ({@code {m, f, args}} from Erlang). */
    private sealed interface Start {
        record Java(ChildSpec.Start start) implements Start {}

        record Bound(Atom module, Atom function, List<Term> args) implements Start {}
    }

    /** A running child, by pid. */
    private record Child(Start start, ChildSpec.Restart restart, ChildSpec.Shutdown shutdown, Atom type,
                         Term modules) {}

    /** The state: children by pid, in start order, and recent restarts. */
    static final class State {
        final LinkedHashMap<Pid, Child> children = new LinkedHashMap<>();
        final ArrayDeque<Long> restarts = new ArrayDeque<>();
    }

    /** Elixir's DynamicSupervisor as a {@link GenServer}: it traps exits and answers the same calls. */
    static final class Server implements GenServer<State>, LocalRequests<State> {
        private static final Atom MODULE = Atom.elixir("DynamicSupervisor");
        private static final Atom MAX_CHILDREN = Atom.of("max_children");

        private final Node node;
        private final Options options;

        Server(Node node, Options options) {
            this.node = node;
            this.options = Objects.requireNonNull(options, "options");
        }

        @Override
        public Init<State> init() {
            LocalProc.current().trapExit(true);
            return Init.ok(new State());
        }

        @Override
        public Atom module() {
            return MODULE;
        }

        @Override
        public void terminate(Term reason, State st) {
            LocalProc self = LocalProc.current();
            List<Pid> pids = new ArrayList<>(st.children.keySet());
            for (int i = pids.size() - 1; i >= 0; i--) {
                Child c = st.children.get(pids.get(i));
                Supervision.shutdown(self, pids.get(i), c.shutdown(), c.restart(), Atom.UNDEFINED, log);
            }
            st.children.clear();
        }

        @Override
        public Result<State> handleLocalCall(Object request, From from, State st) {
            if (!(request instanceof StartChild sc)) {
                throw new IllegalArgumentException("a dynamic supervisor takes no " + request.getClass().getSimpleName());
            }
            ChildSpec spec = sc.spec();
            return Result.reply(startChild(st, new Start.Java(spec.start()), spec.restart(), spec.shutdown(),
                    spec.type().atom(), spec.modulesTerm()), st);
        }

        @Override
        public Result<State> handleCall(Term request, From from, State st) throws Exception {
            LocalProc self = LocalProc.current();
            if (request instanceof Atom a && a.is("which_children")) {
                List<Term> l = new ArrayList<>();
                st.children.forEach((pid, c) -> l.add(Term.tuple(Atom.UNDEFINED, pid, c.type(), c.modules())));
                return Result.reply(Term.List.of(l), st);
            }
            if (request instanceof Atom a && a.is("count_children")) {
                int workers = 0;
                int supervisors = 0;
                for (Child c : st.children.values()) {
                    if (c.type().is("supervisor")) {
                        supervisors++;
                    } else {
                        workers++;
                    }
                }
                return Result.reply(Term.list(Term.tuple(Atom.of("specs"), st.children.size()),
                        Term.tuple(Atom.of("active"), st.children.size()), Term.tuple(Atom.of("supervisors"), supervisors),
                        Term.tuple(Atom.of("workers"), workers)), st);
            }
            if (request instanceof Term.Tuple t && t.isTagged("terminate_child", 2) && t.get(1) instanceof Pid pid) {
                Child c = st.children.remove(pid);
                if (c == null) {
                    return Result.reply(Term.tuple(Atom.ERROR, Atom.of("not_found")), st);
                }
                Supervision.shutdown(self, pid, c.shutdown(), c.restart(), Atom.UNDEFINED, log);
                return Result.reply(Atom.OK, st);
            }
            if (request instanceof Term.Tuple t && t.isTagged("start_child", 2)
                    && t.get(1) instanceof Term.Tuple spec && spec.arity() == 5
                    && spec.get(0) instanceof Term.Tuple mfa && mfa.arity() == 3 && mfa.get(0) instanceof Atom m
                    && mfa.get(1) instanceof Atom f && mfa.get(2) instanceof Term.List args && args.isProper()) {
                return Result.reply(startChild(st, new Start.Bound(m, f, args.elements()), restart(spec.get(1)),
                        shutdown(spec.get(2)), spec.get(3) instanceof Atom type ? type : Atom.of("worker"), spec.get(4)), st);
            }
            return GenServer.super.handleCall(request, from, st);
        }

        private Term startChild(State st, Start start, ChildSpec.Restart restart, ChildSpec.Shutdown shutdown,
                                Atom type, Term modules) {
            if (options.maxChildren() > 0 && st.children.size() >= options.maxChildren()) {
                return Term.tuple(Atom.ERROR, MAX_CHILDREN);
            }
            Term reply = run(start);
            if (reply instanceof Term.Tuple t && t.arity() >= 2 && Atom.OK.equals(t.get(0)) && t.get(1) instanceof Pid pid) {
                st.children.put(pid, new Child(start, restart, shutdown, type, modules));
            }
            return reply;
        }

        /** Starts a child in this process; the result as Erlang shows one. */
        private Term run(Start start) {
            LocalProc self = LocalProc.current();
            try {
                return switch (start) {
                    case Start.Java j -> {
                        StartResult r = j.start().start();
                        yield r == null ? Term.tuple(Atom.ERROR, Atom.NIL) : r.toTerm();
                    }
                    case Start.Bound b -> {
                        List<Term> args = new ArrayList<>(options.extraArguments());
                        args.addAll(b.args());
                        // the bound start_link links to its caller: this supervisor
                        yield Engine.of(node).rex().applyHere(self, b.module(), b.function(), args);
                    }
                };
            } catch (ExitException e) {
                if (!self.isAlive()) {
                    throw e;
                }
                return Term.tuple(Atom.ERROR, e.reason());
            } catch (ErlangThrow t) { // as DynamicSupervisor's exit_reason(:throw, value, stack)
                return Term.tuple(Atom.ERROR, Term.tuple(Term.tuple(Atom.of("nocatch"), t.value()), Term.List.EMPTY));
            } catch (Exception e) {
                return Term.tuple(Atom.ERROR, Term.tuple(Errors.error(e), Errors.stacktrace(e)));
            }
        }

        @Override
        public Result<State> handleInfo(Term message, State st) {
            if (message instanceof Term.Tuple t && t.isTagged(Atom.EXIT, 3) && t.get(1) instanceof Pid pid) {
                Child c = st.children.remove(pid);
                if (c == null) {
                    return Result.noreply(st);
                }
                Term reason = t.get(2);
                boolean restart = c.restart() == ChildSpec.Restart.PERMANENT
                        || (c.restart() == ChildSpec.Restart.TRANSIENT && !ExitException.isQuiet(reason));
                if (!ExitException.isQuiet(reason) || c.restart() == ChildSpec.Restart.PERMANENT) {
                    log.error("DynamicSupervisor {} child {} terminated: {}", Exits.inspect(LocalProc.current()), pid, reason);
                }
                if (!restart) {
                    return Result.noreply(st);
                }
                if (!Supervision.addRestart(st.restarts, options.maxRestarts(), options.maxSeconds())) {
                    log.error("DynamicSupervisor {} reached max restart intensity; shutting down",
                            Exits.inspect(LocalProc.current()));
                    return Result.stop(Atom.SHUTDOWN, st);
                }
                LocalProc self = LocalProc.current();
                if (self.table().metrics().enabled()) {
                    self.table().metrics().restart(self.registeredName());
                }
                Term reply = run(c.start());
                if (reply instanceof Term.Tuple r && r.arity() >= 2 && Atom.OK.equals(r.get(0)) && r.get(1) instanceof Pid now) {
                    st.children.put(now, c);
                } else {
                    log.error("DynamicSupervisor {} failed to restart a child: {}", Exits.inspect(LocalProc.current()), reply);
                }
                return Result.noreply(st);
            }
            return Result.noreply(st);
        }

        @Override
        public Term stateTerm(State st) {
            Map<Term, Term> m = new LinkedHashMap<>();
            m.put(Atom.of("strategy"), Atom.of("one_for_one"));
            m.put(Atom.of("max_children"), options.maxChildren() > 0 ? Term.Int.of(options.maxChildren()) : Atom.INFINITY);
            m.put(Atom.of("children"), Term.List.of(new ArrayList<Term>(st.children.keySet())));
            return Term.Map.of(m);
        }

        private static ChildSpec.Restart restart(Term t) {
            return t instanceof Atom a ? switch (a.name()) {
                case "transient" -> ChildSpec.Restart.TRANSIENT;
                case "temporary" -> ChildSpec.Restart.TEMPORARY;
                default -> ChildSpec.Restart.PERMANENT;
            } : ChildSpec.Restart.PERMANENT;
        }

        private static ChildSpec.Shutdown shutdown(Term t) {
            if (t instanceof Term.Int ms) {
                return ChildSpec.Shutdown.timeout(java.time.Duration.ofMillis(ms.value()));
            }
            return t instanceof Atom a && a.is("brutal_kill") ? ChildSpec.Shutdown.BRUTAL_KILL : ChildSpec.Shutdown.INFINITY;
        }
    }
}
