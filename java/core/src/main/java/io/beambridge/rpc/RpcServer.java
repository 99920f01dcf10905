package io.beambridge.rpc;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.process.ProcessTable;
import io.beambridge.process.Reactor;
import io.beambridge.process.Signal;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves remote calls of Java code bound to Erlang module names, the two ways BEAM
 * nodes make them: {@code :erpc} (and {@code :rpc.call}, which uses it since OTP 23)
 * through SPAWN_REQUEST of {@code erpc:execute_call/4}, and the {@code rex} server
 * that C nodes and JInterface use ({@code {call, M, F, A, GroupLeader}}). Each call
 * runs in a new Java process.
 *
 * <p>Results have BEAM's shapes: an unbound module or function fails with
 * {@code undef} ({@code {badrpc, {'EXIT', {undef, [{M, F, Args, []}]}}}} from
 * {@code :rpc.call}); a Java exception is an error with reason
 * {@code {java_exception, Class, Message}}; an {@link ExitException} is an exit.
 *
 * <p>Thread-safe; bindings may change at any time. The node starts one, registered
 * as {@code rex}.
 */
public final class RpcServer {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    private static final OtpErlangAtom RETURN = new OtpErlangAtom("return");
    private static final OtpErlangAtom ERROR = new OtpErlangAtom("error");
    private static final OtpErlangAtom EXIT = new OtpErlangAtom("exit");
    private static final OtpErlangAtom UNDEF = new OtpErlangAtom("undef");
    private static final OtpErlangAtom BADRPC = new OtpErlangAtom("badrpc");
    private static final OtpErlangAtom CALL = new OtpErlangAtom("call");
    private static final OtpErlangAtom BLOCK_CALL = new OtpErlangAtom("block_call");
    private static final OtpErlangAtom CAST = new OtpErlangAtom("cast");

    private final ProcessTable table;
    private final ConcurrentHashMap<String, RpcFunction> bindings = new ConcurrentHashMap<>();

    /** What a call came to: a value, an exit, or an error with its stack. */
    private sealed interface Outcome {
        record Return(OtpErlangObject value) implements Outcome {}
        record Exit(OtpErlangObject reason) implements Outcome {}
        record Error(OtpErlangObject reason, OtpErlangObject stack) implements Outcome {}
    }

    /** Creates the server of {@code table}'s node; {@link #start()} registers it. */
    public RpcServer(ProcessTable table) {
        this.table = table;
    }

    /** Registers {@code rex} and answers spawn requests. Called once by the node. */
    public void start() {
        Proc rex = table.spawn((Reactor) this::rex, null);
        rex.trapExit(true); // as BEAM's rex: exit signals from linked or hostile peers arrive as messages
        rex.register("rex");
        table.setSpawnService(this::onSpawnRequest);
    }

    private static String key(String module, String function, int arity) {
        return module + ":" + function + "/" + arity;
    }

    /**
     * Binds {@code module:function/arity} to {@code code}, replacing any binding. An
     * Elixir module {@code MyApp.Server} is the Erlang module {@code Elixir.MyApp.Server}.
     */
    public RpcServer bind(String module, String function, int arity, RpcFunction code) {
        bindings.put(key(module, function, arity), code);
        return this;
    }

    /** Removes a binding; true when there was one. */
    public boolean unbind(String module, String function, int arity) {
        return bindings.remove(key(module, function, arity)) != null;
    }

    /** True when {@code module:function/arity} is bound. */
    public boolean isBound(String module, String function, int arity) {
        return bindings.containsKey(key(module, function, arity));
    }

    /**
     * Runs the bound function in the calling process.
     *
     * @throws ExitException as the function exits; an unbound function raises undef
     */
    public OtpErlangObject apply(Proc self, OtpErlangPid caller, String module, String function,
                                 OtpErlangObject[] args) throws Exception {
        RpcFunction f = bindings.get(key(module, function, args.length));
        if (f == null) {
            throw new UndefException(module, function, args);
        }
        return f.apply(new RpcCall(self, caller, module, function, List.of(args)));
    }

    private static final class UndefException extends Exception {
        final transient OtpErlangObject stack;

        UndefException(String module, String function, OtpErlangObject[] args) {
            super(module + ":" + function + "/" + args.length + " is not bound", null, false, false);
            this.stack = stack(module, function, new OtpErlangList(args));
        }
    }

    private static OtpErlangList stack(String module, String function, OtpErlangObject argsOrArity) {
        return new OtpErlangList(new OtpErlangTuple(new OtpErlangObject[] {
                new OtpErlangAtom(module), new OtpErlangAtom(function), argsOrArity, new OtpErlangList()}));
    }

