package io.beambridge.examples;

import static io.beambridge.gen.Result.noreply;
import static io.beambridge.gen.Result.reply;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.global.Global;
import io.beambridge.node.ErlangError;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.node.FunctionClauseError;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.Timeout;
import io.beambridge.registry.RegistryNames;
import io.beambridge.rpc.Rpc;
import io.beambridge.rpc.RpcCall;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The Java twins of the differential test's reference modules ({@code Beambridge.Demo.*},
 * specified in {@code java/it/src/test/resources/differential/JAVA_TWINS.md}, written in
 * Elixir in {@code reference.ex} there): servers and functions that answer, by rpc, as
 * the same Elixir code on a BEAM node does — replies, exits, crash reasons, function
 * clause errors, throws. The demo node binds them, so that one Elixir script measures
 * the Java node against a BEAM node.
 *
 * <p>They are written as a Java engineer writes an Elixir module's twin: state as terms,
 * one {@code switch} over the request where the Elixir module has function heads, and
 * {@link FunctionClauseError} where no head matches.
 */
public final class DemoTwins {
    private DemoTwins() {}

    static final Atom KEEPER = Atom.elixir("Beambridge.Demo.Keeper");
    static final Atom STACK = Atom.elixir("Beambridge.Demo.Stack");
    static final Atom BARE = Atom.elixir("Beambridge.Demo.Bare");
    static final Atom INVENTORY = Atom.elixir("Beambridge.Demo.Inventory");
    static final Atom SERVER = Atom.elixir("Beambridge.Demo.Server");
    static final Atom FUNCTIONS = Atom.elixir("Beambridge.Demo.Functions");

    private static final Atom VALUE = Atom.of("value");
    private static final Atom LOG = Atom.of("log");
    private static final Atom NOTIFY = Atom.of("notify");

    /** Binds the six modules on {@code node}. */
    public static void bind(Node node) {
        bindKeeper(node);
        bindStack(node);
        bindBare(node);
        bindInventory(node);
        bindServer(node);
        bindFunctions(node);
    }

    private static void bind(Node node, Atom module, String function, int arity, io.beambridge.rpc.RpcFunction code) {
        Rpc.bind(node, module, Atom.of(function), arity, code);
    }

    // ------------------------------------------------------------------ Keeper

    /** The outcome of the keeper's apply, carried to the rpc's process. */
    private record Outcome(Term value, RuntimeException failure) {}

