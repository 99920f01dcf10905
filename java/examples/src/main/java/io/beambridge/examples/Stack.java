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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The Stack of Elixir's GenServer documentation; its twin is {@code src/main/elixir/stack.ex}. */
public final class Stack implements GenServer<List<String>> {
    @Tagged public record Pop() {}
    @Tagged public record Push(String element) {}

    // Client

    public static ServerRef start(Node node, String elements) {
        return GenServer.start(node, new Stack(elements)).orElseThrow();
    }

    public static void push(ServerRef stack, String element) {
        GenServer.cast(stack, new Push(element));
    }

    public static String pop(ServerRef stack) {
        return GenServer.call(stack, new Pop(), String.class);
    }

    // Server (callbacks)

    private final String elements;

    public Stack(String elements) {
        this.elements = elements;
    }

    @Override
    public Init<List<String>> init() {
        return Init.ok(new ArrayList<>(Arrays.stream(elements.split(",")).filter(e -> !e.isEmpty()).toList()));
    }

    @HandleCall
    Result<List<String>> pop(Pop pop, List<String> stack) {
        return reply(stack.removeFirst(), stack);
    }

    @HandleCast
    Result<List<String>> push(Push push, List<String> stack) {
        stack.addFirst(push.element());
        return noreply(stack);
    }
}
