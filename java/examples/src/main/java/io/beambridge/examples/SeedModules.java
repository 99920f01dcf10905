package io.beambridge.examples;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.registry.Registry;
import io.beambridge.rpc.RpcCall;
import io.beambridge.rpc.RpcServer;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;

/**
 * The seed's {@code MyApp.*} modules, bound under their Elixir names with the seed's
 * functions, so that an Elixir node calls them with {@code :rpc.call}:
 * <pre>
 *   {:ok, pid} = :rpc.call(:"java@host", MyApp.HelloServer, :start_link, [123])
 *   GenServer.call(pid, :hello)   #=&gt; "hello"
 * </pre>
 * Every server is a {@link HelloServer}, linked to the caller that started it.
 */
public final class SeedModules {
    private SeedModules() {}

    static final String HELLO = "Elixir.MyApp.HelloServer";
    static final String LOCAL = "Elixir.MyApp.HelloServerLocalName";
    static final String DYNAMIC = "Elixir.MyApp.HelloServerDynamicName";
    static final String REGISTRY = "Elixir.MyApp.ProcessRegistry";
    static final String VIA = "Elixir.MyApp.HelloServerViaTuple";
    static final String GLOBAL = "Elixir.MyApp.HelloServerGlobalName";

    /** Binds every seed module on {@code node}. */
    public static void bind(Node node) {
        RpcServer rpc = node.rpc();

        // 1. no registration: remember the pid
        rpc.bind(HELLO, "start_link", 1, c -> start(c, StartOptions.defaults()));
        rpc.bind(HELLO, "hello", 1, c -> hello(c, ServerRef.of(Match.pid(c.arg(0)))));

        // 2. the module name as a local name
        rpc.bind(LOCAL, "start_link", 1, c -> start(c, StartOptions.name(LOCAL)));
        rpc.bind(LOCAL, "hello", 0, c -> hello(c, ServerRef.local(LOCAL)));

        // 3. a name made at run time, one atom per id (the bad way)
        rpc.bind(DYNAMIC, "process_name", 1, c -> Terms.atom(dynamicName(c.arg(0))));
        rpc.bind(DYNAMIC, "start_link", 1, c -> start(c, StartOptions.name(dynamicName(c.arg(0)))));
        rpc.bind(DYNAMIC, "hello", 1, c -> hello(c, ServerRef.local(dynamicName(c.arg(0)))));

        // 4. a registry with composite keys, reached with a via tuple
        rpc.bind(REGISTRY, "start_link", 0, c -> startRegistry(node));
        rpc.bind(REGISTRY, "via_tuple", 1, c -> viaTuple(node, tupleKey(c.arg(0))));
        rpc.bind(REGISTRY, "whereis_name", 1, c -> {
            OtpErlangPid pid = registry(node) == null ? null : registry(node).whereis(tupleKey(c.arg(0)));
            return pid == null ? Atoms.UNDEFINED : pid;
        });
        rpc.bind(VIA, "via_tuple", 1, c -> viaTuple(node, Terms.tuple(Terms.atom(VIA), c.arg(0))));
        rpc.bind(VIA, "whereis", 1, c -> {
            OtpErlangPid pid = registry(node) == null ? null : registry(node).whereis(Terms.tuple(Terms.atom(VIA), c.arg(0)));
            return pid == null ? Atoms.NIL : pid;
        });
        rpc.bind(VIA, "start_link", 1, c -> start(c, StartOptions.name(viaName(node, c.arg(0)))));
        rpc.bind(VIA, "hello", 1, c -> hello(c, viaName(node, c.arg(0))));

        // 5. a :global name, cluster-wide
        rpc.bind(GLOBAL, "whereis", 1, c -> {
            OtpErlangPid pid = Global.of(node).whereisName(globalKey(c.arg(0)));
            return pid == null ? Atoms.NIL : pid;
        });
        rpc.bind(GLOBAL, "start_link", 1, c -> start(c, StartOptions.name(Global.of(node).name(globalKey(c.arg(0))))));
        rpc.bind(GLOBAL, "hello", 1, c -> hello(c, Global.of(node).name(globalKey(c.arg(0)))));
    }

    /** Starts a {@link HelloServer} for the caller, linked to it; {@code {:ok, pid}} or {@code {:error, ...}}. */
    private static OtpErlangObject start(RpcCall c, StartOptions options) {
        StartResult r = GenServer.start(new HelloServer(c.arg(0), c.caller()), options);
        return r.toTerm();
    }

    private static OtpErlangObject hello(RpcCall c, ServerRef server) {
        return GenServer.call(server, Terms.atom("hello"));
    }

    /** {@code String.to_atom("#{__MODULE__}_#{id}")}: the seed's way 3. */
    private static String dynamicName(OtpErlangObject id) {
        return DYNAMIC + "_" + (id instanceof com.ericsson.otp.erlang.OtpErlangLong l ? Long.toString(l.longValue())
                : Match.string(id));
    }

    private static Registry registry(Node node) {
        return Registry.find(node, REGISTRY);
    }

    private static OtpErlangObject startRegistry(Node node) {
        Registry running = registry(node);
        if (running != null) {
            return StartResult.alreadyStarted(running.pid()).toTerm();
        }
        return StartResult.ok(Registry.start(node, REGISTRY, Registry.Keys.UNIQUE).pid()).toTerm();
    }

    /** The seed's {@code when is_tuple(key)} guard. */
    private static OtpErlangTuple tupleKey(OtpErlangObject key) {
        return Match.tuple(key);
    }

    private static OtpErlangObject viaTuple(Node node, OtpErlangObject key) {
        return Terms.tuple(Terms.atom("via"), Terms.atom("beambridge_registry"),
                Terms.tuple(Terms.tuple(Terms.atom(REGISTRY), Terms.atom(node.name())), key));
    }

    private static ServerRef viaName(Node node, OtpErlangObject id) {
        Registry r = registry(node);
        if (r == null) {
            throw new IllegalStateException("unknown registry: " + REGISTRY + " (call MyApp.ProcessRegistry.start_link first)");
        }
        return r.name(Terms.tuple(Terms.atom(VIA), id));
    }

    private static OtpErlangObject globalKey(OtpErlangObject id) {
        return Terms.tuple(Terms.atom(GLOBAL), id);
    }
}
