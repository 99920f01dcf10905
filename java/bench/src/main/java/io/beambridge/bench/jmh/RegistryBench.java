package io.beambridge.bench.jmh;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code Registry.lookup} of random keys {@code {key, I}} in a unique-key Java
 * registry holding {@code bench.registryKeys} keys (default 1,000,000), from one
 * thread and from two, as {@code Registry.lookup/2} on a BEAM node. The key tuple is
 * made per lookup, as the Erlang side does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RegistryBench {
    static final Atom KEY = Atom.of("key");

    private Node node;
    private Proc owner;
    private Registry registry;
    private int keys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keys = Integer.getInteger("bench.registryKeys", 1_000_000);
        node = BenchNodes.start("jmh_registry");
        registry = Registry.start(node, Atom.elixir("BenchRegistry"), Registry.Keys.UNIQUE);
        owner = node.mailbox();
        Pid pid = owner.self();
        for (int i = 1; i <= keys; i++) {
            registry.register(key(i), pid, Atom.NIL);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        node.close();
    }

    static Term key(int i) {
        return Term.Tuple.of(KEY, Term.Int.of(i));
    }

    private List<Registry.Entry> lookup() {
        List<Registry.Entry> l = registry.lookup(key(ThreadLocalRandom.current().nextInt(keys) + 1));
        if (l.size() != 1) {
            throw new IllegalStateException("lookup found " + l);
        }
        return l;
    }

    @Benchmark
    @Threads(1)
    public List<Registry.Entry> lookup1() {
        return lookup();
    }

    @Benchmark
    @Threads(2)
    public List<Registry.Entry> lookup2() {
        return lookup();
    }
}
