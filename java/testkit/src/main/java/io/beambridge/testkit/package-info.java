/**
 * Real erl, elixir and iex nodes, and beambridge Java nodes, for JUnit 5 tests.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BeamCluster cluster = BeamCluster.create();
 *
 * @Test
 * void talks() {
 *     BeamNode erl = cluster.erl("a").start();              // erl -sname a_<suffix>@localhost ...
 *     BeamNode ex = cluster.elixir("b").codePath(ebin).start();
 *     Node java = cluster.javaNode("j");                     // a beambridge Node on the same EPMD
 *     assertEquals(Term.integer(2), erl.eval("1 + 1"));                       // terms: io.beambridge.term
 *     assertEquals(6L, ex.evalElixir("Enum.sum([1, 2, 3])").as(long.class));
 *     assertEquals("OK", ex.rpc(Atom.elixir("String"), Atom.of("upcase"), "ok").as(String.class));
 *     assertTrue(java.ping(erl.name()));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.beambridge.testkit.BeamCluster}: the extension; one private EPMD, a
 *       cookie, node builders, cleanup after each test and class.</li>
 *   <li>{@link io.beambridge.testkit.BeamNodeBuilder}: name, cookie, code path, flags,
 *       arguments, environment, hidden, prefix command, timeouts.</li>
 *   <li>{@link io.beambridge.testkit.BeamNode}: a running node: {@code rpc},
 *       {@code eval}, {@code evalElixir}, output, stdin, {@code stop}, {@code kill}.</li>
 *   <li>{@link io.beambridge.testkit.NodeCalls}: rpc and eval on one node, also one the kit
 *       did not start ({@link io.beambridge.testkit.BeamCluster#calls}).</li>
 *   <li>{@link io.beambridge.testkit.NodeKind}: erl, elixir or iex.</li>
 *   <li>{@link io.beambridge.testkit.RpcException}, {@link io.beambridge.testkit.NodeStartException}:
 *       what fails, with the error term or the node's output.</li>
 *   <li>{@link io.beambridge.testkit.EpmdClient}: which names an EPMD has, and their ports.</li>
 *   <li>{@link io.beambridge.testkit.OsProcesses}: "still running" as the kit judges it.</li>
 *   <li>{@code io.beambridge.testkit.docker.BeamContainer}: an erl or elixir node in a
 *       Docker container that joins a cluster (needs the optional Testcontainers dependency).</li>
 * </ul>
 *
 * <h2>iex</h2>
 * {@code iex} runs with its stdin a pipe that the kit holds open. With no terminal, IEx
 * falls back to its line-mode shell: it reads expressions from the pipe
 * ({@link io.beambridge.testkit.BeamNode#writeStdin}) and prints prompts and results to
 * stdout; end of input halts the node, so the pipe stays open until the node is
 * stopped. The kit adds {@code --dot-iex ""} so no {@code .iex.exs} of the user is
 * loaded. No pseudo-terminal and no {@code -noinput} are needed.
 *
 * <h2>What can be left behind</h2>
 * Nothing, when tests end normally, fail, or the JVM exits or is stopped by a signal it
 * can handle (a shutdown hook kills what is left). If the JVM dies by SIGKILL, erl and
 * elixir nodes halt by their lifeline (end of stdin, see
 * {@link io.beambridge.testkit.BeamNodeBuilder#lifeline}) and iex nodes by end of input;
 * only the cluster's EPMD, an idle process on a random port, outlives it.
 *
 * <h2>Other Erlang/OTP versions</h2>
 * {@link io.beambridge.testkit.BeamNodeBuilder#prefix} (or
 * {@link io.beambridge.testkit.BeamCluster.Builder#prefix} for every node) runs the
 * program through a command, for example {@code chroot ROOT} for an OTP installed in a
 * Debian root: the nodes there share the host's loopback and the cluster's EPMD. The
 * prefix must exec the program, so that the process the kit started is the BEAM.
 */
package io.beambridge.testkit;
