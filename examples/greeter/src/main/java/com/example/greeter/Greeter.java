package com.example.greeter;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.HandleCall;
import io.beambridge.gen.HandleCast;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Tagged;

/**
 * A GenServer that Elixir calls as {@code GenServer.call({Greeter, :"java@host"}, {:greet, "Ada"})}:
 * it replies {@code "Hello, Ada!"} and counts the greetings ({@code :count}); {@code :crash} makes
 * it crash, to show the crash report.
 */
public final class Greeter implements GenServer<Long> {
    /** The name Elixir calls it by: the module {@code Greeter}. */
    public static final Atom NAME = Atom.elixir("Greeter");

    /** {@code {:greet, name}}. */
    @Tagged public record Greet(String name) {}

    /** {@code :count}. */
    @Tagged public record Count() {}

    /** {@code :crash}. */
    @Tagged public record Crash() {}

    /** {@code :reset}, a cast. */
    @Tagged public record Reset() {}

    /** Starts it on {@code node}, registered as {@code Greeter}. */
    public static ServerRef start(Node node) {
        return GenServer.start(node, new Greeter(), StartOptions.name(NAME)).orElseThrow();
    }

    @Override
    public Init<Long> init() {
        return Init.ok(0L);
    }

    @HandleCall
    Result<Long> greet(Greet g, Long greeted) {
        return Result.reply("Hello, " + g.name() + "!", greeted + 1);
    }

    @HandleCall
    Result<Long> count(Count c, Long greeted) {
        return Result.reply(greeted, greeted);
    }

    @HandleCall
    Result<Long> crash(Crash c, Long greeted) {
        throw new IllegalStateException("asked to crash after " + greeted + " greetings");
    }

    @HandleCast
    Result<Long> reset(Reset r, Long greeted) {
        return Result.noreply(0L);
    }
}
