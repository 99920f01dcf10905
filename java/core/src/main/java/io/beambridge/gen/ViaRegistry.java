package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;

/**
 * A process registry usable in {@code {:via, Module, Name}} names, the contract of
 * Erlang's via modules: {@code register_name/2}, {@code unregister_name/1},
 * {@code whereis_name/1} and {@code send/2}. {@link ServerRef#via} and
 * {@link ServerRef#global} names use it to register, find and message servers; the
 * Java {@code Registry} and {@code :global} provide implementations.
 *
 * <p>As with Erlang via modules, a registry removes a name itself when the registered
 * process exits (by monitoring it); a GenServer unregisters its name only when its
 * init fails. Implementations must be thread-safe; their methods may block (a
 * {@code :global} registration is a remote call).
 */
public interface ViaRegistry {

    /**
     * The module atom shown in {@code {:via, Module, Name}} terms (in exit reasons and
     * {@code :sys.get_status}), e.g. {@code 'Elixir.Registry'}.
     */
    OtpErlangAtom module();

    /** Registers {@code pid} under {@code name}: true for {@code :yes}, false for {@code :no} (taken). */
    boolean registerName(OtpErlangObject name, OtpErlangPid pid);

    /** Removes {@code name}, if registered. */
    void unregisterName(OtpErlangObject name);

    /** The pid registered under {@code name}, or null ({@code :undefined}). */
    OtpErlangPid whereisName(OtpErlangObject name);

    /**
     * Sends {@code message} to the process registered under {@code name}.
     *
     * @throws io.beambridge.process.ExitException with reason {@code {:badarg, {name, message}}}
     *     when the name is not registered, as via modules exit
     */
    void send(OtpErlangObject name, OtpErlangObject message);
}
