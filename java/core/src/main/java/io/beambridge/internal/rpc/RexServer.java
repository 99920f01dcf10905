package io.beambridge.internal.rpc;

import io.beambridge.internal.runtime.Errors;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.node.ErlangError;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.node.FunctionClauseError;
import io.beambridge.term.Atom;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves remote calls of Java code bound to Erlang module names, the ways BEAM nodes
 * make them: {@code :erpc} (and {@code :rpc.call}, which uses it since OTP 23) through
 * SPAWN_REQUEST of {@code erpc:execute_call/4} and {@code execute_cast/3}, {@code
 * Node.spawn/4} (any other SPAWN_REQUEST), and the {@code rex} server that C nodes and
 * JInterface use ({@code {call, M, F, A, GroupLeader}}, {@code {cast, ...}}). Each call
 * runs in a new Java process.
 *
 * <p>Results have BEAM's shapes: an unbound function fails with {@code undef}
 * ({@code {badrpc, {'EXIT', {undef, [{M, F, Args, []}]}}}} from {@code :rpc.call}); a Java
 * exception is an error whose reason an Elixir caller can rescue ({@link Errors#error}),
 * with the Java frames as its stack; an {@link ExitException} is an exit; an
 * {@link ErlangThrow} a throw ({@code :rpc.call} returns its value, {@code :erpc.call}
 * throws it).
 *
 * <p>Who is the caller: for a synchronous call ({@code execute_call}, rex {@code call}) the
 * calling process, which a server started "linked to the caller" links to (what makes
 * {@code start_link} over {@code :rpc.call} work); for a cast or a spawn, no one — the
 * spawned process is the starter, as on BEAM.
 *
 * <p>Thread-safe; bindings may change at any time. The node starts one, registered as
 * {@code rex}.
 */
public final class RexServer {
    private static final Logger log = LoggerFactory.getLogger(RexServer.class);
    private static final Atom RETURN = new Atom("return");
    private static final Atom ERROR = new Atom("error");
    private static final Atom EXIT = new Atom("exit");
    private static final Atom THROW = new Atom("throw");
    private static final Atom NOCATCH = new Atom("nocatch");
    private static final Atom UNDEF = new Atom("undef");
    private static final Atom BADRPC = new Atom("badrpc");
    private static final Atom CALL = new Atom("call");
    private static final Atom BLOCK_CALL = new Atom("block_call");
    private static final Atom CAST = new Atom("cast");
    private static final Atom REX = new Atom("rex");
    private static final Atom SBCAST = new Atom("sbcast");
    private static final Atom ERPC = new Atom("erpc");
    private static final Atom EXECUTE_CALL = new Atom("execute_call");
    private static final Atom EXECUTE_CAST = new Atom("execute_cast");
    private static final Atom FEATURES_REQUEST = new Atom("features_request");
    private static final Atom FEATURES_REPLY = new Atom("features_reply");

    /** Java code bound to a module's function: returns a term or a Java value {@link Term#of} converts. */
    @FunctionalInterface
    public interface Function {
        Object apply(Call call) throws Exception;
    }

    /**
     * One call of a bound function.
     *
     * @param self   the process the call runs in
     * @param caller the calling process of a synchronous call, else null
     */
    public record Call(LocalProc self, Pid caller, Pid groupLeader, Atom module, Atom function, List<Term> args) {}

    private record Key(Atom module, Atom function, int arity) {}

    private final ProcessTable table;
    private final ConcurrentHashMap<Key, Function> bindings = new ConcurrentHashMap<>();

    /** What a call came to: a value, an exit, or an error with its stack. */
    private sealed interface Outcome {
        record Return(Term value) implements Outcome {}
        record Exit(Term reason) implements Outcome {}
        record Error(Term reason, Term.List stack) implements Outcome {}
        record Throw(Term value) implements Outcome {}
    }

    /** The server of {@code table}'s node; {@link #start()} registers it. */
    public RexServer(ProcessTable table) {
        this.table = table;
        Bifs.bind(this, table);
    }

    /** Registers {@code rex} and answers spawn requests. Called once by the node. */
    public void start() {
        LocalProc rex = table.spawn((Reactor) this::rex, null);
        rex.trapExit(true); // as BEAM's rex: exit signals from linked or hostile peers arrive as messages
        rex.register(REX);
        table.setSpawnService(this::onSpawnRequest);
    }

    /** Binds {@code module:function/arity} to {@code code}, replacing any binding. */
    public void bind(Atom module, Atom function, int arity, Function code) {
        bindings.put(new Key(module, function, arity), code);
    }

    /** True when {@code module:function/arity} is bound. */
    public boolean isBound(Atom module, Atom function, int arity) {
        return bindings.containsKey(new Key(module, function, arity));
    }

    /**
     * Runs the bound function in the calling process.
     *
     * @throws UndefException when nothing is bound there
     */
    public Term apply(LocalProc self, Pid caller, Pid groupLeader, Atom module, Atom function, List<Term> args)
            throws Exception {
        Function f = bindings.get(new Key(module, function, args.size()));
        if (f == null) {
            throw new UndefException(module, function, args);
        }
        Object r = f.apply(new Call(self, caller, groupLeader, module, function, args));
        return r instanceof Term t ? t : Term.of(r);
    }

    /**
     * Runs the bound function in the calling process as {@code erlang:apply/3} would, the
     * process itself as the caller: returns its value, or throws what an Erlang caller
     * would see — an {@link ExitException}, an {@link ErlangThrow}, or an
     * {@link ErlangError} with the stack that caller would get ({@code undef} when nothing
     * is bound).
     */
    public Term applyHere(LocalProc self, Atom module, Atom function, List<Term> args) {
        return switch (execute(self, self.self(), null, module, function, args)) {
            case Outcome.Return v -> v.value();
            case Outcome.Exit x -> throw new ExitException(x.reason());
            case Outcome.Error e -> throw new ErlangError(e.reason(), e.stack());
            case Outcome.Throw t -> throw new ErlangThrow(t.value());
        };
    }

    /** Nothing is bound to the function called. */
    public static final class UndefException extends Exception {
        final transient Term.List stack;

        UndefException(Atom module, Atom function, List<Term> args) {
            super(module.name() + ":" + function.name() + "/" + args.size() + " is not bound", null, false, false);
            this.stack = Term.List.of(Term.Tuple.of(module, function, Term.List.of(args), Term.List.EMPTY));
        }
    }

    private Outcome execute(LocalProc self, Pid caller, Pid groupLeader, Atom module, Atom function, List<Term> args) {
        try {
            return new Outcome.Return(apply(self, caller, groupLeader, module, function, args));
        } catch (UndefException e) {
            return new Outcome.Error(UNDEF, e.stack);
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e; // killed while running: nothing to answer
            }
            return new Outcome.Exit(e.reason());
        } catch (ErlangThrow t) {
            return new Outcome.Throw(t.value());
        } catch (ErlangError e) {
            if (e.stacktrace() != null) { // an error passed on with its own stack
                return new Outcome.Error(e.reason(), e.stacktrace());
            }
            return new Outcome.Error(e.reason(), Errors.clauseStack(module, function.name(),
                    e instanceof FunctionClauseError ? Term.List.of(args) : Term.Int.of(args.size()), e));
        } catch (Exception | LinkageError | AssertionError e) {
            log.debug("rpc {}:{}/{} failed", module.name(), function.name(), args.size(), e);
            // the arguments for a function_clause (a term that did not fit), else the arity, as BEAM shows them
            return new Outcome.Error(Errors.error(e), Errors.clauseStack(module, function.name(),
                    e instanceof BadTermException ? Term.List.of(args) : Term.Int.of(args.size()), e));
        }
    }

    // ------------------------------------------------------------------ erpc (SPAWN_REQUEST)

    private void onSpawnRequest(Signal.SpawnRequest r) {
        List<Term> args = r.args().elements(); // the spawn argument list itself always arrives as a list
        if (ERPC.equals(r.module()) && EXECUTE_CALL.equals(r.function()) && r.arity() == 4 && args.size() == 4
                && args.get(1) instanceof Atom m && args.get(2) instanceof Atom f
                && args.get(3) instanceof Term.List a && a.isProper()) {
            Term ref = args.get(0);
            table.spawnFor(r, self -> {
                LocalProc me = (LocalProc) self;
                Term reason = switch (execute(me, r.from(), r.groupLeader(), m, f, a.elements())) {
                    case Outcome.Return v -> Term.Tuple.of(ref, RETURN, v.value());
                    case Outcome.Exit x -> Term.Tuple.of(ref, EXIT, x.reason());
                    case Outcome.Error e -> Term.Tuple.of(ref, ERROR, e.reason(), e.stack());
                    case Outcome.Throw t -> Term.Tuple.of(ref, THROW, t.value());
                };
                throw me.exit(reason);
            });
        } else if (ERPC.equals(r.module()) && EXECUTE_CAST.equals(r.function()) && r.arity() == 3
                && args.size() == 3 && args.get(0) instanceof Atom m && args.get(1) instanceof Atom f
                && args.get(2) instanceof Term.List a && a.isProper()) {
            table.spawnFor(r, self -> logFailure(execute((LocalProc) self, null, r.groupLeader(), m, f, a.elements()), m, f));
        } else {
            // spawn(Node, M, F, A): the process runs M:F(A...), crashing with undef when unbound
            table.spawnFor(r, self -> {
                LocalProc me = (LocalProc) self;
                Outcome o = execute(me, null, r.groupLeader(), r.module(), r.function(), args);
                logFailure(o, r.module(), r.function());
                switch (o) {
                    case Outcome.Return v -> { }
                    case Outcome.Exit x -> throw me.exit(x.reason());
                    case Outcome.Error e -> throw me.exit(Term.Tuple.of(e.reason(), e.stack()));
                    case Outcome.Throw t -> throw me.exit(Term.Tuple.of(Term.Tuple.of(NOCATCH, t.value()),
                            Errors.clauseStack(r.module(), r.function().name(), Term.Int.of(args.size()), null)));
                }
            });
        }
    }

    private static void logFailure(Outcome o, Atom module, Atom function) {
        if (o instanceof Outcome.Error e) {
            log.error("{}:{} called remotely failed: {}", module.name(), function.name(), e.reason());
        }
    }

    // ------------------------------------------------------------------ rex

    /** Handles {@code rex} requests: gen_server calls and casts, and the old {@code {From, {call, ...}}} form. */
    private void rex(LocalProc self, Object message) {
        if (!(message instanceof Term.Tuple t)) {
            return;
        }
        if (t.arity() == 3 && GenCall.GEN_CALL.equals(t.get(0)) && t.get(2) instanceof Term.Tuple req
                && req.arity() == 5 && req.get(1) instanceof Atom m && req.get(2) instanceof Atom f
                && req.get(3) instanceof Term.List a && a.isProper()) {
            Term from = t.get(1);
            Pid caller = from instanceof Term.Tuple ft && ft.arity() == 2 && ft.get(0) instanceof Pid p ? p : null;
            Pid gl = req.get(4) instanceof Pid p ? p : null;
            if (CALL.equals(req.get(0))) {
                table.spawn(worker -> reply((LocalProc) worker, from, execute((LocalProc) worker, caller, gl, m, f,
                        a.elements())), null);
            } else if (BLOCK_CALL.equals(req.get(0))) {
                reply(self, from, execute(self, caller, gl, m, f, a.elements()));
            }
        } else if (t.arity() == 2 && GenCall.GEN_CAST.equals(t.get(0)) && t.get(1) instanceof Term.Tuple req
                && req.arity() == 5 && CAST.equals(req.get(0)) && req.get(1) instanceof Atom m
                && req.get(2) instanceof Atom f && req.get(3) instanceof Term.List a && a.isProper()) {
            Pid gl = req.get(4) instanceof Pid p ? p : null;
            table.spawn(worker -> logFailure(execute((LocalProc) worker, null, gl, m, f, a.elements()), m, f), null);
        } else if (t.arity() == 2 && t.get(0) instanceof Pid caller && t.get(1) instanceof Term.Tuple req
                && req.arity() == 5 && CALL.equals(req.get(0)) && req.get(1) instanceof Atom m
                && req.get(2) instanceof Atom f && req.get(3) instanceof Term.List a && a.isProper()) {
            Pid gl = req.get(4) instanceof Pid p ? p : null;
            table.spawn(worker -> ((LocalProc) worker).sendRaw(caller,
                    Term.Tuple.of(REX, rexResult(execute((LocalProc) worker, caller, gl, m, f, a.elements())))), null);
        } else if (t.arity() == 2 && t.get(0) instanceof Pid observer && FEATURES_REQUEST.equals(t.get(1))) {
            // rpc's nodes observer on a visible peer asks each visible node it meets
            self.sendRaw(observer, Term.Tuple.of(FEATURES_REPLY, new Atom(table.nodeName()), Term.List.of(ERPC)));
        } else if (t.arity() == 2 && t.get(0) instanceof Pid from && t.get(1) instanceof Term.Tuple req
                && req.isTagged(SBCAST, 3) && req.get(1) instanceof Atom name) {
            // rpc:sbcast/3: send to the name, say whether it exists
            LocalProc target = table.whereis(name);
            if (target != null) {
                self.sendRaw(name, table.nodeName(), req.get(2));
            }
            Atom me = new Atom(table.nodeName());
            self.sendRaw(from, Term.Tuple.of(REX, me, target != null ? me
                    : Term.Tuple.of(new Atom("nonexisting_name"), name)));
        } else {
            log.debug("rex ignores {}", message);
        }
    }

    private void reply(LocalProc worker, Term from, Outcome o) {
        GenCall.reply(table, worker.self(), from, rexResult(o));
    }

    private static Term rexResult(Outcome o) {
        return switch (o) {
            case Outcome.Return v -> v.value();
            case Outcome.Throw t -> t.value(); // rpc:call returns a thrown value
            case Outcome.Exit x -> Term.Tuple.of(BADRPC, Term.Tuple.of(Atom.EXIT, x.reason()));
            case Outcome.Error e -> Term.Tuple.of(BADRPC, Term.Tuple.of(Atom.EXIT, Term.Tuple.of(e.reason(), e.stack())));
        };
    }
}
