package io.beambridge.it;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.StartOptions;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.internal.runtime.Carrier;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A Java node in a JVM of its own, started by {@link CarrierTest} with or without
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}. It starts a GenServer named
 * {@value #SERVER} that answers every call with the name of the thread its callback
 * ran on ({@code VirtualThread[#n]/runnable@<carrier>}), pings the BEAM node, prints
 * {@code ready carrier=<Carrier.isAvailable()> ping=<pong?>} on stdout and runs until its
 * stdin ends. Logs go to stderr.
 *
 * <p>Arguments: node name, cookie, EPMD port, the BEAM node.
 */
public final class CarrierProbe {
    private CarrierProbe() {}

    static final String SERVER = "carrier_probe";

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        NodeOptions options = NodeOptions.builder(args[0]).cookie(args[1])
                .epmdPort(Integer.parseInt(args[2])).startEpmd(false).build();
        try (Node node = Node.start(options)) {
            GenServer.start(node, new WhereAmI(), StartOptions.name(Atom.of(SERVER)));
            boolean pong = node.ping(args[3]);
            out.println("ready carrier=" + Carrier.isAvailable() + " ping=" + pong);
            while (System.in.read() >= 0) {
                // runs until the test closes our stdin
            }
        }
        System.exit(0);
    }

    /** Replies to every call with the name of the thread that runs the callback. */
    static final class WhereAmI implements GenServer<Term> {
        @Override
        public Init<Term> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Term> handleCall(Term request, From from, Term state) {
            return Result.reply(Thread.currentThread().toString(), state);
        }
    }
}
