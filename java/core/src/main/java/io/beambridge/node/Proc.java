package io.beambridge.node;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Java process: a pid, a mailbox with selective receive, links, monitors, aliases,
 * a registered name and {@code trap_exit} — a process of a BEAM node, run by Java code.
 * Erlang and Elixir processes on any connected node see it as one of theirs.
 *
 * <p>The operations are the Erlang BIFs a process calls on itself ({@code send},
 * {@code receive}, {@code link}, {@code monitor}, {@code exit},
 * {@code process_flag(trap_exit, _)}, {@code alias}, {@code register}). They are for the
 * thread that runs the process (its body's virtual thread, a GenServer's callbacks, or
 * the owner of a {@linkplain Node#mailbox() mailbox}); {@code send} may be called from
 * any thread.
 *
 * <p>Exit signals act at once, from whichever thread delivers them: a process killed
 * by a link or by {@code exit/2} is dead for every observer immediately (its links and
 * monitors fire, its name is free). Its own thread learns it at its next operation,
 * which throws {@link ExitException} with the reason; a waiting receive wakes to throw it.
 *
 * <p>Messages between two processes arrive in the order they were sent. Exit signals
 * become {@link Exit} messages when the process traps exits; monitors deliver
 * {@link Down} messages. A message is any Java value {@link Term#of} converts; a bare
 * {@code String} is refused, since it would arrive as an Elixir string where an atom is
 * usually meant: send {@code Atom.of("hello")} for {@code :hello}, or
 * {@code Term.string("hello")} for the string.
 */
public interface Proc extends AutoCloseable {

    /**
     * The process the calling thread runs ({@code self()}): inside a process body, a
     * GenServer callback, or an rpc function; null on any other thread.
     */
    static Proc current() {
        try {
            return (Proc) Impl.CURRENT.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** This process's pid. */
    Pid self();

    /** The node this process runs on. */
    Node node();

    /** True until the process has exited. */
    boolean isAlive();

    /** The exit reason once the process has exited, else null. */
    Term exitReason();

    // ------------------------------------------------------------------ messages

    /** Sends {@code message} to a pid, local or remote ({@code send/2}). */
    void send(Pid to, Object message);

    /** Sends {@code message} to the process registered as {@code name} on this node; dropped when there is none, as on BEAM. */
    void send(Atom name, Object message);

    /** Sends {@code message} to {@code {name, node}}; dropped when there is none, as on BEAM. */
    void send(Atom name, String node, Object message);

    /** Sends {@code message} to an alias; dropped when the alias is not active. */
    void send(Ref alias, Object message);

    /** Waits for the next message, however long it takes. */
    Term receive();

    /** Waits up to {@code timeout} for the next message; null when none came. */
    Term receive(Duration timeout);

    /**
     * Waits up to {@code timeout} ({@link Timeout#INFINITY} for no limit) for the first
     * message {@code accept} takes, leaving the others in their order (selective
     * receive). Null on timeout.
     */
    Term receive(Predicate<? super Term> accept, Duration timeout);

    /**
     * Waits up to {@code timeout} for the first message that reads as {@code type} and
     * that {@code accept} takes: {@code receive(Down.class, d -> d.ref().equals(ref),
     * timeout)}. Null on timeout.
     */
    <T> T receive(Class<T> type, Predicate<? super T> accept, Duration timeout);

    /** The number of messages waiting. */
    int messageCount();

    // ------------------------------------------------------------------ links

    /**
     * Links this process to {@code other} ({@code link/1}). When {@code other} does not
     * exist, this process gets an exit signal {@code :noproc}; when its node cannot be
     * reached, {@code :noconnection}.
     */
    void link(Pid other);

    /** Removes the link to {@code other}, if any ({@code unlink/1}); no exit signal from it arrives after. */
    void unlink(Pid other);

    /** The pids this process is linked to. */
    Set<Pid> links();

    /** Sets {@code process_flag(:trap_exit, on)}; returns the old value. */
    boolean trapExit(boolean on);

    /** True when exit signals arrive as {@link Exit} messages. */
    boolean trapsExits();

    /**
     * Sends an exit signal to {@code target} ({@code exit/2}): {@code :kill} kills it
     * untrappably (reason {@code :killed}), {@code :normal} is ignored unless it traps
     * exits, anything else kills it unless it traps exits.
     */
    void exit(Pid target, Term reason);

    /**
     * Ends this process with {@code reason} ({@code exit/1}): links and monitors fire at
     * once. Always throws {@link ExitException}, which the caller lets leave the body:
     * {@code throw self.exit(reason)}.
     */
    ExitException exit(Term reason);

    // ------------------------------------------------------------------ monitors

    /**
     * Monitors {@code target} ({@code Process.monitor/1}): one {@link Down} arrives when
     * it ends, at once with {@code :noproc} when it does not exist, {@code :noconnection}
     * when its node goes.
     */
    Ref monitor(Pid target);

    /** Monitors the process registered as {@code name} on {@code node}; the Down names {@code {name, node}}. */
    Ref monitor(Atom name, String node);

    /**
     * Removes a monitor ({@code Process.demonitor(ref, [:flush])}): no Down for it
     * arrives after, and one already waiting is removed. True when it was still active.
     */
    boolean demonitor(Ref ref);

    // ------------------------------------------------------------------ aliases and names

    /** Creates an alias ({@code alias/0}): messages sent to it reach this process until {@link #unalias}. */
    Ref alias();

    /** Deactivates an alias; later messages to it are dropped. True if it was active. */
    boolean unalias(Ref alias);

    /**
     * Registers this process as {@code name} on its node ({@code Process.register/2}).
     *
     * @throws IllegalStateException when the name is taken or this process has a name
     */
    void register(Atom name);

    /** Removes this process's registered name, if any. */
    void unregister();

    /** The name this process is registered as, or null. */
    Atom registeredName();

    // ------------------------------------------------------------------ spawning

    /** Spawns a process linked to this one ({@code spawn_link/1}), on this process's node. */
    Proc spawnLink(ProcessBody body);

    /**
     * Ends this process with reason {@code :normal} now (links and monitors fire): what ends
     * a {@linkplain Node#mailbox() mailbox}; a process with a body learns it at its next
     * operation.
     */
    @Override
    void close();
}
