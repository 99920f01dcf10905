package io.beambridge.gen;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;

/**
 * A process registry usable in {@code {:via, module, name}} names: the contract of
 * Erlang's via modules ({@code register_name/2}, {@code unregister_name/1},
 * {@code whereis_name/1}, {@code send/2}), seen from one node. {@link ServerRef#via}
 * names use it to register, find and message servers; the Java {@code Registry} and
 * {@code :global} implement it.
 *
 * <p>As with Erlang via modules, a registry removes a name itself when the registered
 * process exits; a GenServer unregisters its name only when its init fails.
 * Implementations are thread-safe; their methods may block (a {@code :global}
 * registration is a remote call).
 */
public interface ViaRegistry {

    /** The node this registry is used from: the one whose processes call and start through it. */
    Node node();

    /** The module shown in {@code {:via, Module, Name}} terms (exit reasons, {@code :sys.get_status}). */
    Atom module();

    /** Registers {@code pid} as {@code name}: true for {@code :yes}, false for {@code :no} (taken). */
    boolean registerName(Term name, Pid pid);

    /** Removes {@code name}, if registered. */
    void unregisterName(Term name);

    /** The pid registered as {@code name}, or null ({@code :undefined}). */
    Pid whereisName(Term name);

    /**
     * Sends {@code message} to the process registered as {@code name}, from the calling
     * process (or a temporary one): the default looks the name up and sends to the pid.
     *
     * @throws io.beambridge.node.ExitException {@code {:badarg, {name, message}}} when the
     *     name is not registered, as via modules exit
     */
    default void send(Term name, Term message) {
        Pid pid = whereisName(name);
        if (pid == null) {
            throw new ExitException(Term.tuple(new Atom("badarg"), Term.tuple(name, message)));
        }
        Engine.of(node()).table().asCaller((LocalProc self) -> {
            self.sendRaw(pid, message);
            return null;
        });
    }
}
