/**
 * OTP's generic behaviours for Java processes, shaped as Elixir's: {@link
 * io.beambridge.gen.GenServer} (callbacks and client API), {@link
 * io.beambridge.gen.Supervisor}, {@link io.beambridge.gen.DynamicSupervisor}, and the
 * {@code sys} protocol ({@link io.beambridge.gen.Sys}), interoperating with BEAM nodes in
 * both directions.
 *
 * <p>A server declares a record per kind of request and a clause per record, as an Elixir
 * module declares function heads:
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="stack"}
 *
 * <p>Clients call it through a {@link io.beambridge.gen.ServerRef}, a handle that knows
 * its node, the same way from a process and from plain Java code:
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="client"}
 *
 * <p>Starting returns a {@link io.beambridge.gen.StartResult} to take apart:
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="start-results"}
 *
 * <p>Failures are Elixir's exits:
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="exits"}
 *
 * <ul>
 *   <li>A server: {@link io.beambridge.gen.GenServer}, its clauses
 *       ({@link io.beambridge.gen.HandleCall}, {@link io.beambridge.gen.HandleCast},
 *       {@link io.beambridge.gen.HandleInfo}, {@link io.beambridge.gen.HandleContinue}), what
 *       they return ({@link io.beambridge.gen.Init}, {@link io.beambridge.gen.Result},
 *       {@link io.beambridge.gen.Next}), the caller of a call ({@link io.beambridge.gen.From}).
 *   <li>Reaching and naming a server: {@link io.beambridge.gen.ServerRef} (pid, local name,
 *       {@code {name, node}}, via, global) and {@link io.beambridge.gen.ViaRegistry}.
 *   <li>Starting: {@link io.beambridge.gen.StartOptions}, {@link io.beambridge.gen.StartResult}.
 *   <li>Supervision: {@link io.beambridge.gen.ChildSpec}, {@link io.beambridge.gen.SupervisorFlags},
 *       {@link io.beambridge.gen.Strategy}, {@link io.beambridge.gen.ChildInfo},
 *       {@link io.beambridge.gen.ChildCounts}.
 * </ul>
 *
 * Servers and supervisors are reactive processes: an idle one holds no thread. Failures
 * surface as {@link io.beambridge.node.ExitException} with the exit reasons Elixir gives.
 */
package io.beambridge.gen;
