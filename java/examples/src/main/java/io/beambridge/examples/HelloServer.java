package io.beambridge.examples;

import static io.beambridge.gen.Result.reply;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.HandleCall;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;

/** The seed's server: state {@code %{id: id}}, replies {@code "hello"} to {@code :hello}. */
public final class HelloServer implements GenServer<HelloServer.State> {
    public record State(Term id) {}

    @Tagged
    public record Hello() {}

    public static StartResult start(Node node, Term id) {
        return GenServer.start(node, new HelloServer(id), StartOptions.DEFAULT);
    }

    public static String hello(ServerRef server) {
        return GenServer.call(server, new Hello(), String.class);
    }

    private final Term id;
    private final Atom module;

    public HelloServer(Term id) {
        this(id, Atom.elixir("MyApp.HelloServer"));
    }

    /** A server that shows itself to Erlang as {@code module}: one of the seed's five. */
    public HelloServer(Term id, Atom module) {
        this.id = id;
        this.module = module;
    }

    @Override
    public Init<State> init() {
        return Init.ok(new State(id));
    }

    @HandleCall
    Result<State> hello(Hello hello, State state) {
        return reply("hello", state);
    }

    @Override
    public Atom module() {
        return module;
    }
}