    private static void bindKeeper(Node node) {
        bind(node, KEEPER, "apply", 3, c -> {
            Atom m = c.arg(0, Atom.class);
            Atom f = c.arg(1, Atom.class);
            List<Term> args = c.arg(2, Term.List.class).elements();
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            node.spawn(keeper -> {
                try {
                    outcome.complete(new Outcome(Rpc.apply(node, m, f, args), null));
                } catch (ExitException | ErlangError | ErlangThrow e) {
                    outcome.complete(new Outcome(null, e));
                }
                while (true) { // lives on; a linked process that exits abnormally takes it along
                    keeper.receive();
                }
            });
            Outcome o;
            try {
                o = outcome.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            if (o.failure() != null) {
                throw o.failure();
            }
            return o.value();
        });
    }

    // ------------------------------------------------------------------ Stack

    /** gen_server.ex's Stack: {@code handle_call(:pop, _, [head | tail])}, {@code handle_cast({:push, e}, s)}. */
    static final class Stack implements GenServer<Term.List> {
        private final Term.List initial;

        Stack(Term.List initial) {
            this.initial = initial;
        }

        @Override
        public Init<Term.List> init() {
            return Init.ok(initial);
        }

        @Override
        public Result<Term.List> handleCall(Term request, From from, Term.List stack) {
            if (request.equals(Atom.of("pop")) && !stack.isEmpty()) {
                List<Term> l = stack.elements();
                return reply(l.getFirst(), Term.List.of(l.subList(1, l.size())));
            }
            throw new FunctionClauseError();
        }

        @Override
        public Result<Term.List> handleCast(Term request, Term.List stack) {
            if (request instanceof Term.Tuple t && t.isTagged("push", 2)) {
                List<Term> l = new ArrayList<>(stack.size() + 1);
                l.add(t.get(1));
                l.addAll(stack.elements());
                return noreply(Term.List.of(l));
            }
            throw new FunctionClauseError();
        }

        @Override
        public Atom module() {
            return STACK;
        }
    }

    private static void bindStack(Node node) {
        bind(node, STACK, "start", 1, c -> GenServer.start(node, new Stack(list(c.arg(0)))).toTerm());
        bind(node, STACK, "start_link", 1, c -> c.startLink(new Stack(list(c.arg(0))), StartOptions.DEFAULT).toTerm());
        bind(node, STACK, "push", 2, c -> {
            GenServer.cast(server(node, c.arg(0)), Term.tuple(Atom.of("push"), c.arg(1)));
            return Atom.OK;
        });
        bind(node, STACK, "pop", 1, c -> GenServer.call(server(node, c.arg(0)), Atom.of("pop")));
    }

    /** The guard {@code when is_list(x)}. */
    private static Term.List list(Term t) {
        if (t instanceof Term.List l && l.isProper()) {
            return l;
        }
        throw new FunctionClauseError();
    }

    // ------------------------------------------------------------------ Bare

    /** {@code use GenServer} with init only: every other callback is Elixir's default. */
    static final class Bare implements GenServer<Term> {
        private final Term arg;

        Bare(Term arg) {
            this.arg = arg;
        }

        @Override
        public Init<Term> init() {
            return Init.ok(arg);
        }

        @Override
        public Atom module() {
            return BARE;
        }
    }

    private static void bindBare(Node node) {
        bind(node, BARE, "start", 1, c -> GenServer.start(node, new Bare(c.arg(0))).toTerm());
        bind(node, BARE, "start", 2, c -> GenServer.start(node, new Bare(c.arg(0)),
                startOptions(node, Term.list(Term.tuple(Atom.of("name"), c.arg(1))))).toTerm());
    }

    // ------------------------------------------------------------------ Inventory

    /** Item counts; quantities must be positive integers, as the Elixir module's guards say. */
    static final class Inventory implements GenServer<Term.Map> {
        private final Term.Map items;

        Inventory(Term.Map items) {
            this.items = items;
        }

        @Override
        public Init<Term.Map> init() {
            return Init.ok(items);
        }

        @Override
        public Result<Term.Map> handleCall(Term request, From from, Term.Map items) {
            if (request instanceof Term.Tuple t && t.arity() == 3 && t.get(2) instanceof Term.Int qty && qty.value() > 0) {
                Term item = t.get(1);
                long have = count(items, item);
                if (t.isTagged("add", 3)) {
                    long now = have + qty.value();
                    return reply(Term.tuple(Atom.OK, now), put(items, item, Term.Int.of(now)));
                }
                if (t.isTagged("remove", 3)) {
                    if (have >= qty.value()) {
                        long left = have - qty.value();
                        return reply(Term.tuple(Atom.OK, left), put(items, item, Term.Int.of(left)));
                    }
                    return reply(Term.tuple(Atom.ERROR, Atom.of("insufficient")), items);
                }
            }
            if (request instanceof Term.Tuple t && t.isTagged("count", 2)) {
                return reply(Term.Int.of(count(items, t.get(1))), items);
            }
            if (request.equals(Atom.of("all"))) {
                return reply(items, items);
            }
            throw new FunctionClauseError();
        }

        @Override
        public Result<Term.Map> handleCast(Term request, Term.Map items) {
            if (request instanceof Term.Tuple t && t.isTagged("restock", 3)) {
                if (!(t.get(2) instanceof Term.Int qty)) {
                    throw new ErlangError(Atom.of("badarith")); // &1 + qty
                }
                Term.Int have = items.get(t.get(1)) instanceof Term.Int i ? i : null;
                return noreply(put(items, t.get(1), have == null ? qty : Term.Int.of(have.value() + qty.value())));
            }
            throw new FunctionClauseError();
        }

        private static long count(Term.Map items, Term item) {
            return items.get(item) instanceof Term.Int i ? i.value() : 0;
        }

        @Override
        public Atom module() {
            return INVENTORY;
        }
    }

    private static void bindInventory(Node node) {
        bind(node, INVENTORY, "start", 2, c -> {
            if (!(c.arg(0) instanceof Term.Map items)) {
                throw new FunctionClauseError();
            }
            return GenServer.start(node, new Inventory(items),
                    startOptions(node, Term.list(Term.tuple(Atom.of("name"), c.arg(1))))).toTerm();
        });
        bind(node, INVENTORY, "add", 3, c -> GenServer.call(server(node, c.arg(0)),
                Term.tuple(Atom.of("add"), c.arg(1), c.arg(2))));
        bind(node, INVENTORY, "remove", 3, c -> GenServer.call(server(node, c.arg(0)),
                Term.tuple(Atom.of("remove"), c.arg(1), c.arg(2))));
        bind(node, INVENTORY, "count", 2, c -> GenServer.call(server(node, c.arg(0)),
                Term.tuple(Atom.of("count"), c.arg(1))));
        bind(node, INVENTORY, "all", 1, c -> GenServer.call(server(node, c.arg(0)), Atom.of("all")));
        bind(node, INVENTORY, "restock", 3, c -> {
            GenServer.cast(server(node, c.arg(0)), Term.tuple(Atom.of("restock"), c.arg(1), c.arg(2)));
            return Atom.OK;
        });
    }

    // ------------------------------------------------------------------ Server

    /**
     * A server whose every behaviour is asked for by its requests. State:
     * {@code %{value: term, log: [event], notify: nil | pid}}, log oldest first.
     */
    static final class Server implements GenServer<Term> {
        private final Node node;
        private final Term arg;

        Server(Node node, Term arg) {
            this.node = node;
            this.arg = arg;
        }

        static Term state(Term value) {
            return Term.map(VALUE, value, LOG, Term.List.EMPTY, NOTIFY, Atom.NIL);
        }

        static Term value(Term s) {
            return ((Term.Map) s).get(VALUE);
        }

        static Term with(Term s, Atom key, Term value) {
            return put((Term.Map) s, key, value);
        }

        static Term log(Term s, Term event) {
            List<Term> l = new ArrayList<>(((Term.List) ((Term.Map) s).get(LOG)).elements());
            l.add(event);
            return with(s, LOG, Term.List.of(l));
        }

        @Override
        public Init<Term> init() throws InterruptedException {
            if (arg instanceof Term.Tuple t) {
                if (t.isTagged("stop", 2)) {
                    return Init.stop(t.get(1));
                }
                if (t.isTagged("raise", 2)) {
                    throw raise(t.get(1));
                }
                if (t.isTagged("exit", 2)) {
                    throw new ExitException(t.get(1));
                }
                if (t.isTagged("bad", 2)) {
                    return Init.fromTerm(t.get(1));
                }
                if (t.isTagged("sleep", 3)) {
                    Thread.sleep(millis(t.get(1)));
                    return Init.ok(state(t.get(2)));
                }
                if (t.isTagged("continue", 3)) {
                    return Init.ok(state(t.get(1))).withContinue(t.get(2));
                }
                if (t.isTagged("timeout", 3)) {
                    return Init.ok(state(t.get(1))).withTimeout(Duration.ofMillis(millis(t.get(2))));
                }
                if (t.isTagged("hibernate", 2)) {
                    return Init.ok(state(t.get(1))).withHibernate();
                }
                if (t.isTagged("trap_exit", 2)) {
                    Proc.current().trapExit(true);
                    return Init.ok(state(t.get(1)));
                }
            }
            if (arg.equals(Atom.of("ignore"))) {
                return Init.ignore();
            }
            return Init.ok(state(arg));
        }

        @Override
        @SuppressWarnings("unchecked")
        public Result<Term> handleCall(Term request, From from, Term s) throws InterruptedException {
            Proc self = Proc.current();
            if (request instanceof Atom a) {
                return switch (a.name()) {
                    case "ping" -> reply(Atom.of("pong"), s);
                    case "get" -> reply(value(s), s);
                    case "log" -> reply(((Term.Map) s).get(LOG), s);
                    case "self" -> reply(self.self(), s);
                    case "from" -> reply(from.toTerm(), s);
                    case "noreply" -> noreply(s);
                    case "alias" -> reply(self.alias(), s);
                    default -> throw new FunctionClauseError();
                };
            }
            if (!(request instanceof Term.Tuple t) || t.arity() < 2 || !(t.get(0) instanceof Atom tag)) {
                throw new FunctionClauseError();
            }
            return switch (tag.name() + "/" + t.arity()) {
                case "echo/2" -> reply(t.get(1), s);
                case "put/2" -> reply(Atom.OK, with(s, VALUE, t.get(1)));
                case "sleep/2" -> {
                    Thread.sleep(millis(t.get(1)));
                    yield reply(Atom.of("slept"), s);
                }
                case "reply_later/3" -> {
                    sendAfter(self.self(), Term.tuple(Atom.of("$reply"), from.toTerm(), t.get(2)), millis(t.get(1)));
                    yield noreply(s);
                }
                case "stop/3" -> Result.stop(t.get(1), t.get(2), s);
                case "stop/2" -> Result.stop(t.get(1), s);
                case "raise/2" -> throw raise(t.get(1));
                case "raise_argument/2" -> throw new IllegalArgumentException(text(t.get(1)));
                case "exit/2" -> throw new ExitException(t.get(1));
                case "throw/2" -> throw new ErlangThrow(t.get(1));
                case "return/2" -> Result.fromTerm(t.get(1));
                case "hibernate/2" -> reply(t.get(1), s).withHibernate();
                case "continue/3" -> reply(t.get(1), s).withContinue(t.get(2));
                case "timeout/3" -> reply(t.get(1), s).withTimeout(Duration.ofMillis(millis(t.get(2))));
                case "link/2" -> {
                    self.link(pid(t.get(1)));
                    yield reply(Atom.TRUE, s);
                }
                case "unlink/2" -> {
                    self.unlink(pid(t.get(1)));
                    yield reply(Atom.TRUE, s);
                }
                case "monitor/2" -> reply(switch (t.get(1)) {
                    case Pid p -> self.monitor(p);
                    case Term.Tuple n when n.arity() == 2 && n.get(0) instanceof Atom name
                            && n.get(1) instanceof Atom on -> self.monitor(name, on.name());
                    case Atom name -> self.monitor(name, node.name());
                    default -> throw new ErlangError(Atom.of("badarg"));
                }, s);
                case "demonitor/2" -> {
                    self.demonitor(ref(t.get(1)));
                    yield reply(Atom.TRUE, s);
                }
                case "trap_exit/2" -> reply(bool(self.trapExit(Atom.TRUE.equals(t.get(1)))), s);
                case "send/3" -> {
                    send(self, t.get(1), t.get(2));
                    yield reply(Atom.OK, s);
                }
                case "exit_signal/3" -> {
                    self.exit(pid(t.get(1)), t.get(2));
                    yield reply(Atom.TRUE, s);
                }
                case "call/3" -> reply(relay(node, t.get(1), t.get(2), Timeout.DEFAULT), s);
                case "call/4" -> reply(relay(node, t.get(1), t.get(2), timeout(t.get(3))), s);
                case "register/2" -> {
                    Term r;
                    try {
                        self.register((Atom) t.get(1));
                        r = Atom.TRUE;
                    } catch (IllegalStateException | ClassCastException e) {
                        r = Term.tuple(Atom.ERROR, Atom.of("badarg"));
                    }
                    yield reply(r, s);
                }
                case "unalias/2" -> reply(bool(self.unalias(ref(t.get(1)))), s);
                case "notify/2" -> reply(Atom.OK, with(s, NOTIFY, t.get(1)));
                case "make/3" -> reply(make(t.get(1), t.get(2)), s);
                default -> throw new FunctionClauseError();
            };
        }

        @Override
        public Result<Term> handleCast(Term msg, Term s) throws InterruptedException {
            if (msg instanceof Term.Tuple t && t.arity() >= 1 && t.get(0) instanceof Atom tag) {
                switch (tag.name() + "/" + t.arity()) {
                    case "put/2" -> {
                        return noreply(with(s, VALUE, t.get(1)));
                    }
                    case "stop/2" -> {
                        return Result.stop(t.get(1), s);
                    }
                    case "raise/2" -> throw raise(t.get(1));
                    case "exit/2" -> throw new ExitException(t.get(1));
                    case "sleep/2" -> {
                        Thread.sleep(millis(t.get(1)));
                        return noreply(s);
                    }
                    case "reply/3" -> {
                        From.of(node, t.get(1)).reply(t.get(2));
                        return noreply(s);
                    }
                    case "hibernate/1" -> {
                        return noreply(s).withHibernate();
                    }
                    case "timeout/2" -> {
                        return noreply(s).withTimeout(Duration.ofMillis(millis(t.get(1))));
                    }
                    case "continue/2" -> {
                        return noreply(s).withContinue(t.get(1));
                    }
                    default -> { }
                }
            }
            return noreply(log(s, Term.tuple(Atom.of("cast"), msg)));
        }

        @Override
        public Result<Term> handleInfo(Term msg, Term s) {
            if (msg.equals(Atom.of("timeout"))) {
                return noreply(log(s, msg));
            }
            if (msg instanceof Term.Tuple t && t.isTagged("stop", 2)) {
                return Result.stop(t.get(1), s);
            }
            if (msg instanceof Term.Tuple t && t.isTagged("$reply", 3)) {
                From.of(node, t.get(1)).reply(t.get(2));
                return noreply(s);
            }
            return noreply(log(s, Term.tuple(Atom.of("info"), msg)));
        }

        @Override
        public Result<Term> handleContinue(Term cont, Term s) {
            if (cont instanceof Term.Tuple t && t.isTagged("stop", 2)) {
                return Result.stop(t.get(1), s);
            }
            return noreply(log(s, Term.tuple(Atom.of("continue"), cont)));
        }

        @Override
        public void terminate(Term reason, Term s) {
            if (s instanceof Term.Map m && m.get(NOTIFY) instanceof Pid pid) {
                Proc self = Proc.current();
                self.send(pid, Term.tuple(Atom.of("terminated"), self.self(), reason));
            }
        }

        @Override
        public Atom module() {
            return SERVER;
        }
    }

    private static void bindServer(Node node) {
        bind(node, SERVER, "start", 1, c -> GenServer.start(node, new Server(node, c.arg(0))).toTerm());
        bind(node, SERVER, "start", 2, c -> GenServer.start(node, new Server(node, c.arg(0)),
                startOptions(node, c.arg(1))).toTerm());
        bind(node, SERVER, "start_link", 1, c -> c.startLink(new Server(node, c.arg(0)), StartOptions.DEFAULT).toTerm());
        bind(node, SERVER, "start_link", 2, c -> c.startLink(new Server(node, c.arg(0)),
                startOptions(node, c.arg(1))).toTerm());
        bind(node, SERVER, "call", 2, c -> GenServer.call(server(node, c.arg(0)), c.arg(1)));
        bind(node, SERVER, "call", 3, c -> GenServer.call(server(node, c.arg(0)), c.arg(1), timeout(c.arg(2))));
        bind(node, SERVER, "cast", 2, c -> {
            GenServer.cast(server(node, c.arg(0)), c.arg(1));
            return Atom.OK;
        });
        bind(node, SERVER, "make", 2, c -> make(c.arg(0), c.arg(1)));
    }

    /** {@code GenServer.call(server, request, timeout)} from the server; an exit is the reply {@code {:exit, reason}}. */
    private static Term relay(Node node, Term server, Term request, Duration timeout) {
        try {
            return GenServer.call(server(node, server), request, timeout);
        } catch (ExitException e) {
            return Term.tuple(Atom.EXIT, e.reason());
        }
    }

    /** Sends {@code message} to {@code to} after {@code ms}, as {@code Process.send_after/3}. */
    private static void sendAfter(Pid to, Term message, long ms) {
        Proc.current().node().spawn(timer -> {
            Thread.sleep(ms);
            timer.send(to, message);
        });
    }

    private static void send(Proc self, Term dest, Term msg) {
        switch (dest) {
            case Pid p -> self.send(p, msg);
            case Ref alias -> self.send(alias, msg);
            case Atom name -> self.send(name, msg);
            case Term.Tuple t when t.arity() == 2 && t.get(0) instanceof Atom name && t.get(1) instanceof Atom on ->
                    self.send(name, on.name(), msg);
            default -> throw new ErlangError(Atom.of("badarg"));
        }
    }

    /** {@code Server.make/2}: terms made on the node for the large-terms scenarios. */
    static Term make(Term kind, Term size) {
        int n = (int) ((Term.Int) size).value();
        return switch (((Atom) kind).name()) {
            case "binary" -> {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) i;
                }
                yield new Term.Binary(b);
            }
            case "list" -> {
                List<Term> l = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    l.add(Term.Int.of(i));
                }
                yield Term.List.of(l);
            }
            case "map" -> {
                Map<Term, Term> m = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    m.put(Term.Int.of(i), Term.Int.of(-i));
                }
                yield Term.Map.of(m);
            }
            case "tuple" -> {
                List<Term> l = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    l.add(Term.Int.of(i));
                }
                yield Term.Tuple.of(l);
            }
            case "nested" -> {
                Term acc = Term.List.EMPTY;
                for (int i = 1; i <= n; i++) {
                    acc = Term.List.of(Term.Int.of(i), acc);
                }
                yield acc;
            }
            case "string" -> Term.string("é".repeat(n));
            case "integer" -> Term.of(java.math.BigInteger.TWO.pow(n).add(java.math.BigInteger.ONE));
            default -> throw new FunctionClauseError();
        };
    }

    // ------------------------------------------------------------------ Functions

    private static void bindFunctions(Node node) {
        bind(node, FUNCTIONS, "echo", 1, c -> c.arg(0));
        bind(node, FUNCTIONS, "raise_argument", 1, c -> {
            throw new IllegalArgumentException(text(c.arg(0)));
        });
        bind(node, FUNCTIONS, "raise_runtime", 1, c -> {
            throw raise(c.arg(0));
        });
        bind(node, FUNCTIONS, "divide", 2, c -> {
            if (!(c.arg(0) instanceof Term.Int a) || !(c.arg(1) instanceof Term.Int b) || b.value() == 0) {
                // div/2 of a non-integer or by zero: badarith, raised by erlang:div/2
                throw new ErlangError(Atom.of("badarith"), Term.List.of(Term.tuple(Atom.of("erlang"), Atom.of("div"),
                        Term.List.of(c.arg(0), c.arg(1)), Term.List.EMPTY)));
            }
            return Term.Int.of(a.value() / b.value());
        });
        bind(node, FUNCTIONS, "error", 1, c -> {
            throw new ErlangError(c.arg(0));
        });
        bind(node, FUNCTIONS, "exit", 1, c -> {
            throw new ExitException(c.arg(0));
        });
        bind(node, FUNCTIONS, "throw", 1, c -> {
            throw new ErlangThrow(c.arg(0));
        });
        bind(node, FUNCTIONS, "sleep", 1, c -> {
            Thread.sleep(millis(c.arg(0)));
            return Atom.of("slept");
        });
        bind(node, FUNCTIONS, "puts", 1, c -> puts(c, text(c.arg(0)) + "\n"));
        bind(node, FUNCTIONS, "links", 0, c -> Term.tuple(Atom.of("links"), Term.List.of(List.copyOf(c.self().links()))));
        bind(node, FUNCTIONS, "await_exit", 1, c -> awaitExit(c.self(), millis(c.arg(0))));
        bind(node, FUNCTIONS, "report", 2, c -> {
            Proc self = c.self();
            self.send(pid(c.arg(0)), Term.tuple(Atom.of("spawned"), self.self(), Term.List.of(List.copyOf(self.links()))));
            return awaitExit(self, millis(c.arg(1)));
        });
    }

    /** Waits for {@code {:exit, reason}} and exits with it; {@code :ok} after {@code ms}. */
    private static Term awaitExit(Proc self, long ms) {
        Term m = self.receive(t -> t instanceof Term.Tuple x && x.isTagged("exit", 2), Duration.ofMillis(ms));
        if (m == null) {
            return Atom.OK;
        }
        throw new ExitException(((Term.Tuple) m).get(1));
    }

    /**
     * {@code IO.puts(text)} from the rpc's process: the request goes to the caller's group
     * leader (its shell, on its node) in Erlang's io protocol — {@code {:io_request, self(),
     * ref, {:put_chars, :unicode, text}}}, answered with {@code {:io_reply, ref, reply}} — as
     * {@code io:request/2} sends it, the reference being a monitor of the io server.
     */
    private static Term puts(RpcCall c, String text) {
        Pid gl = c.groupLeader();
        if (gl == null) {
            System.out.print(text);
            return Atom.OK;
        }
        Proc self = c.self();
        Ref ref = self.monitor(gl);
        self.send(gl, Term.tuple(Atom.of("io_request"), self.self(), ref,
                Term.tuple(Atom.of("put_chars"), Atom.of("unicode"), Term.string(text))));
        Term answer = self.receive(m -> m instanceof Term.Tuple t && t.arity() >= 3 && t.get(1).equals(ref)
                && (t.isTagged("io_reply", 3) || t.isTagged("DOWN", 5)), Timeout.INFINITY);
        self.demonitor(ref);
        Term.Tuple t = (Term.Tuple) answer;
        if (t.isTagged("DOWN", 5)) {
            throw new ErlangError(Term.tuple(Atom.of("terminated"), Term.List.EMPTY));
        }
        return t.get(2);
    }

    // ------------------------------------------------------------------ terms

    /**
     * Elixir's {@code GenServer.start/3} options: {@code name:} (an atom, {@code {:global,
     * term}}, {@code {:via, :beambridge_registry, name}}) and {@code timeout:} (ms).
     *
     * @throws IllegalArgumentException Elixir's message for an invalid name
     */
    static StartOptions startOptions(Node node, Term opts) {
        StartOptions options = StartOptions.DEFAULT;
        Duration timeout = Timeout.INFINITY;
        for (Term o : (Term.List) opts) {
            Term.Tuple kv = (Term.Tuple) o;
            Term v = kv.get(1);
            switch (((Atom) kv.get(0)).name()) {
                case "name" -> {
                    if (v instanceof Atom a && !a.equals(Atom.NIL)) {
                        options = StartOptions.name(a);
                    } else if (v instanceof Term.Tuple g && g.isTagged("global", 2)) {
                        options = StartOptions.name(Global.of(node).name(g.get(1)));
                    } else if (v instanceof Term.Tuple via && via.isTagged("via", 3) && via.get(1) instanceof Atom) {
                        options = StartOptions.name(ServerRef.via(RegistryNames.of(node), via.get(2)));
                    } else if (!v.equals(Atom.NIL)) { // raised where Elixir raises it: in GenServer.do_start/4
                        throw new ErlangError(SeedModules.exception("ArgumentError",
                                "expected :name option to be one of the following:\n\n"
                                + "  * nil\n  * atom\n  * {:global, term}\n  * {:via, module, term}\n\nGot: " + v + "\n"),
                                Term.list(Term.tuple(Atom.elixir("GenServer"), Atom.of("do_start"), 4L, Term.List.EMPTY)));
                    }
                }
                case "timeout" -> timeout = timeout(v);
                default -> { }
            }
        }
        return options.withTimeout(timeout);
    }

    /** A server as GenServer.call takes one, through the seed modules' reading. */
    private static ServerRef server(Node node, Term t) {
        return SeedModules.server(node, t);
    }

    private static Term.Map put(Term.Map map, Term key, Term value) {
        Map<Term, Term> m = new LinkedHashMap<>(map.entries());
        m.put(key, value);
        return Term.Map.of(m);
    }

    private static Atom bool(boolean b) {
        return b ? Atom.TRUE : Atom.FALSE;
    }

    private static Duration timeout(Term t) {
        return Atom.INFINITY.equals(t) ? Timeout.INFINITY : Duration.ofMillis(millis(t));
    }

    private static long millis(Term t) {
        if (t instanceof Term.Int i && i.value() >= 0) {
            return i.value();
        }
        throw new ErlangError(Term.tuple(Atom.of("timeout_value"), t)); // as receive ... after with a bad timeout
    }

    /** {@code raise message}: a RuntimeError with exactly that message (a Java exception's would name its class). */
    private static ErlangError raise(Term message) {
        return new ErlangError(SeedModules.exception("RuntimeError", text(message)));
    }

    private static String text(Term t) {
        if (t instanceof Term.Binary b) {
            return b.text();
        }
        throw new ErlangError(Atom.of("badarg"));
    }

    private static Pid pid(Term t) {
        if (t instanceof Pid p) {
            return p;
        }
        throw new ErlangError(Atom.of("badarg"));
    }

    private static Ref ref(Term t) {
        if (t instanceof Ref r) {
            return r;
        }
        throw new ErlangError(Atom.of("badarg"));
    }
}
