package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.beambridge.examples.SeedModules;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every {@code iex>} line of the README's Elixir sessions against a real Elixir
 * node and the demo node, in order, in one process (as the iex shell evaluates them),
 * and compares what iex would print with what the README shows (pids and funs match
 * any pid and fun; spacing is free).
 */
class ReadmeSessionsTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    /** One {@code iex>} expression and the output the README shows for it. */
    record Step(String input, String expected) {}

    static final String SHELL = """
            spawn(fn ->
              loop = fn loop, binding ->
                receive do
                  {:eval, from, code} ->
                    {reply, binding} =
                      try do
                        {value, binding} = Code.eval_string(code, binding)
                        {inspect(value, pretty: true, width: 80), binding}
                      catch
                        kind, reason -> {Exception.format_banner(kind, reason, __STACKTRACE__), binding}
                      end
                    send(from, {:evaluated, reply})
                    loop.(loop, binding)
                end
              end
              loop.(loop, [])
            end)
            """;

    @Test
    void everySessionLineGivesWhatTheReadmeShows() throws IOException {
        List<Step> steps = steps(Files.readString(Path.of(System.getProperty("beambridge.project.dir"), "README.md")));
        assertFalse(steps.isEmpty(), "the README has iex sessions");
        Node java = cluster.javaNode("java");
        SeedModules.bind(java);
        BeamNode iex = cluster.elixir("iex").codePath(System.getProperty("beambridge.erlang.ebin")).start();
        Pid shell = (Pid) Elixir.eval(iex, SHELL);
        try (Proc me = java.mailbox()) {
            for (Step step : steps) {
                String input = step.input().replace("java@localhost", java.name());
                me.send(shell, Term.tuple(Atom.of("eval"), me.self(), input));
                Term answer = me.receive(Duration.ofSeconds(30));
                assertNotNull(answer, "no answer to " + input);
                String printed = ((Term.Tuple) answer).get(1).as(String.class);
                assertEquals(normalize(step.expected().replace("java@localhost", java.name())), normalize(printed),
                        "iex> " + input);
            }
        }
    }

    /** The steps of every {@code ```elixir} block that holds an iex session. */
    static List<Step> steps(String readme) {
        List<Step> steps = new ArrayList<>();
        boolean inBlock = false;
        StringBuilder input = null;
        StringBuilder expected = new StringBuilder();
        for (String line : readme.split("\n")) {
            if (line.startsWith("```")) {
                if (inBlock && input != null) {
                    steps.add(new Step(input.toString(), expected.toString()));
                    input = null;
                }
                inBlock = line.equals("```elixir");
                continue;
            }
            if (!inBlock) {
                continue;
            }
            if (line.startsWith("iex> ")) {
                if (input != null) {
                    steps.add(new Step(input.toString(), expected.toString()));
                }
                input = new StringBuilder(line.substring(5));
                expected = new StringBuilder();
            } else if (line.startsWith("...> ") && input != null) {
                input.append('\n').append(line.substring(5));
            } else if (input != null) {
                expected.append(line).append('\n');
            }
        }
        return steps;
    }

    static String normalize(String printed) {
        return printed.replaceAll("#PID<\\d+\\.\\d+\\.\\d+>", "#PID<>")
                .replaceAll("#Function<[^>]*>", "#Function<>")
                .replaceAll("\\s+", " ").strip();
    }
}
