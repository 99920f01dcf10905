package io.beambridge.examples;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.node.ErlangError;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Timeout;
import io.beambridge.registry.Registry;
import io.beambridge.registry.RegistryNames;
import io.beambridge.rpc.Rpc;
import io.beambridge.rpc.RpcCall;
import io.beambridge.term.Atom;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;

/**
 * The seed's {@code MyApp.*} modules, bound under their Elixir names with the seed's
 * functions and answers, so that an Elixir node calls them with {@code :rpc.call}:
 * <pre>
 *   {:ok, pid} = :rpc.call(:"java@host", MyApp.HelloServer, :start_link, [123])
 *   GenServer.call(pid, :hello)   #=&gt; "hello"
 * </pre>
 * Every server is a {@link HelloServer}. {@code start_link} over {@code :rpc.call} links
 * the server to the caller ({@link RpcCall#startLink}), as {@code start_link} in iex links
 * it to the shell. {@code MyApp.PgMember} ({@link PgMember}) starts Java processes in
 * groups of the default {@code :pg} scope, which binding starts.
 */
public final class SeedModules {
    private SeedModules() {}

    static final Atom HELLO = Atom.elixir("MyApp.HelloServer");
    static final Atom LOCAL = Atom.elixir("MyApp.HelloServerLocalName");
    static final Atom DYNAMIC = Atom.elixir("MyApp.HelloServerDynamicName");
    static final Atom REGISTRY = Atom.elixir("MyApp.ProcessRegistry");
    static final Atom VIA = Atom.elixir("MyApp.HelloServerViaTuple");
    static final Atom GLOBAL = Atom.elixir("MyApp.HelloServerGlobalName");

    private static final Atom START_LINK = Atom.of("start_link");
    private static final Atom HELLO_FN = Atom.of("hello");
    private static final Atom WHEREIS = Atom.of("whereis");
    private static final Atom VIA_TUPLE = Atom.of("via_tuple");

    /** Binds every seed module on {@code node}. */
    public static void bind(Node node) {
        // 1. no registration: remember the pid; hello/1 takes any server, as GenServer.call/2
        Rpc.bind(node, HELLO, START_LINK, 1, c -> start(c, HELLO, StartOptions.DEFAULT));
        Rpc.bind(node, HELLO, HELLO_FN, 1, c -> HelloServer.hello(server(node, c.arg(0))));

        // 2. the module name as a local name
        Rpc.bind(node, LOCAL, START_LINK, 1, c -> start(c, LOCAL, StartOptions.name(LOCAL)));
        Rpc.bind(node, LOCAL, HELLO_FN, 0, c -> HelloServer.hello(ServerRef.local(node, LOCAL)));

        // 3. a name made at run time, one atom per id (the bad way)
        Rpc.bind(node, DYNAMIC, Atom.of("process_name"), 1, c -> dynamicName(c.arg(0)));
        Rpc.bind(node, DYNAMIC, START_LINK, 1, c -> start(c, DYNAMIC, StartOptions.name(dynamicName(c.arg(0)))));
        Rpc.bind(node, DYNAMIC, HELLO_FN, 1, c -> HelloServer.hello(ServerRef.local(node, dynamicName(c.arg(0)))));

        // 4. a registry with composite keys, reached with a via tuple
        Rpc.bind(node, REGISTRY, START_LINK, 0, c -> c.startLink(Registry.server(REGISTRY,
                Registry.Options.of(Registry.Keys.UNIQUE)), StartOptions.name(REGISTRY)).toTerm());
        Rpc.bind(node, REGISTRY, VIA_TUPLE, 1, c -> viaTuple(node, tupleKey(c.arg(0))));
        Rpc.bind(node, REGISTRY, Atom.of("whereis_name"), 1, c -> orElse(registry(node).whereis(tupleKey(c.arg(0))),
                Atom.UNDEFINED));
        Rpc.bind(node, VIA, VIA_TUPLE, 1, c -> viaTuple(node, viaKey(c.arg(0))));
        Rpc.bind(node, VIA, WHEREIS, 1, c -> orElse(registry(node).whereis(viaKey(c.arg(0))), Atom.NIL));
        Rpc.bind(node, VIA, START_LINK, 1, c -> start(c, VIA, StartOptions.name(registry(node).name(viaKey(c.arg(0))))));
        Rpc.bind(node, VIA, HELLO_FN, 1, c -> HelloServer.hello(registry(node).name(viaKey(c.arg(0)))));

        // 5. a :global name, cluster-wide: start, then register, as the seed's code does
        Rpc.bind(node, GLOBAL, WHEREIS, 1, c -> orElse(Global.of(node).whereisName(globalKey(c.arg(0))), Atom.NIL));
        Rpc.bind(node, GLOBAL, START_LINK, 1, c -> startGlobal(node, c));
        Rpc.bind(node, GLOBAL, HELLO_FN, 1, c -> {
            Pid pid = Global.of(node).whereisName(globalKey(c.arg(0)));
            if (pid == null) { // GenServer.call(nil, :hello): the seed's whereis gave nil
                throw new ExitException(Term.tuple(Atom.NOPROC, Term.tuple(Atom.elixir("GenServer"), Atom.of("call"),
                        Term.list(Atom.NIL, HELLO_FN, Timeout.DEFAULT.toMillis()))));
            }
            return HelloServer.hello(ServerRef.of(node, pid));
        });

        // process groups: Java members of the default :pg scope (started here)
        PgMember.bind(node);
    }

