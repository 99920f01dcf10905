package io.beambridge.bench;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.StartResult;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in a JVM of its own (so that its heap holds nothing else): starts a Java node,
 * then {@code count} idle {@link EchoServer}s with {@link GenServer#start}, from
 * {@code starters} Java processes at once, each waiting for its server's init as
 * {@code gen_server:start/3} does. Prints one line
 * {@code RESULT count=N starters=S start_ms=T bytes=B} where B is the growth of the
 * heap after a full GC. The servers are never stopped; the JVM exits.
 *
 * <p>Arguments: node name, cookie, EPMD port, count, starters.
 */
public final class IdleServers {
    private IdleServers() {}

    public static void main(String[] args) throws Exception {
        String name = args[0];
        String cookie = args[1];
        int epmdPort = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        int starters = Integer.parseInt(args[4]);
        try (Node node = Node.start(NodeOptions.builder(name).cookie(cookie).epmdPort(epmdPort)
                .startEpmd(false).build())) {
            EchoServer server = new EchoServer();
            // warm the start path, then measure from a clean heap
            startAll(node, server, 20_000, starters);
            long before = heapAfterGc();
            long t0 = System.nanoTime();
            startAll(node, server, count, starters);
            long t1 = System.nanoTime();
            long after = heapAfterGc();
            // erlang:system_info(process_count) as a BEAM node asks it (the node's rex answers)
            long processes = Rpc.call(node, node.name(), Atom.of("erlang"), Atom.of("system_info"),
                    Atom.of("process_count")).as(long.class);
            System.out.printf("RESULT count=%d starters=%d start_ms=%.1f bytes=%d processes=%d%n", count, starters,
                    (t1 - t0) / 1e6, after - before, processes);
            System.out.flush();
            Runtime.getRuntime().halt(0); // a million servers need no orderly shutdown
        }
    }

    private static void startAll(Node node, EchoServer server, int count, int starters) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(starters);
        AtomicLong failures = new AtomicLong();
        for (int s = 0; s < starters; s++) {
            int mine = count / starters + (s < count % starters ? 1 : 0);
            node.spawn(self -> {
                try {
                    for (int i = 0; i < mine; i++) {
                        if (!(GenServer.start(node, server) instanceof StartResult.Ok)) {
                            failures.incrementAndGet();
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " servers failed to start");
        }
    }

    static long heapAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
