package io.beambridge.bench.jmh;

import io.beambridge.bench.EchoServer;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code GenServer.call} between two processes of one Java node: {@code callers}
 * Java processes (virtual threads) call one {@link EchoServer}, as
 * {@code gen_server:call} between processes of one BEAM node. One operation is one
 * call; an invocation spawns the callers and waits for their {@value #BATCH} calls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InNodeCallBench {
    static final int BATCH = 48_000;
    static final Atom HELLO = Atom.of("hello");

    @Param({"1", "16"})
    public int callers;

    private Node node;
    private ServerRef server;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        node = BenchNodes.start("jmh_calls");
        server = GenServer.start(node, new EchoServer()).orElseThrow();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        node.close();
    }

    /** The JVM's CPU time over the calls: secondary results {@code cpuNanos} and {@code calls}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        public long cpuNanos;
        public long calls;

        static long now() {
            return OS.getProcessCpuTime();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void call(Cpu cpu) throws InterruptedException {
        long c0 = Cpu.now();
        run();
        cpu.cpuNanos += Cpu.now() - c0;
        cpu.calls += BATCH;
    }

    private void run() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(callers);
        int each = BATCH / callers;
        for (int c = 0; c < callers; c++) {
            node.spawn(self -> {
                try {
                    for (int i = 0; i < each; i++) {
                        GenServer.call(server, HELLO);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
    }
}
