package io.beambridge.internal.runtime;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;

/**
 * A signal from one process to another: what a BEAM node's processes exchange, and what
 * the distribution protocol carries between nodes as control messages. Local signals are
 * delivered directly ({@link ProcessTable#deliver}, one exhaustive switch over these
 * records: the signal spec); the distribution layer encodes remote ones.
 *
 * <p>Each signal names the node it goes to in {@link #node()}. A message is a
 * {@link Term}, or, between processes of one node only, a Java object of the runtime's
 * (a GenServer's internal markers); the distribution layer refuses anything else.
 */
public sealed interface Signal {

    /** The name of the node the signal is addressed to. */
    String node();

    /** A message to a pid. {@code from} may be null when the sender is unknown. */
    record Send(Pid from, Pid to, Object message) implements Signal {
        public String node() { return to.node(); }
    }

    /** A message to a registered name on a node. */
    record RegSend(Pid from, Atom toName, String node, Object message) implements Signal {}

    /** A message to an alias (OTP 24 process aliases). */
    record AliasSend(Pid from, Ref alias, Object message) implements Signal {
        public String node() { return alias.node(); }
    }

    /** Creates a link between {@code from} and {@code to}. */
    record Link(Pid from, Pid to) implements Signal {
        public String node() { return to.node(); }
    }

    /** Removes a link; always answered by {@link UnlinkAck} with the same id (-1: the obsolete UNLINK, no ack). */
    record Unlink(long id, Pid from, Pid to) implements Signal {
        public String node() { return to.node(); }
    }

    /** Acknowledges an {@link Unlink}. */
    record UnlinkAck(long id, Pid from, Pid to) implements Signal {
        public String node() { return to.node(); }
    }

    /**
     * An exit signal. {@code viaLink} true: sent because {@code from} died while linked to
     * {@code to} (acts only on an existing link). False: sent by {@code exit/2} (acts
     * always; {@code kill} cannot be trapped).
     */
    record Exit(Pid from, Pid to, Term reason, boolean viaLink) implements Signal {
        public String node() { return to.node(); }
    }

    /** Starts a monitor. {@code target} is a pid or, for a monitor by name, the atom naming a process on {@code node}. */
    record Monitor(Pid watcher, Term target, String node, Ref ref) implements Signal {}

    /** Removes a monitor; never answered. */
    record Demonitor(Pid watcher, Term target, String node, Ref ref) implements Signal {}

    /**
     * A monitored process is gone (or never existed: {@code noproc}). {@code target} is
     * what the monitor was set on: the pid, or the name for a monitor by name.
     */
    record MonitorDown(Term target, Pid watcher, Ref ref, Term reason) implements Signal {
        public String node() { return watcher.node(); }
    }

    /** Sets the group leader of {@code to}. */
    record GroupLeader(Pid leader, Pid to) implements Signal {
        public String node() { return to.node(); }
    }

    /** A request to spawn {@code module:function(args...)} on {@code node}. */
    record SpawnRequest(Ref reqId, Pid from, Pid groupLeader, Atom module, Atom function, int arity,
                        Term.List options, Term.List args, String node) implements Signal {}

    /**
     * The answer to a {@link SpawnRequest}: {@code result} is the new pid or an error atom;
     * {@code flags} 1 = linked, 2 = monitored (with reqId as the monitor ref).
     */
    record SpawnReply(Ref reqId, Pid to, int flags, Term result) implements Signal {
        public String node() { return to.node(); }
    }
}
