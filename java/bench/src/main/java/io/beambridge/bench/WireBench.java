package io.beambridge.bench;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The distribution wire, Java → BEAM against BEAM → BEAM (section {@code wire} of the
 * bench): what a small message costs on the socket, and how small calls fare while big
 * messages stream on the same connection.
 *
 * <ul>
 * <li>{@code small_msg_socket_bytes_java} / {@code _beam}: bytes read by B's distribution
 * socket per small cast ({@code gen_server:cast(Pid, {bench, 42})}) from the Java node /
 * from A (20,000 casts in batches of 1,000, each batch followed by a sync call; read with
 * {@code inet:getstat(Port, [recv_oct])}, so only without TLS).</li>
 * <li>{@code p99_small_call_during_64mb_us_java} / {@code _beam}: the p99 of calls to B's echo
 * server from one process of the Java node / of A, while another process of the same node
 * streams 64 MB binaries to a sink process on B, one at a time.</li>
 * </ul>
 */
final class WireBench {
    private WireBench() {}

    private static final Atom BENCH = Atom.of("beambridge_bench");
    private static final Atom HELLO = Atom.of("hello");
    private static final Atom SYNC = Atom.of("sync");
    private static final Atom SYNCED = Atom.of("synced");
    static final int SMALL_CASTS = 20_000;
    static final int BIG = 64 << 20;

    static Map<String, Object> run(BeamNode a, BeamNode b, Node java, Pid echo, long warmMs, long ms)
            throws InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        Term small = Term.tuple(Atom.of("bench"), 42);
        // bytes per small message, at B's socket
        long[] viaA = recvOct(b, a.name(), () -> a.rpc(Duration.ofMinutes(2), BENCH, Atom.of("cast_batches"), echo,
                small, SMALL_CASTS, 1000));
        ServerRef target = ServerRef.of(java, echo);
        long[] viaJava = recvOct(b, java.name(), () -> JavaLoad.once(java, self -> {
            for (int n = 0; n < SMALL_CASTS; n += 1000) {
                for (int i = 0; i < 1000; i++) {
                    GenServer.cast(target, small);
                }
                GenServer.call(target, EchoServer.SYNC, Duration.ofSeconds(60));
            }
        }));
        if (viaA != null && viaJava != null) {
            r.put("small_msg_socket_bytes_beam", (double) viaA[0] / SMALL_CASTS);
            r.put("small_msg_socket_bytes_java", (double) viaJava[0] / SMALL_CASTS);
        }
        // small calls while 64 MB messages stream
        Pid sink = b.rpc(BENCH, Atom.of("start_sink")).as(Pid.class);
        Map<String, Double> beam = BenchMain.asMap(a.rpc(Duration.ofMillis(warmMs + ms + 300_000), BENCH,
                Atom.of("calls_during_stream"), echo, HELLO, sink, BIG, warmMs, ms));
        r.put("call.beam-beam.1.during64mb", new JavaLoad.Outcome(beam.get("count").longValue(),
                beam.getOrDefault("errors", 0.0).longValue(), beam.get("ms"), beam.get("p50_us"), beam.get("p99_us")));
        r.put("p99_small_call_during_64mb_us_beam", beam.get("p99_us"));
        r.put("wire.streamed_64mb_messages_beam", beam.get("streamed"));
        AtomicBoolean streaming = new AtomicBoolean(true);
        Term big = Term.tuple(Atom.of("bench"), new Term.Binary(new byte[BIG]));
        long[] streamed = new long[1];
        Thread streamer = Thread.ofPlatform().name("wire-bench-streamer").start(() -> {
            try {
                JavaLoad.once(java, self -> {
                    while (streaming.get()) {
                        self.send(sink, big);
                        self.send(sink, Term.tuple(SYNC, self.self()));
                        if (self.receive(SYNCED::equals, Duration.ofMinutes(2)) == null) {
                            throw new IllegalStateException("the sink did not answer");
                        }
                        streamed[0]++;
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        JavaLoad.Outcome o;
        try {
            o = JavaLoad.run(java, 1, warmMs, ms, true, self -> GenServer.call(target, HELLO));
        } finally {
            streaming.set(false);
            streamer.join(Duration.ofMinutes(2));
        }
        r.put("call.java-beam.1.during64mb", o);
        r.put("p99_small_call_during_64mb_us_java", o.p99us());
        r.put("wire.streamed_64mb_messages_java", (double) streamed[0]);
        b.rpc(Atom.of("erlang"), Atom.of("exit"), sink, Atom.of("kill"));
        return r;
    }

    /** B's recv_oct on its connection to {@code peer} around {@code load}: the bytes it read; null under TLS. */
    private static long[] recvOct(BeamNode b, String peer, Load load) throws InterruptedException {
        Long before = recvOct(b, peer);
        load.run();
        Long after = recvOct(b, peer);
        return before == null || after == null ? null : new long[] {after - before};
    }

    @FunctionalInterface
    private interface Load {
        void run() throws InterruptedException;
    }

    private static Long recvOct(BeamNode b, String peer) {
        Term r = b.eval("case lists:keyfind('" + peer + "', 1, erlang:system_info(dist_ctrl)) of "
                + "{_, P} when is_port(P) -> {ok, [{recv_oct, R}]} = inet:getstat(P, [recv_oct]), R; _ -> none end.");
        return r instanceof Term.Int i ? i.value() : null;
    }
}