    /** {@code GenServer.start_link(__MODULE__, id, options)} for the caller. */
    private static Term start(RpcCall c, Atom module, StartOptions options) {
        return c.startLink(new HelloServer(c.arg(0), module), options).toTerm();
    }

    /** The seed's HelloServerGlobalName.start_link/1: start unnamed, then :global.register_name. */
    private static Term startGlobal(Node node, RpcCall c) {
        Global global = Global.of(node);
        Term name = globalKey(c.arg(0));
        Pid running = global.whereisName(name);
        if (running != null) {
            return Term.tuple(Atom.OK, running);
        }
        Pid pid = ((StartResult.Ok) c.startLink(new HelloServer(c.arg(0), GLOBAL), StartOptions.DEFAULT)).pid();
        return global.registerName(name, pid) ? Term.tuple(Atom.OK, pid)
                : Term.tuple(Atom.ERROR, Term.tuple(StartResult.ALREADY_STARTED, pid));
    }

    /**
     * A server as {@code GenServer.call/2} takes one: a pid, a local name, {@code {name, node}},
     * {@code {:via, :beambridge_registry, name}} or {@code {:global, name}}.
     */
    static ServerRef server(Node node, Term t) {
        if (t instanceof Term.Tuple v && v.arity() == 3 && v.isTagged("via", 3)
                && Atom.of("beambridge_registry").equals(v.get(1))) {
            return ServerRef.via(RegistryNames.of(node), v.get(2));
        }
        if (t instanceof Term.Tuple g && g.isTagged("global", 2)) {
            return Global.of(node).name(g.get(1));
        }
        return ServerRef.of(node, t);
    }

    /** {@code String.to_atom("#{__MODULE__}_#{id}")}: the seed's way 3. */
    static Atom dynamicName(Term id) {
        String text = switch (id) {
            case Term.Int i -> Long.toString(i.value());
            case Term.Binary b -> b.text();
            case Atom a -> a.name();
            default -> throw new BadTermException("", "an id String.Chars can print (an integer, a string, an atom)", id);
        };
        String full = DYNAMIC.name() + "_" + text;
        try {
            return Atom.of(full);
        } catch (IllegalArgumentException e) { // String.to_atom/1 of over 255 characters, raised by the BIF
            throw new ErlangError(Atom.of("system_limit"), Term.list(Term.tuple(Atom.of("erlang"),
                    Atom.of("binary_to_atom"), Term.list(full, Atom.of("utf8")), Term.List.EMPTY)));
        }
    }

    /**
     * The registry, or Elixir's error when it is not started: {@code ArgumentError: unknown
     * registry: ...}, raised where Elixir's Registry raises it ({@code Registry.key_info!/1}).
     */
    static Registry registry(Node node) {
        Registry r = Registry.find(node, REGISTRY);
        if (r == null) {
            throw new ErlangError(exception("ArgumentError", "unknown registry: MyApp.ProcessRegistry"),
                    Term.list(Term.tuple(Atom.elixir("Registry"), Atom.of("key_info!"), 1L, Term.List.EMPTY)));
        }
        return r;
    }

    /** An Elixir exception struct, {@code %module{message: message}}, as {@code raise} makes it. */
    static Term exception(String module, String message) {
        return Term.map(Atom.of("__struct__"), Atom.elixir(module), Atom.of("__exception__"), Atom.TRUE,
                Atom.of("message"), message);
    }

    /** The seed's {@code when is_tuple(key)} guard: anything else is a function clause error. */
    private static Term.Tuple tupleKey(Term key) {
        if (key instanceof Term.Tuple t) {
            return t;
        }
        throw new BadTermException("", "a tuple (the guard is_tuple(key))", key);
    }

    private static Term viaKey(Term id) {
        return Term.tuple(VIA, id);
    }

    private static Term viaTuple(Node node, Term key) {
        return Term.tuple(Atom.of("via"), Atom.of("beambridge_registry"), Term.tuple(Term.tuple(REGISTRY,
                Atom.of(node.name())), key));
    }

    private static Term globalKey(Term id) {
        return Term.tuple(GLOBAL, id);
    }

    private static Term orElse(Pid pid, Atom none) {
        return pid == null ? none : pid;
    }
}
