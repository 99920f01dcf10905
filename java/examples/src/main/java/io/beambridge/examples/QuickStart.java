package io.beambridge.examples;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.registry.Registry;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;

/**
 * The README's Java example, compiled with the project: a node, a GenServer found the
 * five ways, a call to an Elixir node. {@code main(elixirNode)} runs it.
 */
public final class QuickStart {
    private QuickStart() {}

    /** Counts; {@code :get} answers the count, {@code :inc} adds one. */
    record Counter(long start) implements GenServer<Long> {
        @Override
        public Init<Long> init() {
            return Init.ok(start);
        }

        @Override
        public Result<Long> handleCall(OtpErlangObject request, From from, Long count) throws Exception {
            if (Match.isAtom(request, "get")) {
                return Result.reply(count, count);
            }
            return GenServer.super.handleCall(request, from, count);
        }

        @Override
        public Result<Long> handleCast(OtpErlangObject request, Long count) throws Exception {
            if (Match.isAtom(request, "inc")) {
                return Result.noreply(count + 1);
            }
            return GenServer.super.handleCast(request, count);
        }
    }

    public static void main(String[] args) throws Exception {
        try (Node node = Node.start(NodeOptions.builder("java@localhost").build())) {
            // 1. by pid
            var pid = GenServer.start(node, new Counter(0), StartOptions.defaults()).pid();
            GenServer.cast(node, ServerRef.of(pid), Terms.atom("inc"));
            long one = Match.integer(GenServer.call(node, ServerRef.of(pid), Terms.atom("get")));

            // 2. by a local name: GenServer.call({Counter, :"java@localhost"}, :get) from Elixir
            GenServer.start(node, new Counter(10), StartOptions.name("Elixir.Counter"));

            // 4. in a registry, under a composite key
            Registry registry = Registry.start(node, "Elixir.MyApp.Registry", Registry.Keys.UNIQUE);
            GenServer.start(node, new Counter(20), StartOptions.name(registry.name(Terms.tuple(Terms.atom("counter"), 7))));

            // 5. under a :global name, once connected to a visible node
            if (args.length > 0 && node.connect(args[0])) {
                GenServer.start(node, new Counter(30), StartOptions.name(Global.of(node).name(Terms.atom("counter"))));
                // and calling an Elixir server by {name, node}
                GenServer.call(node, ServerRef.remote("Elixir.MyApp.Server", args[0]), Terms.atom("hello"));
            }
            System.out.println("count " + one);
        }
    }
}
