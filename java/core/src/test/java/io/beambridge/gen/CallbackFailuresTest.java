package io.beambridge.gen;

import static io.beambridge.gen.Await.awaitDown;
import static io.beambridge.gen.Result.noreply;
import static io.beambridge.gen.Result.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.ErlangError;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.node.FunctionClauseError;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How callbacks and bound functions fail, as Elixir code fails: guards that do not hold
 * ({@link FunctionClauseError}), thrown values ({@link ErlangThrow}), errors with a
 * given stack ({@link ErlangError}), and crash reasons whose stack starts with the
 * callback.
 */
class CallbackFailuresTest {
    static final Atom MODULE = Atom.elixir("MyApp.Guarded");
    static TestNodes nodes;
    static Node node;
    static Node other;
    Proc probe;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("failures");
        other = nodes.node("failures_client");
        Rpc.bind(node, MODULE, Atom.of("positive"), 1, c -> {
            if (!(c.arg(0) instanceof Term.Int i) || i.value() <= 0) {
                throw new FunctionClauseError(); // def positive(n) when n > 0
            }
            return c.arg(0);
        });
        Rpc.bind(node, MODULE, Atom.of("throws"), 1, c -> {
            throw new ErlangThrow(c.arg(0));
        });
        Rpc.bind(node, MODULE, Atom.of("div"), 2, c -> {
            throw new ErlangError(Atom.of("badarith"), Term.List.of(Term.tuple(Atom.of("erlang"), Atom.of("div"),
                    Term.List.of(c.arg(0), c.arg(1)), Term.List.EMPTY)));
        });
        Rpc.bind(node, MODULE, Atom.of("raise"), 1, c -> {
            throw new RuntimeException(c.arg(0, String.class));
        });
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @BeforeEach
    void openProbe() {
        probe = node.mailbox();
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    /** A stack with the guard: pop on [] has no clause. */
    static final class Guarded implements GenServer<List<Long>> {
        @Tagged public record Pop() {}

        @Override
        public Init<List<Long>> init() {
            return Init.ok(List.of(1L));
        }

        @HandleCall
        Result<List<Long>> pop(Pop pop, List<Long> stack) {
            if (stack.isEmpty()) {
                throw new FunctionClauseError();
            }
            return reply(stack.getFirst(), stack.subList(1, stack.size()));
        }

        /** Taken only when the clause above's guard fails: pop on [] is :empty. */
        @HandleCall
        Result<List<Long>> popAny(Term any, List<Long> stack) {
            if (!any.equals(Term.tuple(Atom.of("pop"))) && !any.equals(Atom.of("pop"))) {
                throw new FunctionClauseError();
            }
            return reply(Atom.of("empty"), stack);
        }

        @Override
        public Atom module() {
            return Atom.elixir("MyApp.Guarded");
        }
    }

    @Test
    void aClauseWhoseGuardFailsPassesTheMessageToTheNext() {
        ServerRef s = GenServer.start(node, new Guarded()).orElseThrow();
        assertEquals(Term.integer(1), GenServer.call(s, new Guarded.Pop()));
        assertEquals(Atom.of("empty"), GenServer.call(s, new Guarded.Pop()));
    }

    @Test
    void aThrownValueIsTheCallbacksReturn() {
        ServerRef s = GenServer.start(node, new Raw()).orElseThrow();
        assertEquals(Atom.of("st"), GenServer.call(s, Term.tuple(Atom.of("throw"), Atom.of("st2"))));
        // the state the thrown value carried is the server's state now
        assertEquals(Atom.of("st2"), GenServer.call(s, Term.tuple(Atom.of("throw"), Atom.of("st3"))));
    }

    /** Overridden callbacks: a guard that fails ends the server with function_clause and the callback's arguments. */
    static final class Raw implements GenServer<Term> {
        @Override
        public Init<Term> init() {
            return Init.ok(Atom.of("st"));
        }

        @Override
        public Result<Term> handleCall(Term request, From from, Term state) {
            return switch (request) {
                case Atom a when a.name().equals("ok") -> reply(Atom.OK, state);
                case Atom a when a.name().equals("raise") -> throw new RuntimeException("boom");
                case Atom a when a.name().equals("bad") -> throw new ErlangThrow(Atom.of("not_a_return"));
                case Term.Tuple t when t.isTagged("return", 2) -> Result.fromTerm(t.get(1));
                // throw({:reply, old_state, new_state}): the thrown value is the return
                case Term.Tuple t when t.isTagged("throw", 2) -> throw new ErlangThrow(Term.tuple(Atom.of("reply"),
                        state, t.get(1)));
                default -> throw new FunctionClauseError();
            };
        }

        @Override
        public Result<Term> handleCast(Term request, Term state) {
            return noreply(state);
        }

        @Override
        public Atom module() {
            return Atom.elixir("MyApp.Raw");
        }
    }

    private Term exitOf(ServerRef s, Object request) {
        Pid pid = GenServer.whereis(s);
        Ref ref = probe.monitor(pid);
        ExitException e = assertThrows(ExitException.class, () -> GenServer.call(s, request));
        Term reason = ((Term.Tuple) e.reason()).get(0);
        assertEquals(reason, awaitDown(probe, ref), "the caller exits with the server's reason");
        return reason;
    }

    @Test
    void anUnmatchedRequestEndsTheServerWithFunctionClauseAndTheArguments() {
        ServerRef s = GenServer.start(node, new Raw()).orElseThrow();
        assertEquals(Atom.OK, GenServer.call(s, Atom.of("ok")));
        Term.Tuple reason = (Term.Tuple) exitOf(s, Atom.of("unknown"));
        assertEquals(Atom.of("function_clause"), reason.get(0));
        Term.Tuple first = (Term.Tuple) ((Term.List) reason.get(1)).get(0);
        assertEquals(Atom.elixir("MyApp.Raw"), first.get(0));
        assertEquals(Atom.of("handle_call"), first.get(1));
        Term.List args = (Term.List) first.get(2);
        assertEquals(3, args.size());
        assertEquals(Atom.of("unknown"), args.get(0));
        assertEquals(Atom.of("st"), args.get(2));
    }

    @Test
    void aRaiseEndsTheServerWithTheExceptionAndTheCallbackFirstInTheStack() {
        ServerRef s = GenServer.start(node, new Raw()).orElseThrow();
        Term.Tuple reason = (Term.Tuple) exitOf(s, Atom.of("raise"));
        Term.Map exception = (Term.Map) reason.get(0);
        assertEquals(Atom.elixir("RuntimeError"), exception.get("__struct__"));
        assertEquals(Term.string("java.lang.RuntimeException: boom"), exception.get("message"));
        Term.Tuple first = (Term.Tuple) ((Term.List) reason.get(1)).get(0);
        assertEquals(Term.tuple(Atom.elixir("MyApp.Raw"), Atom.of("handle_call"), 3L),
                Term.tuple(first.get(0), first.get(1), first.get(2)));
        assertInstanceOf(Term.List.class, first.get(3));
    }

    @Test
    void anInvalidReturnEndsTheServerWithBadReturnValue() {
        ServerRef thrown = GenServer.start(node, new Raw()).orElseThrow();
        assertEquals(Term.tuple(Atom.of("bad_return_value"), Atom.of("not_a_return")), exitOf(thrown, Atom.of("bad")));
        ServerRef returned = GenServer.start(node, new Raw()).orElseThrow();
        assertEquals(Term.tuple(Atom.of("bad_return_value"), Term.tuple(Atom.of("reply"), 1L)),
                exitOf(returned, Term.tuple(Atom.of("return"), Term.tuple(Atom.of("reply"), 1L))));
        ServerRef valid = GenServer.start(node, new Raw()).orElseThrow();
        assertEquals(Atom.of("r"), GenServer.call(valid, Term.tuple(Atom.of("return"),
                Term.tuple(Atom.of("reply"), Atom.of("r"), Atom.of("st2"), 100L))));
    }

    @Test
    void resultAndInitFromTermReadErlangReturns() {
        assertEquals(new Result.NoReply<>(Atom.of("s"), Next.HIBERNATE),
                Result.fromTerm(Term.tuple(Atom.of("noreply"), Atom.of("s"), Atom.of("hibernate"))));
        assertEquals(new Result.Stop<>(Atom.of("normal"), Atom.OK, Atom.of("s")),
                Result.fromTerm(Term.tuple(Atom.of("stop"), Atom.of("normal"), Atom.OK, Atom.of("s"))));
        assertEquals(new Init.Ok<>(Atom.of("s"), Next.continueWith(Atom.of("c"))),
                Init.fromTerm(Term.tuple(Atom.OK, Atom.of("s"), Term.tuple(Atom.of("continue"), Atom.of("c")))));
        assertInstanceOf(Init.Ignore.class, Init.fromTerm(Atom.of("ignore")));
        ExitException bad = assertThrows(ExitException.class, () -> Init.fromTerm(Term.tuple(Atom.OK, 1L, -5L)));
        assertEquals(Term.tuple(Atom.of("bad_return_value"), Term.tuple(Atom.OK, 1L, -5L)), bad.reason());
    }

    @Test
    void boundFunctionsFailAsErlangFunctions() throws BadRpcException {
        // a guard: function_clause with the arguments in the first frame
        BadRpcException clause = assertThrows(BadRpcException.class,
                () -> Rpc.call(other, node.name(), MODULE, Atom.of("positive"), -1L));
        Term.Tuple exit = (Term.Tuple) ((Term.Tuple) clause.reason()).get(1);
        assertEquals(Atom.of("function_clause"), exit.get(0));
        Term.Tuple first = (Term.Tuple) ((Term.List) exit.get(1)).get(0);
        assertEquals(Term.tuple(MODULE, Atom.of("positive"), Term.list(-1L)),
                Term.tuple(first.get(0), first.get(1), first.get(2)));
        assertEquals(Term.integer(3), Rpc.call(other, node.name(), MODULE, Atom.of("positive"), 3L));
        // a throw: rpc:call returns the value
        assertEquals(Atom.of("ball"), Rpc.call(other, node.name(), MODULE, Atom.of("throws"), Atom.of("ball")));
        // an error with its own stack keeps it
        BadRpcException div = assertThrows(BadRpcException.class,
                () -> Rpc.call(other, node.name(), MODULE, Atom.of("div"), 1L, 0L));
        assertEquals(Term.tuple(Atom.EXIT, Term.tuple(Atom.of("badarith"), Term.list(Term.tuple(Atom.of("erlang"),
                Atom.of("div"), Term.list(1L, 0L), Term.List.EMPTY)))), div.reason());
    }

    @Test
    void rpcApplyRunsABoundFunctionHereAndThrowsWhatAnErlangCallerSees() {
        assertEquals(Term.integer(5), Rpc.apply(node, MODULE, Atom.of("positive"), List.of(5L)));
        ErlangThrow thrown = assertThrows(ErlangThrow.class,
                () -> Rpc.apply(node, MODULE, Atom.of("throws"), List.of(Atom.of("x"))));
        assertEquals(Atom.of("x"), thrown.value());
        ErlangError raised = assertThrows(ErlangError.class,
                () -> Rpc.apply(node, MODULE, Atom.of("raise"), List.of("oops")));
        assertEquals(Atom.elixir("RuntimeError"), ((Term.Map) raised.reason()).get("__struct__"));
        Term.Tuple first = (Term.Tuple) raised.stacktrace().get(0);
        assertEquals(Term.tuple(MODULE, Atom.of("raise"), 1L), Term.tuple(first.get(0), first.get(1), first.get(2)));
        ErlangError undef = assertThrows(ErlangError.class,
                () -> Rpc.apply(node, MODULE, Atom.of("nope"), List.of()));
        assertEquals(Atom.of("undef"), undef.reason());
        assertTrue(undef.stacktrace().size() >= 1);
    }
}
