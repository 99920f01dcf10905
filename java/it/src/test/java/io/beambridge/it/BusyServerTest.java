package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection's reader runs the callbacks of the calls it delivers (see
 * {@link io.beambridge.node.NodeOptions#readersRunProcesses}); a callback that computes
 * for a long time, or one that calls another Java server, holds up nothing else the BEAM
 * node asks of the Java node — as on BEAM, where a busy process leaves the other
 * processes running.
 */
class BusyServerTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static Node java;
    static BeamNode ex;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
        ex = cluster.elixir("ex").start();
    }

    /** Computes, without blocking, until released. */
    static final class Spinner implements GenServer<Atom> {
        final AtomicBoolean release = new AtomicBoolean();

        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Atom> handleCall(Term request, From from, Atom state) {
            while (!release.get()) {
                Thread.onSpinWait();
            }
            return Result.reply(Atom.of("spun"), state);
        }
    }

    /** Releases the spinner; or, asked {@code {:via, name, x}}, calls the server {@code name} with x. */
    static final class Releaser implements GenServer<Spinner> {
        final Spinner spinner;

        Releaser(Spinner spinner) {
            this.spinner = spinner;
        }

        @Override
        public Init<Spinner> init() {
            return Init.ok(spinner);
        }

        @Override
        public Result<Spinner> handleCall(Term request, From from, Spinner state) {
            if (request instanceof Term.Tuple t && t.arity() == 3) {
                Atom target = (Atom) t.get(1);
                return Result.reply(GenServer.call(ServerRef.local(java, target), t.get(2)), state);
            }
            state.release.set(true);
            return Result.reply(Atom.of("released"), state);
        }
    }

    @Test
    void aServerComputingInACallbackHoldsUpNoOtherServerTheBeamNodeCalls() {
        Spinner spinner = new Spinner();
        GenServer.start(java, spinner, StartOptions.name(Atom.elixir("Spinner"))).orElseThrow();
        GenServer.start(java, new Releaser(spinner), StartOptions.name(Atom.elixir("Releaser"))).orElseThrow();
        GenServer.start(java, new NetnsJavaNode.Echo(), StartOptions.name(Atom.elixir("Echo"))).orElseThrow();
        try {
            Term result = Elixir.eval(ex, """
                    spinning = Task.async(fn -> GenServer.call({Spinner, java}, :spin, :infinity) end)
                    # the spinner's call is under way once its server stops answering sys requests
                    true = Enum.any?(1..500, fn _ ->
                      try do :sys.get_state({Spinner, java}, 10); false catch :exit, _ -> true end
                    end)
                    nested = GenServer.call({Releaser, java}, {:via, :"Elixir.Echo", :hello}, 5000)
                    released = GenServer.call({Releaser, java}, :release, 5000)
                    {nested, released, Task.await(spinning, 5000)}
                    """, "java", Atom.of(java.name()));
            assertEquals(Term.tuple(Atom.of("hello"), Atom.of("released"), Atom.of("spun")), result,
                    "the other servers answered while the spinner computed; then it answered too");
        } finally {
            spinner.release.set(true);
        }
    }
}
