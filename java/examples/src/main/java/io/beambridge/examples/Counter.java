package io.beambridge.examples;

import static io.beambridge.gen.Result.noreply;
import static io.beambridge.gen.Result.reply;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.HandleCall;
import io.beambridge.gen.HandleCast;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.term.Tagged;

/** A counter: {@code :inc} (a cast) adds one, {@code :get} answers the count. Twin: {@code counter.ex}. */
public final class Counter implements GenServer<Long> {
    @Tagged public record Inc() {}
    @Tagged public record Get() {}

    public static ServerRef start(Node node, long start) {
        return GenServer.start(node, new Counter(start)).orElseThrow();
    }

    public static void inc(ServerRef counter) {
        GenServer.cast(counter, new Inc());
    }

    public static long get(ServerRef counter) {
        return GenServer.call(counter, new Get(), Long.class);
    }

    private final long start;

    public Counter(long start) {
        this.start = start;
    }

    @Override
    public Init<Long> init() {
        return Init.ok(start);
    }

    @HandleCall
    Result<Long> get(Get get, Long count) {
        return reply(count, count);
    }

    @HandleCast
    Result<Long> inc(Inc inc, Long count) {
        return noreply(count + 1);
    }
}
