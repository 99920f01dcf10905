/**
 * A Java node and its processes.
 *
 * <p>{@link io.beambridge.node.Node} starts a node that BEAM nodes see as a (hidden) Erlang
 * node: it registers with EPMD, accepts and makes connections, and serves
 * {@code net_kernel} and {@code rex}. Its processes ({@link io.beambridge.node.Proc}) have
 * pids, mailboxes with selective receive, links, monitors, aliases and names, as BEAM's do;
 * Erlang and Elixir processes on any connected node link to, monitor and message them.
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="processes"}
 *
 * <p>Exits are {@link io.beambridge.node.ExitException}s carrying the Erlang reason;
 * monitors deliver {@link io.beambridge.node.Down}, trapped exits
 * {@link io.beambridge.node.Exit}, node monitors {@link io.beambridge.node.NodeUp} and
 * {@link io.beambridge.node.NodeDown}. Timeouts are {@link java.time.Duration}s, with
 * {@link io.beambridge.node.Timeout#INFINITY}.
 *
 * <p>How a node starts — name, cookie, EPMD, TLS, the release environment variables
 * ({@code RELEASE_NODE}, {@code RELEASE_COOKIE}, ...) — is {@link io.beambridge.node.NodeOptions}.
 */
package io.beambridge.node;
