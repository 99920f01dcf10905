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
import io.beambridge.term.Atom;
import io.beambridge.term.Tagged;
import java.util.HashMap;
import java.util.Map;

/**
 * Stock per SKU: {@code {:reserve, sku, n}} answers {@code {:ok, left}} or
 * {@code {:error, :insufficient}}, {@code {:stock, sku}} the count, the cast
 * {@code {:restock, sku, n}} adds. Twin: {@code inventory.ex}.
 */
public final class Inventory implements GenServer<Map<String, Long>> {
    @Tagged public record Reserve(String sku, long n) {}
    @Tagged public record Stock(String sku) {}
    @Tagged public record Restock(String sku, long n) {}

    @Tagged public sealed interface Reserved {
        record Ok(long left) implements Reserved {}
        record Error(Atom reason) implements Reserved {}
    }

    public static ServerRef start(Node node, Map<String, Long> stock) {
        return GenServer.start(node, new Inventory(stock)).orElseThrow();
    }

    public static Reserved reserve(ServerRef inventory, String sku, long n) {
        return GenServer.call(inventory, new Reserve(sku, n), Reserved.class);
    }

    public static long stock(ServerRef inventory, String sku) {
        return GenServer.call(inventory, new Stock(sku), Long.class);
    }

    public static void restock(ServerRef inventory, String sku, long n) {
        GenServer.cast(inventory, new Restock(sku, n));
    }

    private final Map<String, Long> initial;

    public Inventory(Map<String, Long> initial) {
        this.initial = initial;
    }

    @Override
    public Init<Map<String, Long>> init() {
        return Init.ok(new HashMap<>(initial));
    }

    @HandleCall
    Result<Map<String, Long>> reserve(Reserve r, Map<String, Long> stock) {
        long have = stock.getOrDefault(r.sku(), 0L);
        if (have < r.n()) {
            return reply(new Reserved.Error(Atom.of("insufficient")), stock);
        }
        stock.put(r.sku(), have - r.n());
        return reply(new Reserved.Ok(have - r.n()), stock);
    }

    @HandleCall
    Result<Map<String, Long>> stock(Stock s, Map<String, Long> stock) {
        return reply(stock.getOrDefault(s.sku(), 0L), stock);
    }

    @HandleCast
    Result<Map<String, Long>> restock(Restock r, Map<String, Long> stock) {
        stock.merge(r.sku(), r.n(), Long::sum);
        return noreply(stock);
    }
}