    private Outcome execute(Proc self, OtpErlangPid caller, String module, String function, OtpErlangObject[] args) {
        try {
            return new Outcome.Return(apply(self, caller, module, function, args));
        } catch (UndefException e) {
            return new Outcome.Error(UNDEF, e.stack);
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e; // killed while running: nothing to answer
            }
            return new Outcome.Exit(e.reason());
        } catch (Exception | LinkageError | AssertionError e) {
            log.debug("rpc {}:{}/{} failed", module, function, args.length, e);
            return new Outcome.Error(ExitException.reasonOf(e),
                    stack(module, function, new OtpErlangLong(args.length)));
        }
    }

    // ------------------------------------------------------------------ erpc (SPAWN_REQUEST)

    private void onSpawnRequest(Signal.SpawnRequest r) {
        OtpErlangObject[] args = r.args().elements(); // the spawn argument list itself always arrives as a list
        if (r.module().equals("erpc") && r.function().equals("execute_call") && r.arity() == 4 && args.length == 4
                && args[1] instanceof OtpErlangAtom m && args[2] instanceof OtpErlangAtom f
                && Terms.asList(args[3]) instanceof OtpErlangList a) {
            OtpErlangObject ref = args[0];
            table.spawnFor(r, self -> {
                OtpErlangObject reason = switch (execute(self, r.from(), m.atomValue(), f.atomValue(), a.elements())) {
                    case Outcome.Return v -> tuple(ref, RETURN, v.value());
                    case Outcome.Exit x -> tuple(ref, EXIT, x.reason());
                    case Outcome.Error e -> tuple(ref, ERROR, e.reason(), e.stack());
                };
                throw self.exit(reason);
            });
        } else if (r.module().equals("erpc") && r.function().equals("execute_cast") && r.arity() == 3
                && args.length == 3 && args[0] instanceof OtpErlangAtom m && args[1] instanceof OtpErlangAtom f
                && Terms.asList(args[2]) instanceof OtpErlangList a) {
            table.spawnFor(r, self -> logFailure(execute(self, r.from(), m.atomValue(), f.atomValue(), a.elements()),
                    m.atomValue(), f.atomValue()));
        } else {
            // spawn(Node, M, F, A): the process runs M:F(A...), crashing with undef when unbound
            table.spawnFor(r, self -> {
                Outcome o = execute(self, r.from(), r.module(), r.function(), args);
                logFailure(o, r.module(), r.function());
                switch (o) {
                    case Outcome.Return v -> { }
                    case Outcome.Exit x -> throw self.exit(x.reason());
                    case Outcome.Error e -> throw self.exit(tuple(e.reason(), e.stack()));
                }
            });
        }
    }

    private static void logFailure(Outcome o, String module, String function) {
        if (o instanceof Outcome.Error e) {
            log.error("{}:{} called remotely failed: {}", module, function, e.reason());
        }
    }

    // ------------------------------------------------------------------ rex

    /** Handles {@code rex} requests: gen_server calls and casts, and the old {@code {From, {call, ...}}} form. */
    private void rex(Proc self, OtpErlangObject message) {
        if (!(message instanceof OtpErlangTuple t)) {
            return;
        }
        if (t.arity() == 3 && Gen.GEN_CALL.equals(t.elementAt(0)) && t.elementAt(2) instanceof OtpErlangTuple req
                && req.arity() == 5 && req.elementAt(1) instanceof OtpErlangAtom m
                && req.elementAt(2) instanceof OtpErlangAtom f && Terms.asList(req.elementAt(3)) instanceof OtpErlangList a) {
            OtpErlangObject from = t.elementAt(1);
            OtpErlangPid caller = from instanceof OtpErlangTuple ft && ft.elementAt(0) instanceof OtpErlangPid p ? p : null;
            if (CALL.equals(req.elementAt(0))) {
                table.spawn(worker -> Gen.reply(worker, from,
                        rexResult(execute(worker, caller, m.atomValue(), f.atomValue(), a.elements()))), null);
            } else if (BLOCK_CALL.equals(req.elementAt(0))) {
                Gen.reply(self, from, rexResult(execute(self, caller, m.atomValue(), f.atomValue(), a.elements())));
            }
        } else if (t.arity() == 2 && Gen.GEN_CAST.equals(t.elementAt(0)) && t.elementAt(1) instanceof OtpErlangTuple req
                && req.arity() == 5 && CAST.equals(req.elementAt(0)) && req.elementAt(1) instanceof OtpErlangAtom m
                && req.elementAt(2) instanceof OtpErlangAtom f && Terms.asList(req.elementAt(3)) instanceof OtpErlangList a) {
            table.spawn(worker -> logFailure(execute(worker, null, m.atomValue(), f.atomValue(), a.elements()),
                    m.atomValue(), f.atomValue()), null);
        } else if (t.arity() == 2 && t.elementAt(0) instanceof OtpErlangPid caller
                && t.elementAt(1) instanceof OtpErlangTuple req && req.arity() == 5 && CALL.equals(req.elementAt(0))
                && req.elementAt(1) instanceof OtpErlangAtom m && req.elementAt(2) instanceof OtpErlangAtom f
                && Terms.asList(req.elementAt(3)) instanceof OtpErlangList a) {
            table.spawn(worker -> worker.send(caller, tuple(new OtpErlangAtom("rex"),
                    rexResult(execute(worker, caller, m.atomValue(), f.atomValue(), a.elements())))), null);
        } else {
            log.debug("rex ignores {}", message);
        }
    }

    private static OtpErlangObject rexResult(Outcome o) {
        return switch (o) {
            case Outcome.Return v -> v.value();
            case Outcome.Exit x -> tuple(BADRPC, tuple(Atoms.EXIT, x.reason()));
            case Outcome.Error e -> tuple(BADRPC, tuple(Atoms.EXIT, tuple(e.reason(), e.stack())));
        };
    }

    private static OtpErlangTuple tuple(OtpErlangObject... elements) {
        return new OtpErlangTuple(Arrays.copyOf(elements, elements.length));
    }
}
