package io.beambridge.process;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;

/**
 * A signal from one process to another: what a BEAM node's processes exchange, and
 * what the distribution protocol carries between nodes as control messages. Local
 * signals are delivered directly; the node encodes remote ones (see
 * {@code io.beambridge.node.ControlMessages}).
 *
 * <p>Each signal names the node it goes to in {@link #node()}.
 */
public sealed interface Signal {

    /** The name of the node the signal is addressed to. */
    String node();

    /** A message to a pid. {@code from} may be null when the sender is unknown. */
    record Send(OtpErlangPid from, OtpErlangPid to, OtpErlangObject message) implements Signal {
        public String node() { return to.node(); }
    }

    /** A message to a registered name on a node. */
    record RegSend(OtpErlangPid from, String toName, String node, OtpErlangObject message)
            implements Signal {}

    /** A message to an alias (OTP 24 process aliases). */
    record AliasSend(OtpErlangPid from, OtpErlangRef alias, OtpErlangObject message)
            implements Signal {
        public String node() { return alias.node(); }
    }

    /** Creates a link between {@code from} and {@code to}. */
    record Link(OtpErlangPid from, OtpErlangPid to) implements Signal {
        public String node() { return to.node(); }
    }

    /** Removes a link; always answered by {@link UnlinkAck} with the same id. */
    record Unlink(long id, OtpErlangPid from, OtpErlangPid to) implements Signal {
        public String node() { return to.node(); }
    }

    /** Acknowledges an {@link Unlink}. */
    record UnlinkAck(long id, OtpErlangPid from, OtpErlangPid to) implements Signal {
        public String node() { return to.node(); }
    }

    /**
     * An exit signal. {@code viaLink} true: sent because {@code from} died while linked
     * to {@code to} (acts only on an existing link). False: sent by {@code exit/2}
     * (acts always; {@code kill} cannot be trapped).
     */
    record Exit(OtpErlangPid from, OtpErlangPid to, OtpErlangObject reason, boolean viaLink)
            implements Signal {
        public String node() { return to.node(); }
    }

    /**
     * Starts a monitor. {@code target} is a pid or, for a monitor by name, the atom
     * naming a process on {@code node}.
     */
    record Monitor(OtpErlangPid watcher, OtpErlangObject target, String node, OtpErlangRef ref)
            implements Signal {}

    /** Removes a monitor; never answered. */
    record Demonitor(OtpErlangPid watcher, OtpErlangObject target, String node, OtpErlangRef ref)
            implements Signal {}

    /**
     * A monitored process is gone (or never existed: {@code noproc}). {@code target} is
     * what the monitor was set on: the pid, or the name for a monitor by name.
     */
    record MonitorDown(OtpErlangObject target, OtpErlangPid watcher, OtpErlangRef ref,
                       OtpErlangObject reason) implements Signal {
        public String node() { return watcher.node(); }
    }

    /** Sets the group leader of {@code to}. */
    record GroupLeader(OtpErlangPid leader, OtpErlangPid to) implements Signal {
        public String node() { return to.node(); }
    }

    /** A request to spawn {@code module:function(args...)} on {@code node}. */
    record SpawnRequest(OtpErlangRef reqId, OtpErlangPid from, OtpErlangPid groupLeader,
                        String module, String function, int arity, OtpErlangList options,
                        OtpErlangList args, String node) implements Signal {}

    /**
     * The answer to a {@link SpawnRequest}: {@code result} is the new pid or an error
     * atom; {@code flags} 1 = linked, 2 = monitored (with reqId as the monitor ref).
     */
    record SpawnReply(OtpErlangRef reqId, OtpErlangPid to, int flags, OtpErlangObject result)
            implements Signal {
        public String node() { return to.node(); }
    }
}
