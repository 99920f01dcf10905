package io.beambridge.testkit;

import java.util.List;
import java.util.OptionalInt;

/**
 * A BEAM node did not come up: the program could not be started, it exited during
 * start, or it did not answer a ping within the start timeout. By the time this is
 * thrown, everything that start created (the OS process and its descendants) is gone.
 *
 * <p>The message carries the command line, the exit status and what the node wrote
 * to stdout and stderr; the same are available from the accessors.
 */
public class NodeStartException extends RuntimeException {
    private final String node;
    private final long pid;
    private final List<String> command;
    private final transient OptionalInt exitCode;
    private final String output;

    public NodeStartException(String node, long pid, List<String> command, OptionalInt exitCode, String output,
                              String why, Throwable cause) {
        super(message(node, command, exitCode, output, why), cause);
        this.node = node;
        this.pid = pid;
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.output = output;
    }

    private static String message(String node, List<String> command, OptionalInt exitCode, String output,
                                  String why) {
        StringBuilder sb = new StringBuilder("node ").append(node).append(" did not start: ").append(why);
        sb.append("\n  command: ").append(String.join(" ", command));
        exitCode.ifPresent(c -> sb.append("\n  exit status: ").append(c));
        sb.append("\n  output:");
        if (output.isBlank()) {
            sb.append(" (none)");
        } else {
            String shown = output.length() > 8000 ? "[...]" + output.substring(output.length() - 8000) : output;
            for (String line : shown.strip().split("\n")) {
                sb.append("\n    | ").append(line);
            }
        }
        return sb.toString();
    }

    /** The name the node was to have. */
    public String node() {
        return node;
    }

    /** The pid of the process that was started (and is gone now), or -1 when none could be. */
    public long pid() {
        return pid;
    }

    /** The command line that was run. */
    public List<String> command() {
        return command;
    }

    /** The exit status of the process: its own when it exited, 137 when the kit killed it; empty when none ran. */
    public OptionalInt exitCode() {
        return exitCode;
    }

    /** What the process wrote to stdout and stderr. */
    public String output() {
        return output;
    }
}
