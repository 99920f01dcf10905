package io.beambridge.gen;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A supervisor's child specification, as OTP's: an id, the function that starts the
 * child (in the supervisor's process, so a {@link GenServer#startLink} in it links to
 * the supervisor), when to restart it, how to shut it down, and its type.
 *
 * <pre>{@code
 * ChildSpec.worker(Atom.of("cache"), () -> GenServer.startLink(node, new Cache(), StartOptions.name(CACHE)))
 *          .withRestart(ChildSpec.Restart.TRANSIENT)
 * }</pre>
 *
 * @param id       the child's id, any term ({@link Term#of}: a Java String id is an Elixir string)
 * @param start    starts the child and returns its {@link StartResult}
 * @param restart  permanent, transient or temporary
 * @param shutdown brutal kill, a timeout, or infinity
 * @param type     worker or supervisor
 * @param modules  the modules shown by which_children ({@code []} by default)
 */
public record ChildSpec(Term id, Start start, Restart restart, Shutdown shutdown, Type type,
                        List<Atom> modules) {

    /** Starts a child; runs in the supervisor's process. A throw counts as {@code {:error, reason}}. */
    @FunctionalInterface
    public interface Start {
        StartResult start() throws Exception;
    }

    /** When a child that ended is restarted. */
    public enum Restart {
        /** Always. */
        PERMANENT,
        /** Only when it ended abnormally (not normal, shutdown or {shutdown, _}). */
        TRANSIENT,
        /** Never; it is forgotten when it ends. */
        TEMPORARY;

        /** The Erlang atom. */
        public Atom atom() {
            return new Atom(name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A worker or a supervisor. */
    public enum Type {
        WORKER,
        SUPERVISOR;

        /** The Erlang atom. */
        public Atom atom() {
            return new Atom(name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** How a child is stopped: {@code exit(Child, kill)}, or {@code exit(Child, shutdown)} and kill after a timeout (or never). */
    public sealed interface Shutdown {
        /** {@code brutal_kill}. */
        Shutdown BRUTAL_KILL = new BrutalKill();
        /** {@code infinity}: wait for the child however long it takes. */
        Shutdown INFINITY = new Infinity();

        /** Waits {@code timeout} after the shutdown signal, then kills. */
        static Shutdown timeout(Duration timeout) {
            return new Timeout(timeout);
        }

        /** The Erlang form: {@code brutal_kill}, {@code infinity} or the timeout in milliseconds. */
        Term toTerm();

        record BrutalKill() implements Shutdown {
            public Term toTerm() {
                return new Atom("brutal_kill");
            }
        }

        record Infinity() implements Shutdown {
            public Term toTerm() {
                return Atom.INFINITY;
            }
        }

        record Timeout(Duration timeout) implements Shutdown {
            public Timeout {
                if (timeout.isNegative()) {
                    throw new IllegalArgumentException("shutdown timeout must be >= 0");
                }
            }

            public Term toTerm() {
                return Term.Int.of(timeout.toMillis());
            }
        }
    }

    public ChildSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(type, "type");
        modules = List.copyOf(modules);
    }

    /** A permanent worker with a 5 s shutdown; {@code id} is converted with {@link Term#of}. */
    public static ChildSpec worker(Object id, Start start) {
        return new ChildSpec(Term.of(id), start, Restart.PERMANENT, Shutdown.timeout(Duration.ofSeconds(5)),
                Type.WORKER, List.of());
    }

    /** A permanent supervisor with an infinity shutdown. */
    public static ChildSpec supervisor(Object id, Start start) {
        return new ChildSpec(Term.of(id), start, Restart.PERMANENT, Shutdown.INFINITY, Type.SUPERVISOR, List.of());
    }

    public ChildSpec withRestart(Restart r) {
        return new ChildSpec(id, start, r, shutdown, type, modules);
    }

    public ChildSpec withShutdown(Shutdown s) {
        return new ChildSpec(id, start, restart, s, type, modules);
    }

    public ChildSpec withModules(Atom... names) {
        return new ChildSpec(id, start, restart, shutdown, type, List.of(names));
    }

    /** The modules as an Erlang list of atoms. */
    Term.List modulesTerm() {
        return Term.List.of(modules);
    }

    /**
     * The map {@code supervisor:get_childspec/2} returns; the start function shows as
     * {@code {java, <<"ClassName">>, []}} since it is Java code.
     */
    public Term.Map toTerm() {
        Map<Term, Term> m = new LinkedHashMap<>();
        m.put(new Atom("id"), id);
        m.put(new Atom("start"), Term.tuple(new Atom("java"), Term.string(start.getClass().getName()), Term.List.EMPTY));
        m.put(new Atom("restart"), restart.atom());
        m.put(new Atom("significant"), Atom.FALSE);
        m.put(new Atom("shutdown"), shutdown.toTerm());
        m.put(new Atom("type"), type.atom());
        m.put(new Atom("modules"), modulesTerm());
        return Term.Map.of(m);
    }
}
