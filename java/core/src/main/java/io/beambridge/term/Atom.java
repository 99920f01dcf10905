package io.beambridge.term;

import java.util.Objects;

/**
 * An Erlang atom: {@code :ok}, {@code nil}, {@code MyApp.Server} (the atom
 * {@code Elixir.MyApp.Server}).
 *
 * <p>Atoms are a type of their own, never a {@link String}: a Java {@code String} is an
 * Elixir string (a binary), so {@code "get"} and {@code Atom.of("get")} are different
 * terms, as {@code "get"} and {@code :get} are in Elixir. Every API that needs an atom
 * (a process name, a module, a request tag) takes an {@code Atom}.
 *
 * <p>Atoms are not interned on the Java side and cost nothing to make; they are never
 * collected on BEAM nodes, so do not make one per request or per id (use a composite
 * key in a registry instead).
 *
 * @param name the atom's text, at most 255 characters
 */
public record Atom(String name) implements Term {
    public static final Atom OK = new Atom("ok");
    public static final Atom ERROR = new Atom("error");
    public static final Atom TRUE = new Atom("true");
    public static final Atom FALSE = new Atom("false");
    /** {@code nil}: Elixir's null, and how a Java {@code null} is sent. */
    public static final Atom NIL = new Atom("nil");
    public static final Atom UNDEFINED = new Atom("undefined");
    public static final Atom NORMAL = new Atom("normal");
    public static final Atom SHUTDOWN = new Atom("shutdown");
    public static final Atom KILL = new Atom("kill");
    public static final Atom KILLED = new Atom("killed");
    public static final Atom NOPROC = new Atom("noproc");
    public static final Atom NOCONNECTION = new Atom("noconnection");
    public static final Atom NODEDOWN = new Atom("nodedown");
    public static final Atom TIMEOUT = new Atom("timeout");
    public static final Atom INFINITY = new Atom("infinity");
    public static final Atom YES = new Atom("yes");
    public static final Atom NO = new Atom("no");
    public static final Atom PROCESS = new Atom("process");
    public static final Atom EXIT = new Atom("EXIT");
    public static final Atom DOWN = new Atom("DOWN");

    public Atom {
        Objects.requireNonNull(name, "name");
        if (name.codePointCount(0, name.length()) > 255) {
            throw new IllegalArgumentException("an atom has at most 255 characters: " + name.length() + " given");
        }
    }

    /** The atom {@code name}. */
    public static Atom of(String name) {
        return new Atom(name);
    }

    /**
     * The atom of the Elixir module {@code module}: {@code Atom.elixir("MyApp.Server")} is
     * {@code :"Elixir.MyApp.Server"}, which Elixir writes {@code MyApp.Server}.
     */
    public static Atom elixir(String module) {
        if (module.startsWith("Elixir.")) {
            throw new IllegalArgumentException(module + " already starts with Elixir.; use Atom.of");
        }
        return new Atom("Elixir." + module);
    }

    /** True when this is the atom {@code name}. */
    public boolean is(String name) {
        return this.name.equals(name);
    }

    /** Elixir's {@code inspect}: {@code :ok}, {@code nil}, {@code MyApp.Server}, {@code :"odd name"}. */
    @Override
    public String toString() {
        return Inspect.inspect(this);
    }
}
