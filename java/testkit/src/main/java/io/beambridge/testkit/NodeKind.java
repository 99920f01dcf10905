package io.beambridge.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Which program starts a BEAM node.
 *
 * <ul>
 *   <li>{@link #ERL}: {@code erl -noshell}: no shell; stdin is read only by the kit's
 *       lifeline (see {@link BeamNodeBuilder#lifeline}).</li>
 *   <li>{@link #ELIXIR}: {@code elixir --no-halt}: Elixir loaded, no shell; stdin as for erl.</li>
 *   <li>{@link #IEX}: {@code iex}: the interactive shell. With stdin a pipe rather than
 *       a terminal, IEx falls back to its line-mode ("dumb") terminal and reads
 *       expressions from the pipe, echoing results to stdout; end of input stops the
 *       node, so the kit keeps stdin open until the node is stopped.</li>
 * </ul>
 */
public enum NodeKind {
    ERL("erl"),
    ELIXIR("elixir"),
    IEX("iex");

    private final String program;

    NodeKind(String program) {
        this.program = program;
    }

    /** The program run when no other executable is given: {@code erl}, {@code elixir} or {@code iex}. */
    public String program() {
        return program;
    }

    /** True for the kinds with Elixir loaded. */
    public boolean isElixir() {
        return this != ERL;
    }

    /**
     * The value of the {@code --erl} option of {@code elixir} and {@code iex}:
     * {@code -start_epmd false}, then {@code erlFlags}, joined by spaces.
     *
     * @throws IllegalArgumentException when a flag is empty or contains whitespace
     *     (elixir splits {@code --erl} on spaces, so such a flag cannot be passed)
     */
    public String erlOption(List<String> erlFlags) {
        List<String> flags = new ArrayList<>(List.of("-start_epmd", "false"));
        for (String f : erlFlags) {
            if (f.isEmpty() || f.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("an erl flag for " + program
                        + " cannot be empty or contain whitespace (elixir splits --erl on spaces): '" + f + "'");
            }
            flags.add(f);
        }
        return String.join(" ", flags);
    }
}
