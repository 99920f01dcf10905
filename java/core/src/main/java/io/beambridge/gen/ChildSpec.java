package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.term.Terms;
import java.util.List;
import java.util.Objects;

/**
 * A supervisor's child specification, as OTP's: an id, the function that starts the
 * child (in the supervisor's process, so a {@link GenServer#startLink} in it links to
 * the supervisor), when to restart it, how to shut it down, and its type.
 *
 * <pre>{@code
 * ChildSpec.worker("cache", () -> GenServer.startLink(new Cache(), StartOptions.name("cache")))
 *          .withRestart(ChildSpec.Restart.TRANSIENT)
 * }</pre>
 *
 * @param id       the child's id, any term (a Java String id becomes an Elixir string)
 * @param start    starts the child and returns its {@link StartResult}
 * @param restart  permanent, transient or temporary
 * @param shutdown brutal kill, a timeout, or infinity
 * @param type     worker or supervisor
 * @param modules  the module names shown by which_children ({@code []} by default)
 */
public record ChildSpec(OtpErlangObject id, Start start, Restart restart, Shutdown shutdown, Type type,
                        List<String> modules) {

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
        public OtpErlangAtom atom() {
            return new OtpErlangAtom(name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A worker or a supervisor. */
    public enum Type {
        WORKER,
        SUPERVISOR;

        /** The Erlang atom. */
        public OtpErlangAtom atom() {
            return new OtpErlangAtom(name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** How a child is stopped: {@code exit(Child, kill)}, or {@code exit(Child, shutdown)} and kill after a timeout (or never). */
    public sealed interface Shutdown {
        /** {@code brutal_kill}. */
        Shutdown BRUTAL_KILL = new BrutalKill();
        /** {@code infinity}: wait for the child however long it takes. */
        Shutdown INFINITY = new Infinity();

        /** Waits {@code millis} after the shutdown signal, then kills. */
        static Shutdown timeout(long millis) {
            return new Timeout(millis);
        }

        /** The Erlang form: {@code brutal_kill}, {@code infinity} or the timeout. */
        OtpErlangObject toTerm();

        record BrutalKill() implements Shutdown {
            public OtpErlangObject toTerm() {
                return new OtpErlangAtom("brutal_kill");
            }
        }

        record Infinity() implements Shutdown {
            public OtpErlangObject toTerm() {
                return new OtpErlangAtom("infinity");
            }
        }

        record Timeout(long millis) implements Shutdown {
            public Timeout {
                if (millis < 0) {
                    throw new IllegalArgumentException("shutdown timeout must be >= 0");
                }
            }

            public OtpErlangObject toTerm() {
                return new OtpErlangLong(millis);
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

    /** A permanent worker with a 5000 ms shutdown; {@code id} is converted with {@link Terms#term}. */
    public static ChildSpec worker(Object id, Start start) {
        return new ChildSpec(Terms.term(id), start, Restart.PERMANENT, Shutdown.timeout(5000), Type.WORKER, List.of());
    }

    /** A permanent supervisor with an infinity shutdown. */
    public static ChildSpec supervisor(Object id, Start start) {
        return new ChildSpec(Terms.term(id), start, Restart.PERMANENT, Shutdown.INFINITY, Type.SUPERVISOR, List.of());
    }

    public ChildSpec withRestart(Restart r) {
        return new ChildSpec(id, start, r, shutdown, type, modules);
    }

    public ChildSpec withShutdown(Shutdown s) {
        return new ChildSpec(id, start, restart, s, type, modules);
    }

    public ChildSpec withModules(String... names) {
        return new ChildSpec(id, start, restart, shutdown, type, List.of(names));
    }

    /** The modules as an Erlang list of atoms. */
    OtpErlangList modulesTerm() {
        return new OtpErlangList(modules.stream().map(OtpErlangAtom::new).toArray(OtpErlangObject[]::new));
    }

    /**
     * The map {@code supervisor:get_childspec/2} returns; the start function shows as
     * {@code {java, <<"ClassName">>, []}} since it is Java code.
     */
    public OtpErlangMap toTerm() {
        OtpErlangMap m = new OtpErlangMap();
        m.put(Terms.atom("id"), id);
        m.put(Terms.atom("start"), Terms.tuple(Terms.atom("java"), start.getClass().getName(), new OtpErlangList()));
        m.put(Terms.atom("restart"), restart.atom());
        m.put(Terms.atom("significant"), Terms.atom("false"));
        m.put(Terms.atom("shutdown"), shutdown.toTerm());
        m.put(Terms.atom("type"), type.atom());
        m.put(Terms.atom("modules"), modulesTerm());
        return m;
    }
}
