package io.beambridge.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of one node in a Micrometer registry. Every meter is tagged {@code node}. Tags
 * taken from names at run time (servers, supervisors) keep at most {@value #MAX_NAMES}
 * values per meter; later names count under {@code other}. Loaded only when a registry is
 * given ({@link NodeMetrics#of}).
 */
final class MicrometerMetrics implements NodeMetrics {
    private static final Logger log = LoggerFactory.getLogger(MicrometerMetrics.class);
    /** The most distinct names a meter tags by; more count under {@code other}. */
    static final int MAX_NAMES = 100;
    static final String OTHER = "other";
    static final String UNNAMED = "unnamed";
    /** How often mailbox depths are sampled. */
    static final long SAMPLE_SECONDS = 5;

    private final MeterRegistry registry;
    private final Tags common;
    private final String nodeName;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    /** Per name (the caller's object, an atom): its tag and meter; at most MAX_NAMES names, then OTHER_NAME's. */
    private final ConcurrentHashMap<Object, Named<Timer>> served = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Named<Timer[]>> made = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Named<Counter>> restarts = new ConcurrentHashMap<>();
    private static final Object NO_NAME = new Object();
    private static final Object OTHER_NAME = new Object();

    private record Named<M>(String tag, M meter) {}
    private volatile ScheduledExecutorService sampler;

    private MicrometerMetrics(MeterRegistry registry, String nodeName) {
        this.registry = registry;
        this.nodeName = nodeName;
        this.common = Tags.of("node", nodeName);
    }

    static NodeMetrics create(Object registry, String nodeName) {
        if (!(registry instanceof MeterRegistry r)) {
            throw new IllegalArgumentException("not a Micrometer MeterRegistry: " + registry.getClass().getName());
        }
        return new MicrometerMetrics(r, nodeName);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    // ------------------------------------------------------------------ peers

    /** A peer's totals: what its closed connections counted plus what the open one has counted so far. */
    private static final class Peer {
        private PeerCounters current;
        private long bytesIn;
        private long bytesOut;
        private long messagesIn;
        private long messagesOut;
        private long busyWaits;

        synchronized double connected() {
            return current == null ? 0 : 1;
        }

        synchronized double total(ToDoubleFunction<PeerCounters> now, long base) {
            return base + (current == null ? 0 : now.applyAsDouble(current));
        }

        synchronized double queued() {
            return current == null ? 0 : current.queuedBytes();
        }

        synchronized void up(PeerCounters c) {
            if (current != null) {
                down(current);
            }
            current = c;
        }

        synchronized void down(PeerCounters c) {
            if (current != c) {
                return;
            }
            bytesIn += c.bytesIn();
            bytesOut += c.bytesOut();
            messagesIn += c.messagesIn();
            messagesOut += c.messagesOut();
            busyWaits += c.busyWaits();
            current = null;
        }
    }

    @Override
    public void connected(String peer, PeerCounters counters) {
        peers.computeIfAbsent(peer, this::peerMeters).up(counters);
    }

    @Override
    public void disconnected(String peer, PeerCounters counters) {
        Peer p = peers.get(peer);
        if (p != null) {
            p.down(counters);
        }
    }

    private Peer peerMeters(String name) {
        Peer p = new Peer();
        Tags tags = common.and("peer", name);
        meters.add(Gauge.builder("beambridge.peer.connected", p, Peer::connected).tags(tags)
                .description("1 while a connection to the peer is up").register(registry));
        meters.add(FunctionCounter.builder("beambridge.peer.received", p, x -> x.total(PeerCounters::bytesIn, x.bytesIn))
                .tags(tags).baseUnit("bytes").description("bytes read from the peer").register(registry));
        meters.add(FunctionCounter.builder("beambridge.peer.sent", p, x -> x.total(PeerCounters::bytesOut, x.bytesOut))
                .tags(tags).baseUnit("bytes").description("bytes written to the peer").register(registry));
        meters.add(FunctionCounter.builder("beambridge.peer.messages.received", p,
                        x -> x.total(PeerCounters::messagesIn, x.messagesIn))
                .tags(tags).description("distribution packets read from the peer (ticks excluded)").register(registry));
        meters.add(FunctionCounter.builder("beambridge.peer.messages.sent", p,
                        x -> x.total(PeerCounters::messagesOut, x.messagesOut))
                .tags(tags).description("distribution packets written to the peer").register(registry));
        meters.add(Gauge.builder("beambridge.peer.queued", p, Peer::queued).tags(tags).baseUnit("bytes")
                .description("bytes queued for the peer, not written yet").register(registry));
        meters.add(FunctionCounter.builder("beambridge.peer.busy.waits", p, x -> x.total(PeerCounters::busyWaits, x.busyWaits))
                .tags(tags).description("times a sender waited because the peer's queue was over the busy limit")
                .register(registry));
        return p;
    }

    // ------------------------------------------------------------------ node

    @Override
    public AutoCloseable gauge(String name, String description, DoubleSupplier value, String... tags) {
        Gauge g = Gauge.builder(name, value, DoubleSupplier::getAsDouble).tags(common.and(tags)).description(description).strongReference(true)
                .register(registry);
        meters.add(g);
        return () -> {
            registry.remove(g);
            meters.remove(g);
        };
    }

    @Override
    public void mailboxDepths(Consumer<IntConsumer> source) {
        DistributionSummary depths = DistributionSummary.builder("beambridge.process.mailbox.depth").tags(common)
                .baseUnit("messages").serviceLevelObjectives(1, 10, 100, 1000, 10000)
                .description("messages waiting in each process's mailbox, every process sampled every "
                        + SAMPLE_SECONDS + " s")
                .register(registry);
        meters.add(depths);
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "beambridge-metrics-" + nodeName);
            t.setDaemon(true);
            return t;
        });
        sampler = s;
        s.scheduleAtFixedRate(() -> {
            try {
                source.accept(depths::record);
            } catch (RuntimeException e) {
                log.warn("sampling mailbox depths failed", e);
            }
        }, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void callServed(Object server, long nanos) {
        named(served, server, tag -> register(Timer.builder("beambridge.calls.served").tags(common.and("server", tag))
                .description("time in handle_call, per server name").register(registry)))
                .meter().record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void callMade(Object server, Outcome outcome, long nanos) {
        Named<Timer[]> byOutcome = named(made, server, tag -> new Timer[Outcome.values().length]);
        Timer t = byOutcome.meter()[outcome.ordinal()];
        if (t == null) { // racing threads register the same meter: Micrometer gives both the one
            t = register(Timer.builder("beambridge.calls.made").tags(common.and("server", byOutcome.tag(),
                            "outcome", outcome.tag))
                    .description("calls made by this node's processes, from the request to the reply or exit")
                    .register(registry));
            byOutcome.meter()[outcome.ordinal()] = t;
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void restart(Object supervisor) {
        named(restarts, supervisor, tag -> register(Counter.builder("beambridge.supervisor.restarts")
                .tags(common.and("supervisor", tag)).description("children restarted, per supervisor")
                .register(registry))).meter().increment();
    }

    /**
     * The tag and meter of {@code name} in {@code meters}, made by {@code make} (given the tag)
     * on first use; names past {@value #MAX_NAMES} share {@code other}'s. The usual path is one
     * map lookup, with no allocation.
     */
    private static <M> Named<M> named(ConcurrentHashMap<Object, Named<M>> meters, Object name,
                                      java.util.function.Function<String, M> make) {
        Object key = name == null ? NO_NAME : name;
        Named<M> m = meters.get(key);
        if (m != null) {
            return m;
        }
        Object k = meters.size() >= MAX_NAMES ? OTHER_NAME : key; // racing threads may pass a few more: still bounded
        return meters.computeIfAbsent(k, x -> {
            String tag = k == NO_NAME ? UNNAMED : k == OTHER_NAME ? OTHER : k.toString();
            return new Named<>(tag, make.apply(tag));
        });
    }

    private <M extends Meter> M register(M m) {
        meters.add(m);
        return m;
    }

    @Override
    public void close() {
        ScheduledExecutorService s = sampler;
        if (s != null) {
            s.shutdownNow();
        }
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
