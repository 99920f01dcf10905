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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the README's session of the visible mode — its code blocks are fenced
 * {@code ```elixir visible}, which {@link ReadmeSessionsTest} (a hidden demo node) leaves
 * out — line by line against a real Elixir node and the demo node started visible
 * ({@code make run VISIBLE=true}), as {@link ReadmeSessionsTest} runs the others. The
 * README is {@code beambridge.readme}, else the project's README.md.
 */
class ReadmeVisibleSessionTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    @Test
    void theVisibleSessionGivesWhatTheReadmeShows() throws IOException {
        Path readme = Path.of(System.getProperty("beambridge.readme",
                Path.of(System.getProperty("beambridge.project.dir"), "README.md").toString()));
        String text = Files.readString(readme).replace("```elixir\n", "```text\n")
                .replace("```elixir visible\n", "```elixir\n");
        List<ReadmeSessionsTest.Step> steps = ReadmeSessionsTest.steps(text);
        assertFalse(steps.isEmpty(), "the README has a session of the visible mode (```elixir visible)");
        Node java = cluster.javaNode("java", o -> o.visible(true));
        SeedModules.bind(java);
        BeamNode iex = cluster.elixir("iex").codePath(System.getProperty("beambridge.erlang.ebin")).start();
        Pid shell = (Pid) Elixir.eval(iex, ReadmeSessionsTest.SHELL);
        try (Proc me = java.mailbox()) {
            for (ReadmeSessionsTest.Step step : steps) {
                String input = step.input().replace("java@localhost", java.name());
                me.send(shell, Term.tuple(Atom.of("eval"), me.self(), input));
                Term answer = me.receive(Duration.ofSeconds(30));
                assertNotNull(answer, "no answer to " + input);
                String printed = ((Term.Tuple) answer).get(1).as(String.class);
                assertEquals(ReadmeSessionsTest.normalize(step.expected().replace("java@localhost", java.name())),
                        ReadmeSessionsTest.normalize(printed), "iex> " + input);
            }
        }
    }
}
