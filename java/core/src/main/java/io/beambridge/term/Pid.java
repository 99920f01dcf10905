package io.beambridge.term;

import java.util.Objects;

/**
 * A process identifier: of a Java process or of a process on any other node. Equal
 * pids name the same process; a pid of a node's earlier incarnation (another
 * {@code creation}) names no process.
 *
 * @param node     the name of the node the process runs on, {@code alive@host}
 * @param id       the pid's number
 * @param serial   the pid's serial
 * @param creation the incarnation of the node that made it
 */
public record Pid(String node, int id, int serial, int creation) implements Term {
    public Pid {
        Objects.requireNonNull(node, "node");
    }

    /**
     * How the node that owns it prints it: {@code #PID<0.110.0>}, as Elixir's {@code inspect}
     * prints a local pid (the node index of a local pid is 0).
     */
    public String inspectLocal() {
        return "#PID" + pidToListLocal();
    }

    /** Erlang's {@code pid_to_list/1} on the node that owns it: {@code <0.110.0>}. */
    public String pidToListLocal() {
        return "<0." + id + "." + serial + ">";
    }

    /** Elixir's {@code inspect}, with the node in place of its local index: {@code #PID<java@host.110.0>}. */
    @Override
    public String toString() {
        return Inspect.inspect(this);
    }
}
